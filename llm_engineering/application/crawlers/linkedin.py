"""LinkedInCrawler: a member's posts (profile activity page or single post page) as PostDocuments.

The browser logs in with LINKEDIN_USERNAME / LINKEDIN_PASSWORD when a page needs it, scrolls the activity
feed, and hands the DOM to `extract_linkedin_posts` (`application/extraction/sites/linkedin.py`), a pure
function (HTML -> posts) tested without a browser.

LinkedIn may still ask for a captcha or a code, or block automated sessions: the data export
(Settings > Data privacy > Get a copy of your data, then its Shares.csv as an ETL link) needs no login.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

from loguru import logger
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from llm_engineering.application.crawlers.config import DEFAULT_CRAWL
from llm_engineering.application.crawlers.selenium_base import BaseSeleniumCrawler
from llm_engineering.application.extraction.sites.linkedin import (
    ACTIVITY_ID,
    ARTICLE_BODY_SELECTORS,
    COMMENTARY_SELECTORS,
    FEED_UPDATE_URL,
    extract_linkedin_posts,
)
from llm_engineering.domain.content import PostContent
from llm_engineering.domain.documents import PostDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError, ImproperlyConfigured
from llm_engineering.settings import get_settings

PLATFORM = "linkedin"
LINKEDIN_LOGIN_URL = "https://www.linkedin.com/login"
EXPORT_HINT = (
    "Without a login, download your LinkedIn data export (Settings > Data privacy > Get a copy of your data) "
    "and give the ETL the path of its Shares.csv instead: the export crawler reads it without a browser."
)

# Paths that show a member's own feed or profile: LinkedIn shows them only to a signed-in member.
_LOGIN_PATHS = re.compile(r"^/(?:in/[^/]+(?:/.*)?|feed/?|mynetwork/.*)$")
_PUBLIC_PATHS = re.compile(r"^/(?:posts|pulse|feed/update)/")
_AUTH_WALL_PATHS = ("/authwall", "/login", "/uas/login", "/checkpoint/", "/signup")
_LOGIN_ERROR_SELECTORS = "#error-for-username, #error-for-password, .alert-content, [role='alert']"


# ---------------------------------------------------------------------------------------------------------
# Crawler
# ---------------------------------------------------------------------------------------------------------


@contextmanager
def _selenium_wire_log_muted() -> Iterator[None]:
    """Selenium logs every command's payload at DEBUG, typed text included: mute it while credentials are
    typed so that a DEBUG log configuration cannot leak them."""
    wire_log = logging.getLogger("selenium.webdriver.remote.remote_connection")
    previous = wire_log.level
    wire_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        wire_log.setLevel(previous)


def needs_login(link: str) -> bool:
    """Profile and feed pages are shown to signed-in members only; single posts and articles are public."""
    path = urlsplit(link).path or "/"
    return not _PUBLIC_PATHS.match(path) and bool(_LOGIN_PATHS.match(path))


def activity_url(link: str) -> str:
    """A profile link (/in/<name>/) becomes the page listing its posts (/in/<name>/recent-activity/all/)."""
    parts = urlsplit(link)
    match = re.fullmatch(r"/in/([^/]+)/?", parts.path or "")
    if not match:
        return link
    path = f"/in/{match.group(1)}/recent-activity/all/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def post_link_for(link: str) -> str | None:
    """The link a post page's document is stored under, when the link names the post."""
    match = ACTIVITY_ID.search(link)
    if not match or match.group(1) != "activity":
        return None
    return FEED_UPDATE_URL.format(urn=f"urn:li:activity:{match.group(2)}")


class LinkedInCrawler(BaseSeleniumCrawler):
    """Posts of a LinkedIn profile (its activity page) or of a single post page.

    `login_url` replaces LinkedIn's sign-in page (tests serve a local form with the same field ids).
    """

    model: ClassVar[type[PostDocument]] = PostDocument
    scroll_settle_s = 2.0  # the feed fetches the next posts over the network after each scroll

    def __init__(
        self,
        *,
        login_url: str = LINKEDIN_LOGIN_URL,
        extra_arguments: Sequence[str] = (),
        page_load_timeout_s: float = DEFAULT_CRAWL.timeout_s,
        max_scrolls: int = DEFAULT_CRAWL.max_scrolls,
    ) -> None:
        super().__init__(
            extra_arguments=extra_arguments, page_load_timeout_s=page_load_timeout_s, max_scrolls=max_scrolls
        )
        self.login_url = login_url
        self.logged_in = False

    def already_stored(self, link: str) -> bool:
        """A post link counts as stored under its post URN too (how profile crawls store it)."""
        if super().already_stored(link):
            return True
        post_link = post_link_for(link)
        return post_link is not None and self.model.find(link=post_link) is not None

    def crawl(self, link: str, user: UserDocument) -> int:
        url = activity_url(link)
        if needs_login(url) and not self.logged_in:
            self.login(reason=link)
        self.open_page(url)
        if self._on_auth_wall():
            if self.logged_in:  # the session expired: sign in again on the retry
                self.logged_in = False
                raise CrawlError(f"LinkedIn asks to sign in again for {link}.", transient=True)
            self.login(reason=link)
            self.open_page(url)
            if self._on_auth_wall():
                raise CrawlError(f"LinkedIn asks to sign in for {link} even after logging in. {EXPORT_HINT}")
        self._wait_for_posts()
        if needs_login(url):  # an activity feed loads older posts as it is scrolled
            self.scroll_page()
        posts = extract_linkedin_posts(self.page_source(), link)
        if not posts:
            raise CrawlError(f"No LinkedIn post with text found at {link}.", transient=False)
        documents = [
            PostDocument(
                content=PostContent(content=post.text),
                link=post.link,
                image=post.image,
                platform=PLATFORM,
                author_id=user.id,
                author_full_name=user.full_name,
            )
            for post in posts
        ]
        written = PostDocument.bulk_insert(documents)
        logger.info(f"{self.name}: {link}: {len(posts)} post(s) found, {written} new.")
        return written

    # --- login ---------------------------------------------------------------------------------------------

    def login(self, reason: str = "this page") -> None:
        """Sign in with LINKEDIN_USERNAME / LINKEDIN_PASSWORD; neither is ever logged."""
        settings = get_settings()
        username = (settings.LINKEDIN_USERNAME or "").strip()
        password = settings.LINKEDIN_PASSWORD.get_secret_value() if settings.LINKEDIN_PASSWORD else ""
        if not username or not password:
            raise ImproperlyConfigured(
                f"LinkedIn shows {reason} only to signed-in members: set LINKEDIN_USERNAME and "
                f"LINKEDIN_PASSWORD (environment or .env). {EXPORT_HINT}"
            )
        self.open_page(self.login_url)
        driver = self.driver
        try:
            WebDriverWait(driver, self.page_load_timeout_s).until(
                lambda d: d.find_elements(By.ID, "username") and d.find_elements(By.ID, "password")
            )
        except TimeoutException as error:
            raise CrawlError(f"The LinkedIn sign-in page {self.login_url} shows no sign-in form.") from error
        with _selenium_wire_log_muted():
            driver.find_element(By.ID, "username").send_keys(username)
            driver.find_element(By.ID, "password").send_keys(password)
        self._submit_login()
        self._check_login()
        self.logged_in = True
        logger.info(f"{self.name}: signed in to LinkedIn.")

    def _submit_login(self) -> None:
        driver = self.driver
        buttons = driver.find_elements(By.CSS_SELECTOR, "form button[type='submit'], button[type='submit']")
        if buttons:
            buttons[0].click()
        else:  # a form without a button submits on Enter
            driver.find_element(By.ID, "password").submit()

    def _check_login(self) -> None:
        """Wait for the sign-in form to go away (signed in), an error message, or a security check."""
        driver = self.driver

        def settled(d: object) -> bool:
            try:
                return (
                    "/checkpoint/challenge" in driver.current_url
                    or not driver.find_elements(By.ID, "password")
                    or any(e.is_displayed() and e.text.strip() for e in self._login_errors())
                )
            except WebDriverException:
                return False  # the page changed under us: ask again

        try:
            WebDriverWait(driver, self.page_load_timeout_s, poll_frequency=0.2).until(settled)
        except TimeoutException as error:
            raise CrawlError("Signing in to LinkedIn did not finish in time.", transient=True) from error
        if "/checkpoint/challenge" in driver.current_url:
            raise CrawlError(
                "LinkedIn asks for a security check (captcha or code) to sign in: sign in once in a normal "
                f"browser, then try again. {EXPORT_HINT}",
                transient=False,
            )
        if driver.find_elements(By.ID, "password"):
            errors = " ".join(e.text.strip() for e in self._login_errors() if e.text.strip())
            raise ImproperlyConfigured(
                "LinkedIn refused the sign-in: check LINKEDIN_USERNAME and LINKEDIN_PASSWORD"
                + (f" (LinkedIn says: {errors})" if errors else "")
                + "."
            )

    def _login_errors(self) -> list:
        return self.driver.find_elements(By.CSS_SELECTOR, _LOGIN_ERROR_SELECTORS)

    # --- page state ----------------------------------------------------------------------------------------

    def _on_auth_wall(self) -> bool:
        path = urlsplit(self.driver.current_url).path
        if any(path.startswith(prefix) for prefix in _AUTH_WALL_PATHS):
            return True
        return not self._has_posts() and bool(
            self.driver.find_elements(By.CSS_SELECTOR, "input[type='password']")
        )

    def _has_posts(self) -> bool:
        selector = ", ".join((*COMMENTARY_SELECTORS, *ARTICLE_BODY_SELECTORS))
        return bool(self.driver.find_elements(By.CSS_SELECTOR, selector))

    def _wait_for_posts(self) -> None:
        """The feed renders its posts with JavaScript after the page loaded."""
        try:
            WebDriverWait(self.driver, min(self.page_load_timeout_s, 15.0), poll_frequency=0.2).until(
                lambda _: self._has_posts()
            )
        except TimeoutException:
            logger.debug(f"{self.name}: no post appeared on {self.driver.current_url}.")

"""LinkedInCrawler: a member's posts (profile activity page or single post page) as PostDocuments.

The browser logs in with LINKEDIN_USERNAME / LINKEDIN_PASSWORD when a page needs it, scrolls the activity
feed, and hands the DOM to `extract_linkedin_posts`, a pure function (HTML -> posts) tested without a browser.
Only the author's own words are kept: reshared posts' text and comments by others are left out.

LinkedIn may still ask for a captcha or a code, or block automated sessions: the data export
(Settings > Data privacy > Get a copy of your data, then its Shares.csv as an ETL link) needs no login.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

import soupsieve
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from loguru import logger
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from llm_engineering.application.crawlers.selenium_base import BaseSeleniumCrawler
from llm_engineering.domain.content import PostContent
from llm_engineering.domain.documents import PostDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError, ImproperlyConfigured
from llm_engineering.settings import get_settings

PLATFORM = "linkedin"
LINKEDIN_LOGIN_URL = "https://www.linkedin.com/login"
FEED_UPDATE_URL = "https://www.linkedin.com/feed/update/{urn}"
EXPORT_HINT = (
    "Without a login, download your LinkedIn data export (Settings > Data privacy > Get a copy of your data) "
    "and give the ETL the path of its Shares.csv instead: the export crawler reads it without a browser."
)

# --- what a post looks like in LinkedIn's markup (signed-in feed and public guest pages) ------------------

_URN = re.compile(r"urn:li:(?:activity|share|ugcPost):[\w-]+")
_URN_ATTRIBUTES = ("data-urn", "data-activity-urn", "data-id", "data-entity-urn")
_POST_CLASSES = frozenset(("feed-shared-update-v2", "main-feed-activity-card"))
# The author's text of a post, most specific first.
_COMMENTARY_SELECTORS = (
    "[data-test-id='main-feed-activity-card__commentary']",
    ".feed-shared-update-v2__description",
    ".feed-shared-update-v2__commentary",
    ".update-components-text",
    ".feed-shared-text",
    ".attributed-text-segment-list__content",
)
# Someone else's post inside this one (a repost): its text is not the author's.
_RESHARE_SELECTORS = (
    "[data-test-id^='feed-reshare-content']",
    ".feed-reshare-content",
    ".update-components-mini-update-v2",
    ".feed-shared-mini-update-v2",
    ".feed-shared-update-v2__update-content-wrapper",
    ".update-components-reshare",
)
# Comments under a post.
_COMMENT_SELECTORS = (
    "section.comment",
    "div.comments",
    ".comments-comments-list",
    ".comments-comment-item",
    ".comments-comment-entity",
    ".comments-comment-list__container",
    "[data-test-id^='comments-']",
)
_RESHARE = soupsieve.compile(", ".join(_RESHARE_SELECTORS))
_COMMENT = soupsieve.compile(", ".join(_COMMENT_SELECTORS))
_IMAGE_SELECTORS = (
    "[data-test-id='feed-images-content'] img",
    ".update-components-image img",
    ".feed-shared-image img",
    ".update-components-linkedin-video img",
    ".feed-shared-article__image img",
    ".update-components-article__image img",
)
# Long-form articles (linkedin.com/pulse/...).
_ARTICLE_BODY_SELECTORS = (
    ".article-content__body",
    ".reader-article-content",
    "[data-test-id='article-body']",
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "svg", "button", "img", "iframe", "video"))
_HIDDEN_CLASSES = frozenset(("visually-hidden", "sr-only", "a11y-text"))
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Blocks separated by a blank line; other blocks by a line break.
_PARAGRAPH_TAGS = frozenset(("p", "blockquote", "pre", "ul", "ol", "table", *_HEADINGS))
_BLOCK_TAGS = _PARAGRAPH_TAGS | {
    "div",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "li",
    "tr",
}
# Markers for block edges while rendering, merged afterwards (see _join_breaks).
_LINE_BREAK, _PARAGRAPH_BREAK = "\x00", "\x01"
_BREAK_RUN = re.compile(r"\s*[\x00\x01][\x00\x01\s]*")
_ACTIVITY_ID = re.compile(r"(?:urn:li:|[-_/])(activity|share|ugcPost)[-:](\d{8,})")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_ALL_WHITESPACE = re.compile(r"[\s\u00a0\u200b]+")

# Paths that show a member's own feed or profile: LinkedIn shows them only to a signed-in member.
_LOGIN_PATHS = re.compile(r"^/(?:in/[^/]+(?:/.*)?|feed/?|mynetwork/.*)$")
_PUBLIC_PATHS = re.compile(r"^/(?:posts|pulse|feed/update)/")
_AUTH_WALL_PATHS = ("/authwall", "/login", "/uas/login", "/checkpoint/", "/signup")
_LOGIN_ERROR_SELECTORS = "#error-for-username, #error-for-password, .alert-content, [role='alert']"


@dataclass(frozen=True)
class LinkedInPost:
    text: str
    link: str
    image: str | None = None
    urn: str | None = None


# ---------------------------------------------------------------------------------------------------------
# Extraction: HTML -> posts (pure)
# ---------------------------------------------------------------------------------------------------------


def extract_linkedin_posts(html: str, page_url: str) -> list[LinkedInPost]:
    """The posts on a LinkedIn page: an activity feed, a single post (with its reposted content and the
    "more posts" around it left out) or a long-form article. Links come from the posts' URNs when the page has
    them (`https://www.linkedin.com/feed/update/<urn>`), else from `page_url`."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(("script", "style", "noscript", "template")):
        tag.decompose()
    posts = _feed_posts(soup, page_url)
    if not posts:
        posts = _article_posts(soup, page_url)
    target = _target_activity_id(soup, page_url)
    if target:
        # A single post's page also lists other people's posts: keep the one the page is about.
        chosen = [post for post in posts if post.urn and post.urn.rsplit(":", 1)[-1] == target]
        posts = chosen or posts
    return posts


def _feed_posts(soup: BeautifulSoup, page_url: str) -> list[LinkedInPost]:
    found: list[tuple[str, str | None, str | None]] = []  # (text, urn, image)
    for container in _top_level_containers(soup):
        urn = _container_urn(container)
        commentary = _commentary(container, urn)
        if commentary is None:
            continue  # a plain repost: nothing the author wrote
        text = render_text(commentary)
        if text:
            found.append((text, urn, _post_image(container)))
    if not found:  # no post markup around the text: the page is one post
        commentary = _first_outside(soup, _COMMENTARY_SELECTORS, _COMMENT)
        text = render_text(commentary) if commentary is not None else ""
        if text:
            found.append((text, None, _meta_content(soup, "og:image")))
    return _with_links(found, page_url)


def _with_links(found: list[tuple[str, str | None, str | None]], page_url: str) -> list[LinkedInPost]:
    posts: list[LinkedInPost] = []
    seen: set[str] = set()
    without_urn = sum(1 for _, urn, _ in found if urn is None)
    for index, (text, urn, image) in enumerate(found):
        if urn:
            link = FEED_UPDATE_URL.format(urn=urn)
        else:
            link = page_url if without_urn == 1 else f"{_strip_fragment(page_url)}#post-{index + 1}"
        if link in seen:
            continue  # LinkedIn renders some updates twice (pinned and in the feed)
        seen.add(link)
        posts.append(LinkedInPost(text=text, link=link, image=image, urn=urn))
    return posts


def _article_posts(soup: BeautifulSoup, page_url: str) -> list[LinkedInPost]:
    """A long-form article (linkedin.com/pulse) as one post: its body, without title, byline or comments."""
    for selector in _ARTICLE_BODY_SELECTORS:
        body = soup.select_one(selector)
        if body is None:
            continue
        text = render_text(body)
        if text:
            image = _meta_content(soup, "og:image") or _first_image(body.select("img"))
            return [LinkedInPost(text=text, link=page_url, image=image)]
    return []


def _is_post_container(tag: Tag) -> bool:
    if any(_URN.fullmatch(str(tag.get(attribute, ""))) for attribute in _URN_ATTRIBUTES):
        return True
    return bool(_POST_CLASSES.intersection(tag.get("class") or ()))


def _own_urn(tag: Tag) -> str | None:
    for attribute in _URN_ATTRIBUTES:
        value = str(tag.get(attribute, ""))
        if _URN.fullmatch(value):
            return value
    return None


def _top_level_containers(soup: BeautifulSoup) -> list[Tag]:
    containers = [tag for tag in soup.find_all(True) if _is_post_container(tag)]
    marked = {id(tag) for tag in containers}
    return [tag for tag in containers if not any(id(parent) in marked for parent in tag.parents)]


def _container_urn(container: Tag) -> str | None:
    """The post's URN: the container's own, else the first one inside it that is not a reshared post's."""
    urn = _own_urn(container)
    if urn:
        return urn
    for tag in container.find_all(True):
        candidate = _own_urn(tag)
        if candidate and not _inside_any(tag, container, _RESHARE):
            return candidate
    return None


def _excluded(tag: Tag, container: Tag, container_urn: str | None) -> bool:
    """Inside a comment, a reshared post (known by its markup or by another URN) between tag and container."""
    for parent in [tag, *tag.parents]:
        if parent is container:
            return False
        if _matches(parent, _COMMENT) or _matches(parent, _RESHARE):
            return True
        urn = _own_urn(parent)
        if urn and container_urn and urn != container_urn:
            return True
    return False


def _commentary(container: Tag, urn: str | None) -> Tag | None:
    for selector in _COMMENTARY_SELECTORS:
        for tag in container.select(selector):
            if not _excluded(tag, container, urn) and render_text(tag):
                return tag
    return None


def _post_image(container: Tag) -> str | None:
    images = [
        img
        for selector in _IMAGE_SELECTORS
        for img in container.select(selector)
        if not _inside_any(img, container, _COMMENT)
    ]
    return _first_image(images)


def _first_image(images: list[Tag]) -> str | None:
    for img in images:
        for attribute in ("data-delayed-url", "data-li-src", "data-src", "src"):
            value = str(img.get(attribute) or "").strip()
            if value.startswith(("https://", "http://")):
                return value
    return None


def _first_outside(
    soup: BeautifulSoup, selectors: tuple[str, ...], excluded: soupsieve.SoupSieve
) -> Tag | None:
    for selector in selectors:
        for tag in soup.select(selector):
            if not any(_matches(parent, excluded) for parent in [tag, *tag.parents]):
                return tag
    return None


def _matches(tag: Tag, compiled: soupsieve.SoupSieve) -> bool:
    return isinstance(tag, Tag) and not isinstance(tag, BeautifulSoup) and compiled.match(tag)


def _inside_any(tag: Tag, stop: Tag, compiled: soupsieve.SoupSieve) -> bool:
    for parent in [tag, *tag.parents]:
        if parent is stop:
            return False
        if _matches(parent, compiled):
            return True
    return False


def _target_activity_id(soup: BeautifulSoup, page_url: str) -> str | None:
    """The id of the post a single-post page is about, from its URL or its canonical link."""
    canonical = soup.find("link", rel="canonical")
    candidates = [
        page_url,
        str(canonical.get("href", "")) if canonical else "",
        _meta_content(soup, "og:url"),
    ]
    for candidate in candidates:
        match = _ACTIVITY_ID.search(candidate or "")
        if match:
            return match.group(2)
    return None


def _meta_content(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    value = str(tag.get("content") or "").strip() if tag else ""
    return value or None


def _strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


# --- text rendering ----------------------------------------------------------------------------------------


def render_text(element: Tag) -> str:
    """An element's text as the reader sees it: line breaks from <br> and blocks, list items as "- item",
    newlines kept where LinkedIn renders them (`whitespace-pre-wrap`), screen-reader labels and buttons
    ("...see more") left out."""
    pieces: list[str] = []
    _render(element, pieces, preserve=_is_pre_wrap(element))
    text = _BREAK_RUN.sub(_join_breaks, "".join(pieces))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _join_breaks(run: re.Match[str]) -> str:
    """Adjacent block edges make one break, not one each: a paragraph edge a blank line, others a line
    break (two when the text itself had a blank line there)."""
    value = run.group()
    if _PARAGRAPH_BREAK in value or value.count("\n") > 1:
        return "\n\n"
    return "\n"


def _render(node: Tag, pieces: list[str], preserve: bool) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            pieces.append(_SPACES.sub(" ", str(child)) if preserve else _ALL_WHITESPACE.sub(" ", str(child)))
            continue
        if not isinstance(child, Tag) or _is_skipped(child):
            continue
        if child.name == "br":
            pieces.append("\n")
            continue
        block = child.name in _BLOCK_TAGS
        gap = _PARAGRAPH_BREAK if child.name in _PARAGRAPH_TAGS else _LINE_BREAK
        if block:
            pieces.append(gap)
        if child.name == "li":
            pieces.append(_list_marker(child))
        _render(child, pieces, preserve or _is_pre_wrap(child) or child.name == "pre")
        if block:
            pieces.append(gap)


def _is_skipped(tag: Tag) -> bool:
    if tag.name in _SKIP_TAGS:
        return True
    classes = set(tag.get("class") or ())
    return bool(classes & _HIDDEN_CLASSES) or tag.get("hidden") is not None


def _is_pre_wrap(tag: Tag) -> bool:
    if "whitespace-pre-wrap" in (tag.get("class") or ()):
        return True
    return "white-space:pre-wrap" in str(tag.get("style", "")).replace(" ", "")


def _list_marker(item: Tag) -> str:
    parent = item.parent
    if isinstance(parent, Tag) and parent.name == "ol":
        position = 1 + sum(1 for sibling in item.find_previous_siblings("li"))
        return f"{position}. "
    return "- "


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
    match = _ACTIVITY_ID.search(link)
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
        page_load_timeout_s: float | None = None,
        max_scrolls: int | None = None,
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
        selector = ", ".join((*_COMMENTARY_SELECTORS, *_ARTICLE_BODY_SELECTORS))
        return bool(self.driver.find_elements(By.CSS_SELECTOR, selector))

    def _wait_for_posts(self) -> None:
        """The feed renders its posts with JavaScript after the page loaded."""
        try:
            WebDriverWait(self.driver, min(self.page_load_timeout_s, 15.0), poll_frequency=0.2).until(
                lambda _: self._has_posts()
            )
        except TimeoutException:
            logger.debug(f"{self.name}: no post appeared on {self.driver.current_url}.")

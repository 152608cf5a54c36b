"""Profile shortcuts: a Medium profile (medium.com/@user) or a Substack home (name.substack.com), or the
feed link itself, is crawled through its feed (medium.com/feed/@user, name.substack.com/feed), which carries
the posts' full text and is not behind the bot walls the pages are. When the feed cannot be read, a headless browser reads the profile
page and its posts instead (`browser_profile.py`); without a browser, the feed's error is reported.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from loguru import logger

from llm_engineering.application.crawlers.custom_article import CustomArticleCrawler
from llm_engineering.application.extraction.feeds import is_feed
from llm_engineering.application.fetching.walls import BlockedError
from llm_engineering.domain.documents import UserDocument
from llm_engineering.domain.exceptions import CrawlError, ImproperlyConfigured

_MEDIUM_PROFILE_PATH = re.compile(r"^/(@[^/]+)/?$")
_MEDIUM_FEED_PATH = re.compile(r"^/feed/(@[^/]+)/?$")
_HOME_PATHS = frozenset({"", "/"})
_FEED_PATHS = frozenset({"/feed", "/feed/"})
_NOT_PROFILE_SUBDOMAINS = frozenset({"www", "help", "policy", "blog", "open", "on", "substack"})


def _host(link: str) -> str:
    return (urlsplit(link).hostname or "").lower().removeprefix("www.")


def is_profile_link(link: str) -> bool:
    """medium.com/@user, user.medium.com/ or name.substack.com/, or their feeds: crawled through the feed."""
    host, path = _host(link), urlsplit(link).path
    if host == "medium.com":
        return bool(_MEDIUM_PROFILE_PATH.match(path) or _MEDIUM_FEED_PATH.match(path))
    for platform in (".medium.com", ".substack.com"):
        if host.endswith(platform) and (path in _HOME_PATHS or path in _FEED_PATHS):
            return host.removesuffix(platform) not in _NOT_PROFILE_SUBDOMAINS
    return False


def feed_link(link: str) -> str:
    """The feed of a profile link, on whatever host it is: /@user -> /feed/@user, a home page -> /feed; a
    feed link is its own feed."""
    parts = urlsplit(link)
    if _MEDIUM_FEED_PATH.match(parts.path) or parts.path in _FEED_PATHS:
        return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    match = _MEDIUM_PROFILE_PATH.match(parts.path)
    if match:
        path = f"/feed/{match.group(1)}"
    elif parts.path in _HOME_PATHS:
        path = "/feed"
    else:
        raise CrawlError(f"{link} is not a profile or home page link; give /@user or the site's root.")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def profile_link(link: str) -> str:
    """The page the browser fallback reads: the profile of a feed link, else the link itself."""
    parts = urlsplit(link)
    match = _MEDIUM_FEED_PATH.match(parts.path)
    if match:
        return urlunsplit((parts.scheme, parts.netloc, f"/{match.group(1)}", "", ""))
    if parts.path in _FEED_PATHS:
        return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    return link


class ProfileFeedCrawler(CustomArticleCrawler):
    """A profile link crawled through its feed; a browser reads the profile when the feed cannot be read."""

    def already_stored(self, link: str) -> bool:
        return False  # the feed's posts decide, one by one

    def crawl(self, link: str, user: UserDocument) -> int:
        feed = feed_link(link)
        self.notes["feed"] = feed
        try:
            page = self.fetch(feed, accept_feeds=True)
            if not is_feed(page.content_type, page.html):
                raise CrawlError(f"{feed} answered with a page, not an RSS or Atom feed.", transient=False)
        except CrawlError as error:
            if error.transient:
                raise  # the runner retries the feed
            return self._browser_fallback(link, user, error)
        return self.crawl_feed(page, user)

    def _browser_fallback(self, link: str, user: UserDocument, feed_error: CrawlError) -> int:
        # Selenium is imported only when a fallback is needed.
        from selenium.common.exceptions import WebDriverException

        from llm_engineering.application.crawlers.browser_profile import BrowserProfileCrawler

        logger.warning(
            f"{self.name}: the feed of {link} failed ({feed_error}); reading the profile in a browser."
        )
        self.notes["fallback"] = "selenium"
        try:
            browser = BrowserProfileCrawler(page_load_timeout_s=self.timeout_s)  # the run's crawl timeout
            browser.driver  # noqa: B018 - starts Chromium now, so a missing browser is told apart
        except (ImproperlyConfigured, OSError, CrawlError, WebDriverException) as error:
            message = f"{feed_error} The Selenium fallback could not start: {error}"
            if isinstance(feed_error, BlockedError):
                raise BlockedError(message, hint=feed_error.hint) from error
            raise CrawlError(message, transient=False) from error
        with browser:
            return browser.crawl_profile(profile_link(link), user, self.notes)

"""BaseSeleniumCrawler: one headless Chromium per crawler (`application/fetching/browser.py`), started on
first use and reused across links; loading, checking and scrolling pages.

A crawler instance and its browser belong to one thread: the runner keeps one instance per worker thread.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from abc import ABC
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Self

from loguru import logger
from selenium.common.exceptions import (
    InvalidSessionIdException,
    NoSuchWindowException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from llm_engineering.application.crawlers.base import BaseCrawler
from llm_engineering.application.crawlers.config import DEFAULT_CRAWL, CrawlConfig
from llm_engineering.application.fetching.browser import first_line, start_chromium
from llm_engineering.application.fetching.walls import blocked_error, detect_wall
from llm_engineering.domain.exceptions import CrawlError, ImproperlyConfigured

# Chrome network errors that trying again cannot fix.
_PERMANENT_NET_ERRORS = frozenset(
    ("ERR_NAME_NOT_RESOLVED", "ERR_INVALID_URL", "ERR_UNKNOWN_URL_SCHEME", "ERR_DISALLOWED_URL_SCHEME")
)
_NET_ERROR = re.compile(r"net::(ERR_[A-Z_]+)")
TIMEOUT_GRACE = 1.5  # a page that took 1.5x the page-load timeout is a timeout, whatever Chromium says
_DEAD_SESSION_WORDS = ("chrome not reachable", "disconnected", "session deleted", "no such session")
_SCROLL_HEIGHT_JS = (
    "return Math.max(document.body ? document.body.scrollHeight : 0, "
    "document.documentElement ? document.documentElement.scrollHeight : 0);"
)
# The final response's status of the current document (Navigation Timing Level 2, Chrome 109+).
_RESPONSE_STATUS_JS = (
    "const nav = performance.getEntriesByType('navigation')[0]; return nav ? (nav.responseStatus || 0) : 0;"
)


class BaseSeleniumCrawler(BaseCrawler, ABC):
    """A crawler that reads pages through a real headless Chromium.

    `extra_arguments` are added to the Chromium command line (tests pass `--host-resolver-rules=...` to keep
    saved pages from waiting on the internet). `page_load_timeout_s` and `max_scrolls` come from
    the run's CrawlConfig (`timeout_s`, `max_scrolls`).
    """

    # How long the page may stay the same height after a scroll before it counts as fully loaded.
    scroll_settle_s: float = 1.0
    uses_browser: ClassVar[bool] = True
    scroll_poll_s: float = 0.1

    def __init__(
        self,
        *,
        extra_arguments: Sequence[str] = (),
        page_load_timeout_s: float = DEFAULT_CRAWL.timeout_s,
        max_scrolls: int = DEFAULT_CRAWL.max_scrolls,
    ) -> None:
        self.extra_arguments = tuple(extra_arguments)
        self._page_load_timeout_s = page_load_timeout_s
        self._max_scrolls = max_scrolls
        self._driver: WebDriver | None = None
        self._profile_dir: str | None = None
        self.driver_starts = 0  # how many browsers this crawler has started (one unless one crashed)

    # --- settings ------------------------------------------------------------------------------------------

    @classmethod
    def from_config(cls, config: CrawlConfig) -> Self:
        return cls(page_load_timeout_s=config.timeout_s, max_scrolls=config.max_scrolls)

    @property
    def page_load_timeout_s(self) -> float:
        return self._page_load_timeout_s

    @property
    def max_scrolls(self) -> int:
        return self._max_scrolls

    # --- browser lifecycle ---------------------------------------------------------------------------------

    @property
    def driver(self) -> WebDriver:
        """The browser, started on first use."""
        if self._driver is None:
            self._driver = self._start_driver()
        return self._driver

    @property
    def browser_started(self) -> bool:
        return self._driver is not None

    @property
    def profile_dir(self) -> Path | None:
        """The running browser's temporary profile folder, removed on close."""
        return Path(self._profile_dir) if self._profile_dir else None

    def _start_driver(self) -> WebDriver:
        self._profile_dir = tempfile.mkdtemp(prefix="llm-twin-chromium-")
        try:
            driver = start_chromium(
                extra_arguments=self.extra_arguments,
                profile_dir=self._profile_dir,
                page_load_timeout_s=self.page_load_timeout_s,
            )
        except ImproperlyConfigured:
            self._remove_profile()
            raise
        self.driver_starts += 1
        return driver

    def close(self) -> None:
        """Quit the browser and remove its profile; the next link would start a fresh one."""
        driver, self._driver = self._driver, None
        if driver is not None:
            try:
                driver.quit()
            except WebDriverException as error:  # already dead: its profile still has to go
                logger.debug(f"{self.name}: quitting Chromium failed: {error.msg}")
        self._remove_profile()

    def _remove_profile(self) -> None:
        if self._profile_dir:
            shutil.rmtree(self._profile_dir, ignore_errors=True)
            self._profile_dir = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- pages ---------------------------------------------------------------------------------------------

    def open_page(self, url: str) -> None:
        """Load `url`; raise CrawlError on a timeout, a network error or an HTTP error status, and
        BlockedError on a bot wall, so that an error page is never stored as content."""
        driver = self.driver
        timed_out = CrawlError(
            f"{url} did not load within {self.page_load_timeout_s:g} s (crawl: timeout_s).", transient=True
        )
        started = time.monotonic()
        try:
            driver.get(url)
        except TimeoutException as error:
            self._stop_loading()
            raise timed_out from error
        except WebDriverException as error:
            raise self._navigation_error(url, error) from error
        # Chromium sometimes enforces its page-load timeout only once a slow response has arrived: hold
        # every page to the same limit, so the crawl timeout means the same thing for each link.
        if time.monotonic() - started > self.page_load_timeout_s * TIMEOUT_GRACE:
            raise timed_out
        self._check_loaded_page(url)

    def _check_loaded_page(self, url: str) -> None:
        driver = self.driver
        if driver.current_url.startswith("chrome-error://"):
            raise CrawlError(f"{url} could not be loaded (the browser shows its error page).", transient=True)
        status = self.response_status()
        wall = detect_wall(status or 200, driver.page_source)  # never store a challenge or a login wall
        if wall:
            raise blocked_error(url, status or 200, wall)
        if status >= 400:
            transient = status in (408, 425, 429) or status >= 500
            raise CrawlError(f"{url} answered HTTP {status}.", transient=transient)

    def response_status(self) -> int:
        """The HTTP status of the current document's final response; 0 when the browser cannot tell."""
        try:
            return int(self.driver.execute_script(_RESPONSE_STATUS_JS) or 0)
        except (WebDriverException, TypeError, ValueError):
            return 0

    def _navigation_error(self, url: str, error: WebDriverException) -> CrawlError:
        message = first_line(error)
        if isinstance(error, InvalidSessionIdException | NoSuchWindowException) or any(
            word in message.lower() for word in _DEAD_SESSION_WORDS
        ):
            self.close()  # the next link starts a fresh browser
            return CrawlError(f"{url}: the browser died ({message}); it will be restarted.", transient=True)
        net_error = _NET_ERROR.search(message)
        if net_error:
            code = net_error.group(1)
            return CrawlError(
                f"{url} could not be loaded: {code}.", transient=code not in _PERMANENT_NET_ERRORS
            )
        return CrawlError(f"{url} could not be loaded: {message}", transient=True)

    def _stop_loading(self) -> None:
        try:
            self.driver.execute_script("window.stop();")
        except WebDriverException:
            self.close()  # an unresponsive browser is replaced on the next link

    def page_source(self) -> str:
        """The page's current DOM as HTML (after its scripts ran and after scrolling)."""
        return self.driver.page_source

    def scroll_height(self) -> int:
        return int(self.driver.execute_script(_SCROLL_HEIGHT_JS) or 0)

    def scroll_page(self, max_scrolls: int | None = None, settle_s: float | None = None) -> int:
        """Scroll to the bottom until the page stops growing or `max_scrolls` (crawl: max_scrolls) is reached.

        After each scroll the height is polled every `scroll_poll_s` for at most `settle_s`: a page that grows
        quickly costs no fixed sleep. Returns how many scrolls made the page grow.
        """
        limit = self.max_scrolls if max_scrolls is None else max_scrolls
        settle = self.scroll_settle_s if settle_s is None else settle_s
        driver = self.driver
        height = self.scroll_height()
        for done in range(limit):
            driver.execute_script("window.scrollTo(0, arguments[0]);", height)
            try:
                WebDriverWait(driver, settle, poll_frequency=self.scroll_poll_s).until(
                    lambda _, before=height: self.scroll_height() > before
                )
            except TimeoutException:
                return done  # stable: everything the page loads on scroll is there
            height = self.scroll_height()
        logger.info(
            f"{self.name}: stopped after {limit} scrolls (crawl: max_scrolls); the page may hold more."
        )
        return limit

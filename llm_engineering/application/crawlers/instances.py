"""Crawler instances during a run: one per (worker thread, crawler class) for light crawlers, and a small
shared pool for browser crawlers, so that at most `max_browsers` browsers work at once however many
workers the run has (a headless Chromium costs far more memory and CPU than an HTTP request)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from loguru import logger

from llm_engineering.application.crawlers.base import BaseCrawler
from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.domain.exceptions import CrawlError, LLMTwinError


class CrawlerUnavailable(LLMTwinError):  # noqa: N818 - it names a state, like the errors of the standard library
    """A crawler could not be built (missing settings, no browser): its links fail, not the run."""


class CrawlerInstances:
    def __init__(self, config: CrawlConfig) -> None:
        self.config = config
        browser_slots = config.max_browsers
        self._local = threading.local()
        self._lock = threading.Lock()
        self._browser_slots = threading.BoundedSemaphore(max(1, browser_slots))
        self._idle_browsers: dict[type[BaseCrawler], list[BaseCrawler]] = {}
        self._all: list[BaseCrawler] = []

    @contextmanager
    def checkout(self, crawler_cls: type[BaseCrawler]) -> Iterator[BaseCrawler]:
        """An instance of `crawler_cls` for one link. After an unexpected error (not a CrawlError) the
        instance is closed and dropped, so a retry gets a fresh one (a new browser)."""
        if not crawler_cls.uses_browser:
            crawler = self._thread_instance(crawler_cls)
            try:
                yield crawler
            except CrawlError:
                raise
            except Exception:
                self._local.__dict__.get("crawlers", {}).pop(crawler_cls, None)
                self._drop(crawler)
                raise
            return
        with self._browser_slots:
            crawler = self._idle_browser(crawler_cls)
            try:
                yield crawler
            except CrawlError:
                self._release_browser(crawler_cls, crawler)
                raise
            except Exception:
                self._drop(crawler)
                raise
            self._release_browser(crawler_cls, crawler)

    def _thread_instance(self, crawler_cls: type[BaseCrawler]) -> BaseCrawler:
        crawlers = self._local.__dict__.setdefault("crawlers", {})
        if crawler_cls not in crawlers:
            crawlers[crawler_cls] = self._new(crawler_cls)
        return crawlers[crawler_cls]

    def _idle_browser(self, crawler_cls: type[BaseCrawler]) -> BaseCrawler:
        with self._lock:
            idle = self._idle_browsers.setdefault(crawler_cls, [])
            if idle:
                return idle.pop()
        return self._new(crawler_cls)

    def _release_browser(self, crawler_cls: type[BaseCrawler], crawler: BaseCrawler) -> None:
        with self._lock:
            self._idle_browsers.setdefault(crawler_cls, []).append(crawler)

    def _new(self, crawler_cls: type[BaseCrawler]) -> BaseCrawler:
        try:
            crawler = crawler_cls.from_config(self.config)
        except Exception as error:
            raise CrawlerUnavailable(f"{type(error).__name__}: {error}") from error
        with self._lock:
            self._all.append(crawler)
        return crawler

    def _drop(self, crawler: BaseCrawler) -> None:
        with self._lock:
            if crawler in self._all:
                self._all.remove(crawler)
        close_quietly(crawler)

    def close_all(self) -> None:
        with self._lock:
            instances, self._all = self._all, []
            self._idle_browsers.clear()
        for crawler in instances:
            close_quietly(crawler)


def close_quietly(crawler: BaseCrawler) -> None:
    try:
        crawler.close()
    except Exception as error:  # closing must not hide the run's results
        logger.warning(f"Closing {crawler.name} failed: {type(error).__name__}: {error}")

"""crawl_links: crawl many links at once, politely, with retries, and report what happened to each.

- A thread pool sized for I/O (up to `max_workers` threads, no more than the domains' slots can use),
  with a per-domain semaphore so no site gets more than `max_per_domain` requests at once: the per-domain
  limit, not the pool, is what holds a crawl back. Links are submitted round-robin across domains.
- Browser crawlers (Selenium) share `max_browsers` browsers, however many threads the pool has.
- robots.txt is honoured for web pages (`robots.py`).
- Transient failures (timeouts, 429/5xx, dropped connections) are retried with backoff (`retries.py`);
  permanent ones (404, not HTML, no article text) are not.
- A bot wall (challenge page, captcha, login wall) makes the link `blocked`, with a hint (the feed, the
  platform's export); it is not retried and nothing is stored.
- Every link yields a CrawlResult (`report.py`); one bad link never stops the run.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests
from loguru import logger
from tqdm import tqdm

from llm_engineering.application.crawlers.base import BaseCrawler, CrawlResult, CrawlStatus, link_domain
from llm_engineering.application.crawlers.config import DEFAULT_CRAWL, CrawlConfig
from llm_engineering.application.crawlers.dispatcher import WEB_SCHEMES, CrawlerDispatcher
from llm_engineering.application.crawlers.instances import CrawlerInstances, CrawlerUnavailable
from llm_engineering.application.crawlers.planning import pool_size, prepare_links, round_robin_by_domain
from llm_engineering.application.crawlers.report import CrawlReport
from llm_engineering.application.crawlers.retries import (
    BACKOFF_BASE_S,
    RETRY_AFTER_MAX_S,
    TransientFailure,
    backoff_delay,
    crawl_with_retries,
)
from llm_engineering.application.crawlers.robots import DISALLOWED_BY_ROBOTS, ROBOTS_TIMEOUT_S, RobotsTxt
from llm_engineering.application.fetching.walls import BlockedError
from llm_engineering.domain.documents import UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.infrastructure.redaction import mask_uri, redact, strip_credentials
from llm_engineering.settings import get_settings

__all__ = [
    "DISALLOWED_BY_ROBOTS",
    "RETRY_AFTER_MAX_S",
    "CrawlReport",
    "backoff_delay",
    "crawl_links",
    "default_dispatcher",
    "pool_size",
]

_NETWORK_ERRORS = (
    requests.RequestException,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    http.client.HTTPException,
    urllib.error.URLError,
)


def default_dispatcher() -> CrawlerDispatcher:
    return CrawlerDispatcher.build().register_medium().register_linkedin().register_github()


def is_network_error(error: BaseException) -> bool:
    """Unexpected exceptions worth a retry: network trouble, or a timeout such as Selenium's."""
    return isinstance(error, _NETWORK_ERRORS) or "Timeout" in type(error).__name__


class _CrawlRun:
    def __init__(
        self,
        user: UserDocument,
        dispatcher: CrawlerDispatcher,
        *,
        config: CrawlConfig,
        robots: RobotsTxt | None,
        backoff_base_s: float,
    ) -> None:
        self.user = user
        self.dispatcher = dispatcher
        self.max_per_domain = config.max_per_domain
        self.robots = robots
        self.max_retries = config.max_retries
        self.backoff_base_s = backoff_base_s
        self.instances = CrawlerInstances(config)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def _slot(self, domain: str) -> Iterator[None]:
        with self._lock:
            slot = self._slots.setdefault(domain, threading.BoundedSemaphore(self.max_per_domain))
        with slot:
            yield

    # one link

    def crawl_one(self, link: str) -> CrawlResult:
        """The result of crawling `link`, its link and reason with any credentials masked."""
        result = self._crawl_one(link)
        result.link = mask_uri(result.link)
        if result.reason:
            result.reason = redact(result.reason, link)
        return result

    def _crawl_one(self, link: str) -> CrawlResult:
        shown = mask_uri(link)
        crawler_cls = self.dispatcher.crawler_class(link)
        if self._blocked_by_robots(link, crawler_cls):
            logger.warning(f"{shown} is {DISALLOWED_BY_ROBOTS}; not crawled.")
            return CrawlResult(link, CrawlStatus.FAILED, crawler_cls.__name__, reason=DISALLOWED_BY_ROBOTS)

        def attempt(number: int) -> CrawlResult:
            try:
                result = self._attempt(link, crawler_cls)  # raises TransientFailure when a retry may help
            except TransientFailure as failure:
                failure.result.attempts = number
                raise
            result.attempts = number
            return result

        def log_retry(failure: TransientFailure, number: int, wait_s: float) -> None:
            logger.warning(
                f"{shown}: {redact(failure.result.reason or '', link)} (attempt {number} of "
                f"{self.max_retries + 1}); retrying in {wait_s:.1f} s."
            )

        # The wait between attempts is spent outside the domain slot: other links of the domain go on.
        return crawl_with_retries(
            attempt, max_retries=self.max_retries, backoff_base_s=self.backoff_base_s, on_retry=log_retry
        )

    def _blocked_by_robots(self, link: str, crawler_cls: type[BaseCrawler]) -> bool:
        if self.robots is None or urlsplit(link).scheme not in WEB_SCHEMES:
            return False
        if not getattr(crawler_cls, "obeys_robots_txt", True):
            return False
        with self._slot(link_domain(link)):  # the robots.txt request counts against the domain's limit
            return not self.robots.allowed(link)

    def _attempt(self, link: str, crawler_cls: type[BaseCrawler]) -> CrawlResult:
        """The result of one attempt; a transient failure is raised as TransientFailure (its result inside)."""
        name = crawler_cls.__name__
        try:
            with self._slot(link_domain(link)), self.instances.checkout(crawler_cls) as crawler:
                crawler.robots = self.robots
                return crawler.extract(link, self.user)
        # A crawler that cannot start (no browser, no credentials) fails its links, not the run.
        except CrawlerUnavailable as error:
            return CrawlResult(link, CrawlStatus.FAILED, name, reason=f"{name} could not start: {error}")
        except BlockedError as error:  # asking again gets the same wall: reported, not retried
            logger.warning(f"{mask_uri(link)} is blocked: {redact(str(error), link)}. Instead: {error.hint}.")
            return CrawlResult(link, CrawlStatus.BLOCKED, name, reason=str(error), extra={"hint": error.hint})
        except CrawlError as error:
            result = CrawlResult(link, CrawlStatus.FAILED, name, reason=str(error))
            if error.transient:
                raise TransientFailure(result, getattr(error, "retry_after_s", None)) from error
            return result
        except Exception as error:
            result = CrawlResult(link, CrawlStatus.FAILED, name, reason=f"{type(error).__name__}: {error}")
            if is_network_error(error):
                raise TransientFailure(result) from error
            # No traceback (its values could show them) when the link holds credentials.
            logger.opt(exception=error if strip_credentials(link) == link else None).error(
                f"{name} failed on {mask_uri(link)} unexpectedly: "
                f"{type(error).__name__}: {redact(str(error), link)}"
            )
            return result


# --- entry point -------------------------------------------------------------------------------------------


def crawl_links(
    user: UserDocument,
    links: Iterable[str],
    dispatcher: CrawlerDispatcher | None = None,
    config: CrawlConfig = DEFAULT_CRAWL,
    *,
    progress: bool = True,
    backoff_base_s: float = BACKOFF_BASE_S,
) -> CrawlReport:
    """Crawl `links` for `user` into the warehouse within the limits of `config`."""
    if isinstance(links, str):  # one link given as a string, not a list of its characters
        links = [links]
    dispatcher = dispatcher or default_dispatcher()
    robots_timeout = min(ROBOTS_TIMEOUT_S, config.timeout_s)
    robots = RobotsTxt(get_settings().USER_AGENT, robots_timeout) if config.respect_robots_txt else None
    run = _CrawlRun(user, dispatcher, config=config, robots=robots, backoff_base_s=backoff_base_s)
    started = time.monotonic()
    ordered, unique, duplicates = prepare_links(links, dispatcher)
    workers = pool_size(unique, max_workers=config.max_workers, max_per_domain=config.max_per_domain)
    results = _run_pool(run, unique, workers, progress)
    report = CrawlReport(
        results=[item if isinstance(item, CrawlResult) else results[item] for item in ordered],
        duplicates=duplicates,
        seconds=time.monotonic() - started,
    )
    for line in report.summary_lines():
        logger.info(line)
    return report


def _run_pool(run: _CrawlRun, links: list[str], max_workers: int, progress: bool) -> dict[str, CrawlResult]:
    results: dict[str, CrawlResult] = {}
    failed: Counter[str] = Counter()
    bar = tqdm(total=len(links), desc="Crawling", unit="link", disable=not progress)
    try:
        with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="crawl") as pool:
            futures = {pool.submit(run.crawl_one, link): link for link in round_robin_by_domain(links)}
            for future in as_completed(futures):
                link = futures[future]
                try:
                    results[link] = future.result()
                except Exception as error:  # crawl_one catches per-link errors; this is a bug, still reported
                    logger.error(
                        f"Crawling {mask_uri(link)} raised unexpectedly: {redact(repr(error), link)}"
                    )
                    results[link] = CrawlResult(
                        mask_uri(link), CrawlStatus.FAILED, "runner", reason=redact(repr(error), link)
                    )
                failed[results[link].status.value] += 1
                bar.update(1)
                bar.set_postfix(failed=failed[CrawlStatus.FAILED.value], refresh=False)
    finally:
        bar.close()
        run.instances.close_all()
    return results

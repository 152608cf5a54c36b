"""crawl_links: crawl many links at once, politely, with retries, and report what happened to each.

- A bounded thread pool, plus a per-domain semaphore so no site gets more than `max_per_domain` requests
  at once; links are submitted round-robin across domains so workers rarely wait on a busy domain.
- robots.txt is honoured for web pages (fetched once per origin; unreachable means allowed).
- Transient failures (timeouts, 429/5xx, dropped connections) are retried with exponential backoff and
  jitter; permanent ones (404, not HTML, no article text) are not.
- One crawler instance per (worker thread, crawler class): a Selenium crawler keeps its browser across
  links and all instances are closed at the end.
- Every link yields a CrawlResult; one bad link never stops the run.
"""

from __future__ import annotations

import http.client
import random
import socket
import threading
import time
import urllib.error
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3
from loguru import logger
from tqdm import tqdm

from llm_engineering.application.crawlers.base import (
    BaseCrawler,
    CrawlResult,
    CrawlStatus,
    link_domain,
)
from llm_engineering.application.crawlers.dispatcher import WEB_SCHEMES, CrawlerDispatcher
from llm_engineering.domain.documents import UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.infrastructure.redaction import mask_uri, redact, strip_credentials
from llm_engineering.settings import get_settings

ROBOTS_TIMEOUT_S = 5.0
ROBOTS_MAX_BYTES = 512_000
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
RETRY_AFTER_MAX_S = 60.0  # a server asking for a longer wait than this gets this
DISALLOWED_BY_ROBOTS = "disallowed by robots.txt"
_NETWORK_ERRORS = (
    requests.RequestException,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    http.client.HTTPException,
    urllib.error.URLError,
)


# --- report ------------------------------------------------------------------------------------------------


@dataclass
class CrawlReport:
    results: list[CrawlResult] = field(default_factory=list)
    duplicates: int = 0  # input links dropped because they repeat an earlier one
    seconds: float = 0.0

    def _count(self, status: CrawlStatus) -> int:
        return sum(1 for result in self.results if result.status is status)

    @property
    def crawled(self) -> int:
        return self._count(CrawlStatus.CRAWLED)

    @property
    def skipped(self) -> int:
        return self._count(CrawlStatus.SKIPPED)

    @property
    def failed(self) -> int:
        return self._count(CrawlStatus.FAILED)

    @property
    def documents(self) -> int:
        return sum(result.documents for result in self.results)

    @property
    def retries(self) -> int:
        return sum(max(result.attempts - 1, 0) for result in self.results)

    @property
    def all_failed(self) -> bool:
        return bool(self.results) and self.failed == len(self.results)

    @property
    def failures(self) -> list[CrawlResult]:
        return [result for result in self.results if result.status is CrawlStatus.FAILED]

    def by_domain(self) -> dict[str, dict]:
        """{domain: {"crawled", "skipped", "failed", "failures": [{"link", "reason"}]}} for step metadata."""
        domains: dict[str, dict] = {}
        for result in self.results:
            entry = domains.setdefault(
                result.domain, {"crawled": 0, "skipped": 0, "failed": 0, "failures": []}
            )
            entry[result.status.value] += 1
            if result.status is CrawlStatus.FAILED:
                entry["failures"].append({"link": result.link, "reason": result.reason})
        return dict(sorted(domains.items()))

    def summary_lines(self) -> list[str]:
        total = len(self.results)
        retries = f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}"
        head = (
            f"Crawled {self.crawled}, skipped {self.skipped} (already stored), failed {self.failed} "
            f"of {total} link(s): {self.documents} document(s) written, {retries}"
        )
        if self.duplicates:
            head += f", {self.duplicates} duplicate link(s) ignored"
        lines = [f"{head}, {self.seconds:.1f} s."]
        for domain, entry in self.by_domain().items():
            lines.append(
                f"  {domain}: {entry['crawled']} crawled, {entry['skipped']} skipped, "
                f"{entry['failed']} failed"
            )
            lines.extend(
                f"    FAILED {failure['link']}: {failure['reason']}" for failure in entry["failures"]
            )
        return lines


# --- robots.txt --------------------------------------------------------------------------------------------


class RobotsTxt:
    """robots.txt rules per origin, fetched once each (thread-safe) with a short timeout."""

    def __init__(self, user_agent: str, timeout_s: float) -> None:
        self.user_agent = user_agent
        self.timeout_s = timeout_s
        self._parsers: dict[str, RobotFileParser] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def allowed(self, link: str) -> bool:
        parts = urlsplit(link)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        with origin_lock:  # other links of the origin wait for the first fetch instead of fetching again
            if origin not in self._parsers:
                self._parsers[origin] = self._fetch(origin)
        return self._parsers[origin].can_fetch(self.user_agent, link)

    def _fetch(self, origin: str) -> RobotFileParser:
        url = f"{origin}/robots.txt"
        parser = RobotFileParser(url)
        try:
            with requests.get(
                url, timeout=self.timeout_s, stream=True, headers={"User-Agent": self.user_agent}
            ) as response:
                status = response.status_code
                body = response.raw.read(ROBOTS_MAX_BYTES, decode_content=True) if status < 400 else b""
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            logger.debug(
                f"robots.txt of {mask_uri(origin)} unreachable ({type(error).__name__}): crawling is allowed."
            )
            parser.allow_all = True
            return parser
        # As urllib.robotparser does: 401/403 forbid everything, any other error allows everything.
        if status in (401, 403):
            parser.disallow_all = True
        elif status >= 400:
            parser.allow_all = True
        else:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser


# --- one run -----------------------------------------------------------------------------------------------


def default_dispatcher() -> CrawlerDispatcher:
    return CrawlerDispatcher.build().register_medium().register_linkedin().register_github()


def is_network_error(error: BaseException) -> bool:
    """Unexpected exceptions worth a retry: network trouble, or a timeout such as Selenium's."""
    return isinstance(error, _NETWORK_ERRORS) or "Timeout" in type(error).__name__


def backoff_delay(attempt: int, base_s: float) -> float:
    """Exponential backoff with full jitter on top: base, 2*base, 4*base... plus up to one base more."""
    return min(BACKOFF_MAX_S, base_s * 2 ** (attempt - 1)) + random.uniform(0, base_s)


class _CrawlRun:
    def __init__(
        self,
        user: UserDocument,
        dispatcher: CrawlerDispatcher,
        *,
        max_per_domain: int,
        robots: RobotsTxt | None,
        max_retries: int,
        backoff_base_s: float,
    ) -> None:
        self.user = user
        self.dispatcher = dispatcher
        self.max_per_domain = max_per_domain
        self.robots = robots
        self.max_retries = max_retries
        self.backoff_base_s = backoff_base_s
        self._local = threading.local()
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._instances: list[BaseCrawler] = []

    # crawler instances: one per (thread, class), all closed at the end

    def _crawler(self, crawler_cls: type[BaseCrawler]) -> BaseCrawler:
        crawlers = self._local.__dict__.setdefault("crawlers", {})
        if crawler_cls not in crawlers:
            crawlers[crawler_cls] = crawler_cls()
            with self._lock:
                self._instances.append(crawlers[crawler_cls])
        return crawlers[crawler_cls]

    def _discard(self, crawler_cls: type[BaseCrawler]) -> None:
        """Drop this thread's instance after an unexpected error: a retry gets a fresh one (a new browser)."""
        crawler = self._local.__dict__.get("crawlers", {}).pop(crawler_cls, None)
        if crawler is not None:
            with self._lock:
                self._instances.remove(crawler)
            _close(crawler)

    def close_all(self) -> None:
        with self._lock:
            instances, self._instances = self._instances, []
        for crawler in instances:
            _close(crawler)

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
        attempt = 0
        while True:
            attempt += 1
            result, transient, retry_after_s = self._attempt(link, crawler_cls)
            result.attempts = attempt
            if result.status is not CrawlStatus.FAILED or not transient or attempt > self.max_retries:
                return result
            delay = backoff_delay(attempt, self.backoff_base_s)
            if retry_after_s is not None:  # the server said how long to wait: honour it, within reason
                delay = max(delay, min(retry_after_s, RETRY_AFTER_MAX_S))
            logger.warning(
                f"{shown}: {redact(result.reason or '', link)} (attempt {attempt} of {self.max_retries + 1}); "
                f"retrying in {delay:.1f} s."
            )
            time.sleep(delay)  # outside the domain slot: other links of the domain go on meanwhile

    def _blocked_by_robots(self, link: str, crawler_cls: type[BaseCrawler]) -> bool:
        if self.robots is None or urlsplit(link).scheme not in WEB_SCHEMES:
            return False
        if not getattr(crawler_cls, "obeys_robots_txt", True):
            return False
        with self._slot(link_domain(link)):  # the robots.txt request counts against the domain's limit
            return not self.robots.allowed(link)

    def _attempt(self, link: str, crawler_cls: type[BaseCrawler]) -> tuple[CrawlResult, bool, float | None]:
        """(result, whether a failure is transient, the wait the server asked for before a retry)."""
        name = crawler_cls.__name__
        try:
            crawler = self._crawler(crawler_cls)
        # A crawler that cannot start (no browser, no credentials) fails its links, not the run.
        except Exception as error:
            reason = f"{name} could not start: {type(error).__name__}: {error}"
            return CrawlResult(link, CrawlStatus.FAILED, name, reason=reason), False, None
        try:
            with self._slot(link_domain(link)):
                return crawler.extract(link, self.user), False, None
        except CrawlError as error:
            result = CrawlResult(link, CrawlStatus.FAILED, name, reason=str(error))
            return result, error.transient, getattr(error, "retry_after_s", None)
        except Exception as error:
            transient = is_network_error(error)
            if not transient:  # no traceback (its values could show them) when the link holds credentials
                logger.opt(exception=error if strip_credentials(link) == link else None).error(
                    f"{name} failed on {mask_uri(link)} unexpectedly: "
                    f"{type(error).__name__}: {redact(str(error), link)}"
                )
            self._discard(crawler_cls)
            reason = f"{type(error).__name__}: {error}"
            return CrawlResult(link, CrawlStatus.FAILED, name, reason=reason), transient, None


def _close(crawler: BaseCrawler) -> None:
    try:
        crawler.close()
    except Exception as error:  # closing must not hide the run's results
        logger.warning(f"Closing {crawler.name} failed: {type(error).__name__}: {error}")


# --- entry point -------------------------------------------------------------------------------------------


def _prepare(
    links: Iterable[str], dispatcher: CrawlerDispatcher
) -> tuple[list[str | CrawlResult], list[str], int]:
    """In input order: a normalised link to crawl, or the failed result of an invalid one; plus the unique
    links to crawl and how many duplicates were dropped."""
    ordered: list[str | CrawlResult] = []
    unique: dict[str, None] = {}
    duplicates = 0
    for raw in links:
        try:
            link = dispatcher.normalize(raw)
        except CrawlError as error:
            name, shown, reason = type(dispatcher).__name__, mask_uri(str(raw)), redact(str(error), str(raw))
            ordered.append(CrawlResult(shown, CrawlStatus.FAILED, name, reason=reason))
            continue
        if link in unique:
            duplicates += 1
            continue
        unique[link] = None
        ordered.append(link)
    return ordered, list(unique), duplicates


def _round_robin_by_domain(links: list[str]) -> list[str]:
    """a1 a2 a3 b1 -> a1 b1 a2 a3: workers start on different domains instead of queueing on one."""
    groups: dict[str, list[str]] = {}
    for link in links:
        groups.setdefault(link_domain(link), []).append(link)
    queues = [iter(group) for group in groups.values()]
    interleaved: list[str] = []
    while queues:
        for queue in list(queues):
            item = next(queue, None)
            if item is None:
                queues.remove(queue)
            else:
                interleaved.append(item)
    return interleaved


def crawl_links(
    user: UserDocument,
    links: Iterable[str],
    dispatcher: CrawlerDispatcher | None = None,
    *,
    max_workers: int | None = None,
    max_per_domain: int | None = None,
    respect_robots_txt: bool | None = None,
    max_retries: int | None = None,
    progress: bool = True,
    backoff_base_s: float = BACKOFF_BASE_S,
) -> CrawlReport:
    """Crawl `links` for `user` into the warehouse; defaults come from the CRAWL_* settings."""
    if isinstance(links, str):  # one link given as a string, not a list of its characters
        links = [links]
    settings = get_settings()
    dispatcher = dispatcher or default_dispatcher()
    respect = settings.CRAWL_RESPECT_ROBOTS_TXT if respect_robots_txt is None else respect_robots_txt
    robots_timeout = min(ROBOTS_TIMEOUT_S, settings.CRAWL_TIMEOUT_S)
    run = _CrawlRun(
        user,
        dispatcher,
        max_per_domain=max(1, max_per_domain or settings.CRAWL_MAX_PER_DOMAIN),
        robots=RobotsTxt(settings.USER_AGENT, robots_timeout) if respect else None,
        max_retries=max(0, settings.CRAWL_MAX_RETRIES if max_retries is None else max_retries),
        backoff_base_s=backoff_base_s,
    )
    started = time.monotonic()
    ordered, unique, duplicates = _prepare(links, dispatcher)
    results = _run_pool(run, unique, max(1, max_workers or settings.CRAWL_MAX_WORKERS), progress)
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
            futures = {pool.submit(run.crawl_one, link): link for link in _round_robin_by_domain(links)}
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
        run.close_all()
    return results

"""crawl_links against real local servers and the real warehouse: politeness, robots.txt, retries,
duplicates, idempotency, and a report in which some links fail."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any, ClassVar

import pytest
from loguru import logger

from llm_engineering.application.crawlers import runner
from llm_engineering.application.crawlers.base import BaseCrawler, CrawlStatus
from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.planning import round_robin_by_domain
from llm_engineering.application.crawlers.runner import (
    DISALLOWED_BY_ROBOTS,
    RETRY_AFTER_MAX_S,
    CrawlReport,
    backoff_delay,
    crawl_links,
    pool_size,
)
from llm_engineering.domain.documents import ArticleDocument, PostDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.settings import get_settings
from tests.integration import test_crawlers
from tests.integration.test_crawlers import ScriptedServer, closed_port

# The crawler tests' fixtures: short timeouts and a fresh warehouse, the user, the scripted server.
crawl_env, user, site = test_crawlers.crawl_env, test_crawlers.user, test_crawlers.site


def crawl(user: UserDocument, links: list[str], dispatcher: CrawlerDispatcher, **limits: Any) -> CrawlReport:
    """crawl_links with quick backoff, no progress bar, 2 retries and the given CrawlConfig limits."""
    config = CrawlConfig(**{"max_retries": 2, **limits})
    return crawl_links(user, links, dispatcher, config, backoff_base_s=0.01, progress=False)


def by_link(report: CrawlReport) -> dict:
    return {result.link: result for result in report.results}


# --- politeness ---------------------------------------------------------------------------------------------


def test_concurrency_is_bounded_per_domain_but_domains_run_in_parallel(
    site: ScriptedServer, user: UserDocument
) -> None:
    site.delay_s = 0.15
    links = [site.url(f"/slow-article/{i}", host) for host in ("127.0.0.1", "localhost") for i in range(6)]

    report = crawl(user, links, CrawlerDispatcher.build(), max_workers=6, max_per_domain=2)

    assert report.crawled == 12 and report.failed == 0
    assert site.max_in_flight["127.0.0.1"] == 2
    assert site.max_in_flight["localhost"] == 2
    assert set(report.by_domain()) == {"127.0.0.1", "localhost"}


def test_robots_txt_is_fetched_once_per_origin_and_honoured(site: ScriptedServer, user: UserDocument) -> None:
    site.robots_txt = "User-agent: *\nDisallow: /private/\n"
    private = [site.url("/private/a"), site.url("/private/b")]
    public = [site.url("/public/a"), site.url("/public/b")]

    report = crawl(user, private + public, CrawlerDispatcher.build())

    results = by_link(report)
    for link in private:
        assert results[link].status is CrawlStatus.FAILED and results[link].reason == DISALLOWED_BY_ROBOTS
        assert results[link].attempts == 1  # a permanent failure: never retried
    assert all(results[link].status is CrawlStatus.CRAWLED for link in public)
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/a"] == site.hits["/private/b"] == 0  # never requested

    again = crawl(user, private, CrawlerDispatcher.build(), respect_robots_txt=False)
    assert again.crawled == 2


def test_an_unreachable_robots_txt_allows_crawling(site: ScriptedServer, user: UserDocument) -> None:
    # The scripted server answers 404 for robots.txt; a dead host for robots.txt is covered by the crawl error.
    report = crawl(user, [site.url("/article/one")], CrawlerDispatcher.build())
    assert report.crawled == 1 and site.hits["/robots.txt"] == 1


# --- retries ----------------------------------------------------------------------------------------------


def test_transient_failures_are_retried_and_permanent_ones_are_not(
    site: ScriptedServer, user: UserDocument
) -> None:
    recovers = site.url("/flaky/2/recovers")
    never = site.url("/unavailable")
    missing = site.url("/missing")
    rate_limited = site.url("/rate-limited")
    dead = f"http://127.0.0.1:{closed_port()}/post"

    report = crawl(user, [recovers, never, missing, rate_limited, dead], CrawlerDispatcher.build())

    results = by_link(report)
    assert results[recovers].status is CrawlStatus.CRAWLED and results[recovers].attempts == 3
    assert site.hits["/flaky/2/recovers"] == 3
    for link in (never, rate_limited, dead):
        assert results[link].status is CrawlStatus.FAILED and results[link].attempts == 3  # 1 + 2 retries
    assert results[missing].attempts == 1 and site.hits["/missing"] == 1
    assert report.retries == 2 + 2 + 2 + 2
    assert ArticleDocument.count() == 1


class FlakyNetworkCrawler(BaseCrawler):
    """A real crawler whose source drops the connection on the first try (an unexpected OSError)."""

    model = ArticleDocument
    calls: ClassVar[Counter[str]] = Counter()

    def crawl(self, link: str, user: UserDocument) -> int:
        type(self).calls[link] += 1
        if type(self).calls[link] == 1:
            raise ConnectionResetError("connection reset by peer")
        if "bug" in link:
            raise KeyError("a bug in the crawler")
        ArticleDocument(
            content={"Title": "t", "Subtitle": None, "Content": "c", "language": None},
            platform="test",
            link=link,
            author_id=user.id,
            author_full_name=user.full_name,
        ).save()
        return 1


def test_unexpected_exceptions_fail_one_link_and_network_ones_are_retried(user: UserDocument) -> None:
    FlakyNetworkCrawler.calls = Counter()
    dispatcher = CrawlerDispatcher.build().register("http://flaky.test", FlakyNetworkCrawler)

    links = ["http://flaky.test/ok", "http://flaky.test/bug"]
    report = crawl(user, links, dispatcher, respect_robots_txt=False)

    results = by_link(report)
    assert results["http://flaky.test/ok"].status is CrawlStatus.CRAWLED
    assert results["http://flaky.test/ok"].attempts == 2
    bug = results["http://flaky.test/bug"]
    assert bug.status is CrawlStatus.FAILED and bug.attempts == 2 and "KeyError" in (bug.reason or "")


# --- crawler instances ------------------------------------------------------------------------------------


class ThreadBoundCrawler(BaseCrawler):
    """Counts instances and closes: a light crawler gets one instance per worker thread."""

    model = ArticleDocument
    lock = threading.Lock()
    created: ClassVar[list[ThreadBoundCrawler]] = []
    closed: ClassVar[int] = 0

    def __init__(self) -> None:
        with self.lock:
            type(self).created.append(self)
        self.thread = threading.get_ident()
        self.links: list[str] = []

    def crawl(self, link: str, user: UserDocument) -> int:
        assert threading.get_ident() == self.thread  # never shared between threads
        self.links.append(link)
        return 0

    def already_stored(self, link: str) -> bool:
        return False

    def close(self) -> None:
        with self.lock:
            type(self).closed += 1


def test_one_crawler_instance_per_worker_thread_reused_and_closed(user: UserDocument) -> None:
    ThreadBoundCrawler.created, ThreadBoundCrawler.closed = [], 0
    dispatcher = CrawlerDispatcher.build().register("browser.test", ThreadBoundCrawler)
    links = [f"https://browser.test/post/{i}" for i in range(12)]

    report = crawl(user, links, dispatcher, max_workers=3, max_per_domain=3, respect_robots_txt=False)

    assert report.crawled == 12
    assert 1 <= len(ThreadBoundCrawler.created) <= 3
    assert sum(len(crawler.links) for crawler in ThreadBoundCrawler.created) == 12
    assert ThreadBoundCrawler.closed == len(ThreadBoundCrawler.created)


# --- duplicates, idempotency and the report ---------------------------------------------------------------


def test_duplicate_links_are_crawled_once(site: ScriptedServer, user: UserDocument) -> None:
    link = site.url("/article/dup")
    report = crawl(user, [link, link, f"{link}#comments", f"  {link}  "], CrawlerDispatcher.build())

    assert len(report.results) == 1 and report.duplicates == 3
    assert site.hits["/article/dup"] == 1


def test_a_second_run_skips_everything_and_writes_nothing(site: ScriptedServer, user: UserDocument) -> None:
    links = [
        "samples/ada_writer/articles",
        "samples/ada_writer/linkedin/Shares.csv",
        site.url("/article/idempotent"),
    ]
    first = crawl(user, links, CrawlerDispatcher.build())
    assert first.crawled == 3 and first.documents == 4 + 5 + 1
    counts = (ArticleDocument.count(), PostDocument.count())

    second = crawl(user, links, CrawlerDispatcher.build())

    assert second.skipped == 3 and second.crawled == 0 and second.documents == 0
    assert (ArticleDocument.count(), PostDocument.count()) == counts == (5, 5)
    assert site.hits["/article/idempotent"] == 1


def test_the_report_covers_every_link_when_some_fail(site: ScriptedServer, user: UserDocument) -> None:
    links = [
        site.url("/article/good"),
        site.url("/missing"),
        "ftp://files.example.com/post.txt",
        "http://exa mple.com/post",
        "samples/ada_writer/linkedin/Shares.csv",
        "samples/does-not-exist.md",
    ]

    report = crawl(user, links, CrawlerDispatcher.build())

    assert [result.status for result in report.results] == [
        CrawlStatus.CRAWLED,
        CrawlStatus.FAILED,
        CrawlStatus.FAILED,
        CrawlStatus.FAILED,
        CrawlStatus.CRAWLED,
        CrawlStatus.FAILED,
    ]
    assert (report.crawled, report.skipped, report.failed) == (2, 0, 4)
    assert not report.all_failed
    domains = report.by_domain()
    assert domains["127.0.0.1"]["crawled"] == 1 and domains["127.0.0.1"]["failed"] == 1
    assert domains["127.0.0.1"]["failures"] == [
        {"link": site.url("/missing"), "reason": report.results[1].reason}
    ]
    assert "404" in (report.results[1].reason or "")
    assert "scheme 'ftp:'" in (report.results[2].reason or "")
    assert "not a valid host name" in (report.results[3].reason or "")
    assert domains["local"] == {
        "crawled": 1,
        "skipped": 0,
        "failed": 1,
        "blocked": 0,
        "failures": [{"link": report.results[5].link, "reason": report.results[5].reason}],
        "blocked_links": [],
    }
    lines = report.summary_lines()
    assert lines[0].startswith("Crawled 2, skipped 0 (already stored), failed 4 of 6 link(s)")
    assert any(line.strip().startswith("FAILED " + site.url("/missing")) for line in lines)


def test_retry_after_is_honoured(site: ScriptedServer, user: UserDocument) -> None:
    link = site.url("/rate-limited-once")
    started = time.monotonic()

    report = crawl(user, [link], CrawlerDispatcher.build())

    assert report.crawled == 1 and by_link(report)[link].attempts == 2
    assert time.monotonic() - started >= 0.95  # waited for Retry-After: 1, not the 0.01 s backoff
    assert site.hits["/rate-limited-once"] == 2


class RateLimitedCrawler(BaseCrawler):
    """A source that always asks for an hour's wait."""

    model = ArticleDocument

    def crawl(self, link: str, user: UserDocument) -> int:
        raise CrawlError(f"{link} answered 429", transient=True, retry_after_s=3600)


def test_retry_after_is_capped(user: UserDocument, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(runner.time, "sleep", waits.append)
    dispatcher = CrawlerDispatcher.build().register("http://limited.test", RateLimitedCrawler)

    report = crawl(user, ["http://limited.test/a"], dispatcher, respect_robots_txt=False)

    assert report.failed == 1 and waits == [RETRY_AFTER_MAX_S, RETRY_AFTER_MAX_S]


def test_credentials_in_links_never_reach_the_report_or_the_log(user: UserDocument) -> None:
    secret = "s3cret-t0ken"
    link = f"http://ada:{secret}@127.0.0.1:{closed_port()}/post"
    bad = f"ftp://ada:{secret}@example.com/file"
    lines: list[str] = []
    sink = logger.add(lines.append, level="DEBUG", format="{message}")
    try:
        report = crawl(user, [link, bad], CrawlerDispatcher.build())
    finally:
        logger.remove(sink)

    assert report.failed == 2
    shown = [result.link for result in report.results]
    assert "http://ada:***@127.0.0.1:" in shown[0]
    texts = [repr(report.results), repr(report.by_domain()), *report.summary_lines(), *lines]
    assert lines and all(secret not in text for text in texts)


def test_a_run_where_every_link_fails_says_so(user: UserDocument) -> None:
    report = crawl(user, ["mailto:ada@example.org"], CrawlerDispatcher.build())
    assert report.all_failed and report.failed == 1


def test_crawl_errors_are_counted_not_raised(site: ScriptedServer, user: UserDocument) -> None:
    try:
        report = crawl(user, [site.url("/paper.pdf"), site.url("/loop")], CrawlerDispatcher.build())
    except CrawlError as error:  # pragma: no cover - the assertion below explains the failure
        pytest.fail(f"crawl_links raised for one bad link: {error}")
    assert report.failed == 2 and report.retries == 0


def test_runner_on_a_real_mongodb_server(mongo_server_stores: str) -> None:
    get_settings.cache_clear()
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    links = ["samples/ada_writer/articles", "samples/ada_writer/linkedin/Shares.csv"]

    first = crawl(user, links, CrawlerDispatcher.build())
    second = crawl(user, links, CrawlerDispatcher.build())

    assert first.crawled == 2 and second.skipped == 2
    assert ArticleDocument.count() == 4 and PostDocument.count() == 5


def test_links_are_interleaved_across_domains_and_backoff_grows() -> None:
    links = ["https://a.example/1", "https://a.example/2", "https://a.example/3", "https://b.example/1"]
    assert round_robin_by_domain(links) == [links[0], links[3], links[1], links[2]]
    delays = [backoff_delay(attempt, base_s=1.0) for attempt in (1, 2, 3)]
    assert 1.0 <= delays[0] <= 2.0 and 2.0 <= delays[1] <= 3.0 and 4.0 <= delays[2] <= 5.0


# --- pool sizing and browser limits -------------------------------------------------------------------------


def test_the_pool_is_sized_by_the_domains_slots_and_capped() -> None:
    links = [f"https://a.example/{i}" for i in range(10)] + ["https://b.example/1"]
    assert pool_size(links, max_workers=32, max_per_domain=2) == 3  # a: 2 slots, b: 1 link
    assert pool_size(links, max_workers=2, max_per_domain=4) == 2
    assert pool_size([], max_workers=32, max_per_domain=2) == 1


class BrowserPoolCrawler(BaseCrawler):
    """A crawler that says it drives a browser: the runner must limit how many work at once."""

    model = ArticleDocument
    uses_browser = True
    lock = threading.Lock()
    in_flight = 0
    max_in_flight = 0
    instances: ClassVar[list[BrowserPoolCrawler]] = []

    def __init__(self) -> None:
        type(self).instances.append(self)

    def crawl(self, link: str, user: UserDocument) -> int:
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.max_in_flight = max(cls.max_in_flight, cls.in_flight)
        time.sleep(0.05)
        with cls.lock:
            cls.in_flight -= 1
        return 0


def test_browser_crawlers_share_a_few_instances_across_many_workers(user: UserDocument) -> None:
    dispatcher = CrawlerDispatcher.build()
    hosts = [f"http://browser{i}.test" for i in range(6)]
    for host in hosts:
        dispatcher.register(host, BrowserPoolCrawler)
    links = [f"{host}/{i}" for host in hosts for i in range(2)]

    report = crawl(user, links, dispatcher, max_workers=12, max_browsers=2, respect_robots_txt=False)

    assert report.crawled == 12
    assert BrowserPoolCrawler.max_in_flight == 2  # 12 workers, never more than two browsers at work
    assert len(BrowserPoolCrawler.instances) == 2  # and the idle ones are reused, not started per thread


def test_bench_crawl_runs_on_loopback_hosts(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from tools import bench_crawl

    monkeypatch.setenv("DATABASE_HOST", str(tmp_path / "warehouse"))
    with bench_crawl.serve_hosts(2, bench_crawl.load_pages(tmp_path), latency_s=0.0) as origins:
        assert [origin.split(":")[1] for origin in origins] == ["//127.0.0.1", "//127.0.0.2"]
        seconds = bench_crawl.run_once(origins, links=4, max_workers=None, max_per_domain=None)
    assert seconds > 0
    get_settings.cache_clear()

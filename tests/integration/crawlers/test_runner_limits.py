"""crawl_links against real local servers: politeness per domain, robots.txt, crawler instances per
worker thread, the pool's size and the browser limit."""

from __future__ import annotations

import threading
import time
from typing import ClassVar

from llm_engineering.application.crawlers.base import BaseCrawler, CrawlStatus
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.planning import round_robin_by_domain
from llm_engineering.application.crawlers.runner import (
    DISALLOWED_BY_ROBOTS,
    backoff_delay,
    pool_size,
)
from llm_engineering.domain.documents import UserDocument
from llm_engineering.domain.types import DataCategory
from tests.support.crawl_runs import by_link, crawl
from tests.support.scripted_site import ScriptedServer

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


# --- crawler instances ------------------------------------------------------------------------------------


class ThreadBoundCrawler(BaseCrawler):
    """Counts instances and closes: a light crawler gets one instance per worker thread."""

    category = DataCategory.ARTICLES
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

    category = DataCategory.ARTICLES
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

"""crawl_links retries: transient failures retried, permanent ones not, Retry-After honoured and capped."""

from __future__ import annotations

import time
from collections import Counter
from typing import ClassVar

import pytest

from llm_engineering.application.crawlers import runner
from llm_engineering.application.crawlers.base import BaseCrawler, CrawlStatus
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.runner import (
    RETRY_AFTER_MAX_S,
)
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory
from tests.support.crawl_runs import by_link, crawl
from tests.support.scripted_site import ScriptedServer, closed_port

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
    assert Document.count(category=DataCategory.ARTICLES) == 1


class FlakyNetworkCrawler(BaseCrawler):
    """A real crawler whose source drops the connection on the first try (an unexpected OSError)."""

    category = DataCategory.ARTICLES
    calls: ClassVar[Counter[str]] = Counter()

    def crawl(self, link: str, user: UserDocument) -> int:
        type(self).calls[link] += 1
        if type(self).calls[link] == 1:
            raise ConnectionResetError("connection reset by peer")
        if "bug" in link:
            raise KeyError("a bug in the crawler")
        Document(
            category=DataCategory.ARTICLES,
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


def test_retry_after_is_honoured(site: ScriptedServer, user: UserDocument) -> None:
    link = site.url("/rate-limited-once")
    started = time.monotonic()

    report = crawl(user, [link], CrawlerDispatcher.build())

    assert report.crawled == 1 and by_link(report)[link].attempts == 2
    assert time.monotonic() - started >= 0.95  # waited for Retry-After: 1, not the 0.01 s backoff
    assert site.hits["/rate-limited-once"] == 2


class RateLimitedCrawler(BaseCrawler):
    """A source that always asks for an hour's wait."""

    category = DataCategory.ARTICLES

    def crawl(self, link: str, user: UserDocument) -> int:
        raise CrawlError(f"{link} answered 429", transient=True, retry_after_s=3600)


def test_retry_after_is_capped(user: UserDocument, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(runner.time, "sleep", waits.append)
    dispatcher = CrawlerDispatcher.build().register("http://limited.test", RateLimitedCrawler)

    report = crawl(user, ["http://limited.test/a"], dispatcher, respect_robots_txt=False)

    assert report.failed == 1 and waits == [RETRY_AFTER_MAX_S, RETRY_AFTER_MAX_S]


def test_crawl_errors_are_counted_not_raised(site: ScriptedServer, user: UserDocument) -> None:
    try:
        report = crawl(user, [site.url("/paper.pdf"), site.url("/loop")], CrawlerDispatcher.build())
    except CrawlError as error:  # pragma: no cover - the assertion below explains the failure
        pytest.fail(f"crawl_links raised for one bad link: {error}")
    assert report.failed == 2 and report.retries == 0

"""crawl_links against the real warehouse: duplicates, idempotency, and a report in which some links fail."""

from __future__ import annotations

import pytest
from loguru import logger

from llm_engineering.application.crawlers.base import CrawlStatus
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.types import DataCategory
from llm_engineering.settings import get_settings
from tests.support.crawl_runs import crawl
from tests.support.scripted_site import ScriptedServer, closed_port

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
    counts = (Document.count(category=DataCategory.ARTICLES), Document.count(category=DataCategory.POSTS))

    second = crawl(user, links, CrawlerDispatcher.build())

    assert second.skipped == 3 and second.crawled == 0 and second.documents == 0
    assert (
        (Document.count(category=DataCategory.ARTICLES), Document.count(category=DataCategory.POSTS))
        == counts
        == (5, 5)
    )
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


def test_runner_on_a_real_mongodb_server(mongo_server_stores: str) -> None:
    get_settings.cache_clear()
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    links = ["samples/ada_writer/articles", "samples/ada_writer/linkedin/Shares.csv"]

    first = crawl(user, links, CrawlerDispatcher.build())
    second = crawl(user, links, CrawlerDispatcher.build())

    assert first.crawled == 2 and second.skipped == 2
    assert (
        Document.count(category=DataCategory.ARTICLES) == 4
        and Document.count(category=DataCategory.POSTS) == 5
    )


def test_bench_crawl_runs_on_loopback_hosts(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from tools import bench_crawl

    monkeypatch.setenv("DATABASE_HOST", str(tmp_path / "warehouse"))
    with bench_crawl.serve_hosts(2, bench_crawl.load_pages(tmp_path), latency_s=0.0) as origins:
        assert [origin.split(":")[1] for origin in origins] == ["//127.0.0.1", "//127.0.0.2"]
        seconds = bench_crawl.run_once(origins, links=4, max_workers=None, max_per_domain=None)
    assert seconds > 0
    get_settings.cache_clear()

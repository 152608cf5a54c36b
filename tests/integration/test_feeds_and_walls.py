"""Ingestion that survives bot walls, on real parts: a loopback site with feeds and walls
(tests/support/feed_site.py), a Medium export zip made here, the crawl runner and the ETL pipeline (ZenML),
the embedded warehouse in a temp dir."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from zenml.client import Client

from llm_engineering.application.crawlers.base import CrawlStatus
from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.profiles import ProfileFeedCrawler
from llm_engineering.application.crawlers.runner import crawl_links
from llm_engineering.domain.documents import ArticleDocument, UserDocument
from pipelines.digital_data_etl import digital_data_etl
from tests.support.feed_site import ATOM_POSTS, RSS_POSTS, FeedSite
from tests.support.pipelines import run_pipeline_with

WALL_WORDS = ("Just a moment", "verify you are human", "Create an account", "connection is secure")


@pytest.fixture
def feed_site() -> Iterator[FeedSite]:
    site = FeedSite()
    yield site
    site.close()


def medium_story(title: str, slug: str, date: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article class='h-entry'>"
        f"<header><h1 class='p-name'>{title}</h1></header>"
        "<section data-field='subtitle' class='p-summary'>Written for the export test</section>"
        "<section data-field='body' class='e-content'><section class='section'><div class='section-inner'>"
        f"<h3 class='graf graf--h3 graf--title'>{title}</h3>"
        "<p class='graf graf--p'>Exports are the one source no bot wall stands in front of.</p>"
        "<p class='graf graf--p'>Every story keeps its canonical link, so it is stored once.</p>"
        "</div></section></section><footer><p>By <a class='p-author h-card' href='https://medium.com/@ada'>Ada"
        f"</a> on <a href='https://medium.com/p/{slug}'><time class='dt-published' datetime='{date}'>x</time>"
        f"</a>.</p><p><a href='https://medium.com/@ada/{slug}' class='p-canonical'>Canonical link</a></p>"
        "</footer></article></body></html>"
    )


def medium_export(tmp_path: Path) -> Path:
    path = tmp_path / "medium-export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.html", "<html><body>Your Medium data</body></html>")
        archive.writestr(
            "posts/2024-03-01_Exported-one-aaaaaaaaaaaa.html",
            medium_story("Exported one", "exported-one-aaaaaaaaaaaa", "2024-03-01T10:00:00.000Z"),
        )
        archive.writestr(
            "posts/2024-03-02_Exported-two-bbbbbbbbbbbb.html",
            medium_story("Exported two", "exported-two-bbbbbbbbbbbb", "2024-03-02T10:00:00.000Z"),
        )
        archive.writestr("posts/draft_Unfinished-cccccccccccc.html", medium_story("Draft", "d-c", "2024"))
    return path


def crawl_metadata(run_id) -> dict:
    run = Client().get_pipeline_run(run_id)
    return dict(run.steps["crawl_links"].outputs["crawled_links"][0].run_metadata)


def test_feeds_walls_and_a_medium_export_through_the_etl_pipeline(
    stores, feed_site: FeedSite, tmp_path: Path
) -> None:
    walls = ["/challenge-403", "/challenge-503", "/verify-200", "/login-wall"]
    links = [
        feed_site.url("/feed.xml"),
        feed_site.url("/atom"),
        *map(feed_site.url, walls),
        str(medium_export(tmp_path)),
    ]
    run = run_pipeline_with(
        digital_data_etl, tmp_path, {"user_full_name": "Ada Writer", "links": links}, enable_cache=False
    )
    assert run.status == "completed"  # blocked links do not fail the run
    metadata = crawl_metadata(run.id)
    assert (metadata["crawled"], metadata["failed"], metadata["blocked"]) == (3, 0, 4)
    blocked = {item["link"]: item for item in metadata["blocked_links"]}
    assert set(blocked) == {*map(feed_site.url, walls), feed_site.url("/posts/walled")}
    assert "HTTP 503" in blocked[feed_site.url("/challenge-503")]["reason"]
    assert "login wall" in blocked[feed_site.url("/login-wall")]["reason"]
    assert all("feed" in item["hint"] and "export" in item["hint"] for item in blocked.values())
    assert feed_site.hits["/challenge-503"] == 1  # a wall is not retried like a server error

    articles = {article.link: article for article in ArticleDocument.bulk_find()}
    feed_links = {feed_site.url(path) for path in [*RSS_POSTS, "/posts/atom-one", "/posts/atom-two"]}
    export_links = {f"https://medium.com/@ada/exported-{n}" for n in ("one-aaaaaaaaaaaa", "two-bbbbbbbbbbbb")}
    assert set(articles) == feed_links | export_links  # each post its own article; no wall, no draft
    for path, (title, _) in RSS_POSTS.items():  # full text from the feed: the post pages are not fetched
        article = articles[feed_site.url(path)]
        assert article.content.title == title and article.content.date.startswith("2024-01-0")
        assert "natural key" in article.content.content and feed_site.hits[path] == 0
    for path in ("/posts/atom-one", "/posts/atom-two"):  # no content in the Atom feed: pages fetched
        article = articles[feed_site.url(path)]
        assert (
            article.content.title == ATOM_POSTS[path][0]
            and article.content.date == f"{ATOM_POSTS[path][1][:-1]}+00:00"
        )
        assert "natural key" in article.content.content and feed_site.hits[path] == 1
    exported = articles["https://medium.com/@ada/exported-one-aaaaaaaaaaaa"]
    assert exported.platform == "medium" and exported.content.title == "Exported one"
    assert exported.content.date == "2024-03-01T10:00:00.000Z" and "no bot wall" in exported.content.content
    assert "Exported one" not in exported.content.content  # the title repeated in the body is dropped
    texts = " ".join(article.content.content for article in articles.values())
    assert not any(word in texts for word in WALL_WORDS)

    rerun = run_pipeline_with(
        digital_data_etl, tmp_path, {"user_full_name": "Ada Writer", "links": links}, enable_cache=False
    )
    again = crawl_metadata(rerun.id)
    assert (again["crawled"], again["skipped_as_existing"], again["blocked"]) == (0, 3, 4)
    assert again["documents_written"] == 0 and ArticleDocument.count() == len(articles)
    assert feed_site.hits["/posts/atom-one"] == 1  # stored posts are not fetched again


def test_profile_shortcut_reads_the_feed_and_a_blocked_feed_is_reported(stores, feed_site: FeedSite) -> None:
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    dispatcher = (
        CrawlerDispatcher.build()
        .register(feed_site.url("/@ada"), ProfileFeedCrawler)
        .register(feed_site.url("/@bob"), ProfileFeedCrawler)
    )
    report = crawl_links(
        user,
        [feed_site.url("/@ada"), feed_site.url("/@bob")],
        dispatcher,
        CrawlConfig(max_retries=0),
        progress=False,
    )
    ada, bob = report.results
    assert ada.status is CrawlStatus.CRAWLED and ada.documents == 1 and feed_site.hits["/feed/@ada"] == 1
    stored = ArticleDocument.find(link=feed_site.url("/@ada/first-story-0123456789ab"))
    assert stored is not None and stored.content.title == "A story from the profile feed"
    # Bob's feed answers a challenge; the browser fallback gets one too, or cannot start here: blocked.
    assert bob.status is CrawlStatus.BLOCKED and "challenge" in (bob.reason or "")
    assert report.blocked == 1 and not report.all_failed
    assert any("BLOCKED" in line and "Instead:" in line for line in report.summary_lines())
    again = crawl_links(user, [feed_site.url("/@ada")], dispatcher, progress=False)
    assert again.results[0].status is CrawlStatus.SKIPPED and ArticleDocument.count() == 1


def test_robots_txt_is_honoured_for_the_post_pages_of_a_feed(stores, feed_site: FeedSite) -> None:
    feed_site.robots_txt = "User-agent: *\nDisallow: /posts/atom-two\n"
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    report = crawl_links(
        user, [feed_site.url("/atom")], config=CrawlConfig(respect_robots_txt=True), progress=False
    )
    result = report.results[0]
    assert result.status is CrawlStatus.CRAWLED and result.documents == 1  # atom-one only
    assert feed_site.hits["/posts/atom-two"] == 0
    assert [entry["link"] for entry in result.extra["failed_entries"]] == [feed_site.url("/posts/atom-two")]
    assert "robots.txt" in result.extra["failed_entries"][0]["reason"]
    assert [entry["link"] for entry in report.blocked_links()] == [feed_site.url("/posts/walled")]


def test_the_shortcuts_route_profiles_to_their_feeds() -> None:
    from llm_engineering.application.crawlers.custom_article import SubstackCrawler
    from llm_engineering.application.crawlers.profiles import feed_link, is_profile_link, profile_link

    dispatcher = CrawlerDispatcher.build()
    assert dispatcher.crawler_class("https://medium.com/@ada") is ProfileFeedCrawler
    assert dispatcher.crawler_class("https://ada.substack.com/") is ProfileFeedCrawler
    assert dispatcher.crawler_class("https://ada.substack.com/p/a-post") is SubstackCrawler
    assert not is_profile_link("https://medium.com/@ada/a-story-0123456789ab")
    assert not is_profile_link("https://www.substack.com/")
    assert feed_link("https://medium.com/@ada/") == "https://medium.com/feed/@ada"
    assert feed_link("https://ada.substack.com") == "https://ada.substack.com/feed"
    assert feed_link("https://ada.medium.com/") == "https://ada.medium.com/feed"
    assert dispatcher.crawler_class("/tmp/medium-export.zip").__name__ == "MediumExportCrawler"
    # A feed link given directly takes the same road (not the Selenium story crawler of medium.com).
    assert dispatcher.register_medium().crawler_class("https://medium.com/feed/@ada") is ProfileFeedCrawler
    assert feed_link("https://medium.com/feed/@ada/") == "https://medium.com/feed/@ada"
    assert profile_link("https://medium.com/feed/@ada") == "https://medium.com/@ada"
    assert profile_link("https://ada.substack.com/feed") == "https://ada.substack.com/"

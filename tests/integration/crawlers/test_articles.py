"""The web article crawlers against a loopback HTTP server that misbehaves on purpose."""

from __future__ import annotations

import re

import pytest

from llm_engineering.application.crawlers.base import CrawlStatus
from llm_engineering.application.crawlers.custom_article import CustomArticleCrawler, SubstackCrawler
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError, UnsupportedLinkError
from llm_engineering.domain.types import DataCategory
from tests.support.scripted_site import (
    MAX_PAGE_BYTES,
    PARAGRAPHS,
    SHORT_TIMEOUT_S,
    SLOW_PATHS,
    TEST_CRAWL,
    TIMEOUT_S,
    ScriptedServer,
    closed_port,
)

# --- web articles ---------------------------------------------------------------------------------------------


def test_article_crawler_stores_the_main_text_without_boilerplate(
    site: ScriptedServer, user: UserDocument
) -> None:
    link = site.url("/article/boring-pipelines")
    crawler = CrawlerDispatcher.build().get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, CustomArticleCrawler)

    result = crawler.extract(link, user)

    assert result.status is CrawlStatus.CRAWLED and result.documents == 1
    document = Document.find(category=DataCategory.ARTICLES, link=link)
    assert document is not None
    assert document.platform == "127.0.0.1" and document.author_full_name == "Ada Writer"
    assert {"Title", "Subtitle", "Content", "language"} <= set(document.content.model_dump())
    assert document.content.title == "Article /article/boring-pipelines"
    assert document.content.language == "en"
    assert document.content.description == "Notes on pipelines."
    for paragraph in PARAGRAPHS:
        assert paragraph in document.content.content
    for boilerplate in ("Subscribe now", "Copyright", "About"):
        assert boilerplate not in document.content.content
    assert crawler.extract(link, user).status is CrawlStatus.SKIPPED  # already stored
    assert Document.count(category=DataCategory.ARTICLES) == 1
    crawler.close()


def test_substack_post_comes_out_clean_with_platform_substack(
    site: ScriptedServer, user: UserDocument
) -> None:
    link = site.url("/substack")
    dispatcher = CrawlerDispatcher.build().register(site.base_url, SubstackCrawler)
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, SubstackCrawler)

    crawler.extract(link, user)

    document = Document.find(category=DataCategory.ARTICLES, link=link)
    assert document is not None and document.platform == "substack"
    assert document.content.title == "Boring Pipelines"
    assert document.content.subtitle == "Why reruns should change nothing"
    content = document.content.content
    assert PARAGRAPHS[0] in content and PARAGRAPHS[1] in content
    assert "Subscribe" not in content and "Share this post" not in content


def test_pages_in_other_encodings_are_decoded(site: ScriptedServer, user: UserDocument) -> None:
    for path, title in (("/latin1", "Caf\u00e9 cr\u00e8me"), ("/no-content-type", "Untyped")):
        CustomArticleCrawler.from_config(TEST_CRAWL).extract(site.url(path), user)
        document = Document.find(category=DataCategory.ARTICLES, link=site.url(path))
        assert document is not None and document.content.title == title


@pytest.mark.parametrize(
    ("path", "transient", "message"),
    [
        ("/missing", False, "404"),
        ("/gone", False, "410"),
        ("/forbidden", False, "403"),
        ("/teapot", False, "418"),
        ("/unavailable", True, "503"),
        ("/flaky/1/x", True, "500"),
        ("/rate-limited", True, "429"),
        ("/slow", True, "did not answer within"),
        ("/trickle", True, "did not finish"),
        ("/loop", False, "redirects in a loop"),
        ("/paper.pdf", False, "application/pdf"),
        ("/image.png", False, "image/png"),
        ("/huge", False, "too large"),
        ("/huge-declared", False, "too large"),
        ("/empty", False, "empty page"),
        ("/boilerplate", False, "No article text"),
    ],
)
def test_bad_pages_raise_crawl_errors_saying_whether_to_retry(
    site: ScriptedServer, user: UserDocument, path: str, transient: bool, message: str
) -> None:
    link = site.url(path)
    # No wall-clock bound (CI machines are loaded): the messages prove the timeout or the size limit cut the
    # request short, since the slow and trickling pages would otherwise arrive whole and be stored.
    timeout_s = SHORT_TIMEOUT_S if path in SLOW_PATHS else TIMEOUT_S
    with pytest.raises(CrawlError, match=re.escape(message)) as raised:
        CustomArticleCrawler(timeout_s=timeout_s, max_bytes=MAX_PAGE_BYTES).extract(link, user)
    assert raised.value.transient is transient
    assert link in str(raised.value)
    assert Document.count(category=DataCategory.ARTICLES) == 0


def test_a_server_error_then_success_stores_the_page_on_the_second_try(
    site: ScriptedServer, user: UserDocument
) -> None:
    link = site.url("/flaky/1/page")
    crawler = CustomArticleCrawler.from_config(TEST_CRAWL)
    with pytest.raises(CrawlError) as raised:
        crawler.extract(link, user)
    assert raised.value.transient
    assert crawler.extract(link, user).status is CrawlStatus.CRAWLED
    assert site.hits["/flaky/1/page"] == 2


def test_a_dead_host_is_a_transient_error(user: UserDocument) -> None:
    link = f"http://127.0.0.1:{closed_port()}/post"
    with pytest.raises(CrawlError, match="Cannot connect") as raised:
        CustomArticleCrawler.from_config(TEST_CRAWL).extract(link, user)
    assert raised.value.transient


@pytest.mark.parametrize(
    "link", ["http://exa mple.com/post", "http://[::1/post", "ftp://example.com/a", "mailto:a@b.c"]
)
def test_invalid_links_are_refused_before_any_crawl(link: str) -> None:
    with pytest.raises(UnsupportedLinkError):
        CrawlerDispatcher.build().get_crawler(link, TEST_CRAWL)

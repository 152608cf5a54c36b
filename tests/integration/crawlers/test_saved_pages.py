"""The article crawlers on saved pages served over HTTP: the real pages of ../shared and small pages
written for the tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from llm_engineering.application.crawlers.base import CrawlStatus
from llm_engineering.application.crawlers.custom_article import CustomArticleCrawler, SubstackCrawler
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.types import DataCategory
from tests.support.http_server import serve_directory
from tests.support.paths import OWN_PAGES_DIR, SHARED_PAGES_DIR
from tests.support.scripted_site import (
    TEST_CRAWL,
)

# --- the saved real pages of ../shared --------------------------------------------------------------------


def _expected(page_dir: Path) -> tuple[str, list[str]]:
    import lxml.html

    title = json.loads((page_dir / "expected-metadata.json").read_text())["title"]
    text = lxml.html.fromstring((page_dir / "expected.html").read_text()).text_content()
    return title, re.findall(r"\w+", text)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("page", "crawler_cls"),
    [
        ("mozilla-readability/medium-1", CustomArticleCrawler),
        ("mozilla-readability/wordpress", CustomArticleCrawler),
        ("omnivore-readabilityjs/josephg", CustomArticleCrawler),
        ("omnivore-readabilityjs/garymarcus", SubstackCrawler),
        ("omnivore-readabilityjs/substack-headings", SubstackCrawler),
    ],
)
def test_saved_real_pages_are_stored_with_their_article_text(
    shared_pages_server: str, user: UserDocument, page: str, crawler_cls: type[CustomArticleCrawler]
) -> None:
    link = f"{shared_pages_server}/{page}/source.html"
    # A path-prefix route, as one would register a Substack newsletter on its own domain.
    dispatcher = CrawlerDispatcher.build()
    for newsletter in ("garymarcus", "substack-headings"):
        dispatcher.register(f"{shared_pages_server}/omnivore-readabilityjs/{newsletter}", SubstackCrawler)
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert type(crawler) is crawler_cls

    crawler.extract(link, user)

    document = Document.find(category=DataCategory.ARTICLES, link=link)
    assert document is not None
    title, expected_words = _expected(SHARED_PAGES_DIR / page)
    assert title.startswith(document.content.title) or document.content.title.startswith(title)
    stored_words = set(re.findall(r"\w+", document.content.content))
    recall = sum(word in stored_words for word in expected_words) / len(expected_words)
    assert recall > 0.9, f"only {recall:.0%} of the article's words were kept"
    if crawler_cls is SubstackCrawler:
        assert document.platform == "substack"


@pytest.mark.parametrize(
    ("page", "crawler_cls", "platform"),
    [
        ("own/blog-post", CustomArticleCrawler, "127.0.0.1"),
        ("own/medium-story", CustomArticleCrawler, "127.0.0.1"),
        ("own/substack-post", SubstackCrawler, "substack"),
    ],
)
def test_own_saved_pages_are_stored_with_their_article_text(
    user: UserDocument, page: str, crawler_cls: type[CustomArticleCrawler], platform: str
) -> None:
    """The crawl of saved pages on any clone: small pages written for the tests, served over HTTP."""
    server, base_url = serve_directory(OWN_PAGES_DIR)
    try:
        link = f"{base_url}/{page}/source.html"
        dispatcher = CrawlerDispatcher.build().register(f"{base_url}/own/substack-post", SubstackCrawler)
        crawler = dispatcher.get_crawler(link, TEST_CRAWL)
        assert type(crawler) is crawler_cls
        assert crawler.extract(link, user).status is CrawlStatus.CRAWLED
    finally:
        server.shutdown()
    document = Document.find(category=DataCategory.ARTICLES, link=link)
    assert document is not None and document.platform == platform
    title, expected_words = _expected(OWN_PAGES_DIR / page)
    assert document.content.title == title
    stored_words = re.findall(r"\w+", document.content.content)
    assert set(expected_words) <= set(stored_words)
    for boilerplate in ("cookies", "Subscribe", "Related posts", "comments", "Sign in", "Share"):
        assert boilerplate not in document.content.content

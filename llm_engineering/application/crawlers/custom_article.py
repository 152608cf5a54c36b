"""Any web article (a blog, a Substack post, a Medium post without Selenium) as an ArticleDocument:
fetched over HTTP (`application/fetching/http.py`), its main text extracted (`application/extraction/`).

A link that answers with an RSS or Atom feed brings in every post of the feed (`feed.py`); a bot wall is
raised as BlockedError and reported as `blocked`, never stored."""

from __future__ import annotations

from typing import ClassVar, Self

from loguru import logger

from llm_engineering.application.crawlers.base import (
    BaseCrawler,
    CrawlResult,
    CrawlStatus,
    NotesMixin,
    link_domain,
)
from llm_engineering.application.crawlers.config import DEFAULT_CRAWL, CrawlConfig
from llm_engineering.application.crawlers.feed import check_outcome, ingest_feed
from llm_engineering.application.crawlers.robots import DISALLOWED_BY_ROBOTS
from llm_engineering.application.extraction import ExtractedArticle, ExtractionError, extract_article
from llm_engineering.application.extraction.feeds import is_feed, parse_feed
from llm_engineering.application.fetching.http import FetchedPage, fetch_html, new_session, permanent_error
from llm_engineering.domain.content import ArticleContent
from llm_engineering.domain.documents import ArticleDocument, UserDocument
from llm_engineering.infrastructure.redaction import mask_uri
from llm_engineering.settings import get_settings


def article_content(article: ExtractedArticle) -> ArticleContent:
    """The stored content: title, subtitle, text and language, plus description and author when the page
    has them (absent otherwise, not stored as null)."""
    described = {"description": article.description, "author": article.author}
    return ArticleContent(
        title=article.title,
        subtitle=article.subtitle,
        content=article.content,
        language=article.language,
        **{name: value for name, value in described.items() if value},
    )


class CustomArticleCrawler(NotesMixin, BaseCrawler):
    """Fetch one page over HTTP(S) and store its main text (`platform`: the link's domain), or every post of
    the feed the link answers with."""

    model: ClassVar[type[ArticleDocument]] = ArticleDocument
    platform: ClassVar[str | None] = None  # None: the link's domain

    def __init__(
        self, *, timeout_s: float = DEFAULT_CRAWL.timeout_s, max_bytes: int = DEFAULT_CRAWL.max_page_bytes
    ) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self._session = new_session(get_settings().USER_AGENT)

    @classmethod
    def from_config(cls, config: CrawlConfig) -> Self:
        return cls(timeout_s=config.timeout_s, max_bytes=config.max_page_bytes)

    def extract(self, link: str, user: UserDocument) -> CrawlResult:
        result = super().extract(link, user)
        if result.status is CrawlStatus.CRAWLED and "feed_entries" in result.extra and not result.documents:
            result.status, result.reason = CrawlStatus.SKIPPED, "every post of the feed is already stored"
        return result

    def fetch(self, link: str, *, accept_feeds: bool = False) -> FetchedPage:
        return fetch_html(
            self._session, link, timeout_s=self.timeout_s, max_bytes=self.max_bytes, accept_feeds=accept_feeds
        )

    def fetch_article(self, link: str) -> ExtractedArticle:
        """A post page of a feed: robots.txt is honoured for it as for the links the runner crawls."""
        if self.robots is not None and not self.robots.allowed(link):
            raise permanent_error(f"{link} is {DISALLOWED_BY_ROBOTS}; not fetched.")
        page = self.fetch(link)
        try:
            return extract_article(page.html, page.url)
        except ExtractionError as error:
            raise permanent_error(f"No article text found at {link}: {error}") from error

    def crawl_feed(self, page: FetchedPage, user: UserDocument) -> int:
        """Every post of the feed in `page`; counts per entry go to the link's notes."""
        try:
            feed = parse_feed(page.html, page.url)
        except ExtractionError as error:
            raise permanent_error(f"{page.url} looks like a feed but cannot be read: {error}") from error
        outcome = ingest_feed(feed, user, self.fetch_article)
        self.notes.update(outcome.notes())
        check_outcome(outcome, page.url)
        return outcome.written

    def crawl(self, link: str, user: UserDocument) -> int:
        page = self.fetch(link, accept_feeds=True)
        if is_feed(page.content_type, page.html):
            return self.crawl_feed(page, user)
        try:
            article = extract_article(page.html, page.url)
        except ExtractionError as error:
            raise permanent_error(f"No article text found at {link}: {error}") from error
        document = ArticleDocument(
            content=article_content(article),
            platform=self.platform or link_domain(link),
            link=self.document_link(link),
            author_id=user.id,
            author_full_name=user.full_name,
        )
        stored = document.save()
        written = int(stored.id == document.id)  # another id: the link was stored meanwhile, kept as is
        logger.info(
            f"{self.name}: stored '{article.title}' from {mask_uri(link)} ({len(article.content):,} chars)."
        )
        return written

    def close(self) -> None:
        self._session.close()


class SubstackCrawler(CustomArticleCrawler):
    """Substack posts: the extraction module knows Substack's markup; only the platform name differs."""

    platform: ClassVar[str | None] = "substack"

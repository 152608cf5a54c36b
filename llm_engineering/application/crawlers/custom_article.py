"""Any web article (a blog, a Substack post, a Medium post without Selenium) as an ArticleDocument:
fetched over HTTP (`application/fetching/http.py`), its main text extracted (`application/extraction/`)."""

from __future__ import annotations

from typing import ClassVar, Self

from loguru import logger

from llm_engineering.application.crawlers.base import BaseCrawler, link_domain
from llm_engineering.application.crawlers.config import DEFAULT_CRAWL, CrawlConfig
from llm_engineering.application.extraction import ExtractedArticle, ExtractionError, extract_article
from llm_engineering.application.fetching.http import fetch_html, new_session, permanent_error
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


class CustomArticleCrawler(BaseCrawler):
    """Fetch one page over HTTP(S) and store its main text. `platform` is the link's domain."""

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

    def crawl(self, link: str, user: UserDocument) -> int:
        page = fetch_html(self._session, link, timeout_s=self.timeout_s, max_bytes=self.max_bytes)
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

"""MediumCrawler: a Medium story, read through headless Chromium, as an article Document.

Medium answers plain HTTP clients with bot checks more often than a real browser, and some stories render
parts of their body with JavaScript; the page is therefore loaded in Chromium, scrolled, and its DOM handed to
the Medium extractor, which keeps the story (title, subtitle, body paragraphs, headings, code, lists) and drops
the menus, sign-up prompts, recommended stories and footers around it.
"""

from __future__ import annotations

from typing import ClassVar

from bs4 import BeautifulSoup
from loguru import logger

from llm_engineering.application.crawlers.selenium_base import BaseSeleniumCrawler
from llm_engineering.application.extraction import (
    ExtractedArticle,
    ExtractionError,
    extract_medium_article,
)
from llm_engineering.domain.content import ArticleContent
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory

PLATFORM = "medium"


class MediumCrawler(BaseSeleniumCrawler):
    category: ClassVar[DataCategory] = DataCategory.ARTICLES
    # A story's body is in the first HTML; scrolling only picks up lazily rendered parts, which come fast.
    scroll_settle_s = 0.5

    def crawl(self, link: str, user: UserDocument) -> int:
        self.open_page(link)
        self.scroll_page()
        html = self.page_source()
        article = _extract(html, link)
        document = Document(
            category=self.category,
            content=article_content(article, html),
            link=link,
            platform=PLATFORM,
            author_id=user.id,
            author_full_name=user.full_name,
        )
        stored = document.save()
        written = int(stored.id == document.id)  # another id: the link was stored meanwhile, kept as is
        logger.info(f"{self.name}: {link} -> '{document.content.title}' ({len(article.content)} chars).")
        return written


def _extract(html: str, link: str) -> ExtractedArticle:
    try:
        return extract_medium_article(html)
    except ExtractionError as error:
        raise CrawlError(f"{link} holds no Medium story: {error}", transient=False) from error


def article_content(article: ExtractedArticle, html: str) -> ArticleContent:
    """The stored content: title, subtitle, the story text only, and language."""
    return ArticleContent(
        title=article.title or fallback_title(html),
        subtitle=article.subtitle,
        content=article.content,
        language=article.language,
    )


def fallback_title(html: str) -> str | None:
    """The first h1, else og:title, else <title>: for stories without Medium's title class."""
    soup = BeautifulSoup(html, "lxml")
    heading = soup.find("h1")
    if heading and heading.get_text(strip=True):
        return " ".join(heading.get_text(" ", strip=True).split())
    og_title = soup.find("meta", attrs={"property": "og:title"})
    if og_title and og_title.get("content", "").strip():
        return og_title["content"].strip()
    if soup.title and soup.title.get_text(strip=True):
        return soup.title.get_text(strip=True)
    return None

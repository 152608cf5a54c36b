"""The Selenium fallback of the profile shortcuts: a profile or home page read in headless Chromium, its
post links collected (after scrolling, which loads older posts), and each post read and stored.

A wall on the profile or on a post raises BlockedError (`BaseSeleniumCrawler.open_page`): a blocked post is
counted in the link's notes and skipped; a blocked profile blocks the link.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import lxml.html
from loguru import logger

from llm_engineering.application.crawlers.custom_article import article_content
from llm_engineering.application.crawlers.feed import platform_of
from llm_engineering.application.crawlers.selenium_base import BaseSeleniumCrawler
from llm_engineering.application.extraction import ExtractionError, extract_article
from llm_engineering.application.extraction.feeds import canonical_link
from llm_engineering.application.fetching.walls import BlockedError
from llm_engineering.domain.documents import ArticleDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError

# Post paths: Medium's /@user/slug-<id> and user.medium.com/slug-<id>, Medium's /p/<id>, Substack's /p/slug.
_POST_PATH = re.compile(r"^/(?:@[^/]+/[^/]+-[0-9a-f]{8,12}|[^/@]+-[0-9a-f]{8,12}|p/[^/]+)/?$")


def post_links(html: str, base_url: str) -> list[str]:
    """Links to posts on the profile's own host, in page order, without repeats."""
    host = urlsplit(base_url).netloc
    links: dict[str, None] = {}
    for href in lxml.html.fromstring(html).xpath("//a/@href"):
        link = canonical_link(urljoin(base_url, href))
        parts = urlsplit(link)
        if parts.netloc == host and _POST_PATH.match(parts.path):
            links[link] = None
    return list(links)


class BrowserProfileCrawler(BaseSeleniumCrawler):
    model: ClassVar[type[ArticleDocument]] = ArticleDocument

    def crawl(self, link: str, user: UserDocument) -> int:
        return self.crawl_profile(link, user, {})

    def crawl_profile(self, link: str, user: UserDocument, notes: dict) -> int:
        self.open_page(link)
        self.scroll_page()
        links = post_links(self.page_source(), self.driver.current_url or link)
        if not links:
            raise CrawlError(f"{link} shows no post links in the browser either.", transient=False)
        stored = ArticleDocument.find_existing_links(links)
        documents, blocked, failed = [], [], []
        for post in links:
            if post in stored:
                continue
            try:
                self.open_page(post)
                article = extract_article(self.page_source(), post)
            except BlockedError as error:
                blocked.append({"link": post, "reason": str(error), "hint": error.hint})
                continue
            except (CrawlError, ExtractionError) as error:
                failed.append({"link": post, "reason": str(error)})
                continue
            documents.append(
                ArticleDocument(
                    content=article_content(article),
                    platform=platform_of(post),
                    link=post,
                    author_id=user.id,
                    author_full_name=user.full_name,
                )
            )
        written = ArticleDocument.bulk_insert(documents)
        notes.update(profile_posts=len(links), profile_already_stored=len(stored))
        notes.update({"blocked_entries": blocked} if blocked else {})
        notes.update({"failed_entries": failed} if failed else {})
        logger.info(f"{self.name}: {link}: {len(links)} post(s), {written} stored, {len(blocked)} blocked.")
        return written

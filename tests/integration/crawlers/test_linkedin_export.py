"""The LinkedIn export crawler on Shares.csv files."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_engineering.application.crawlers.base import CrawlStatus
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.linkedin_export import LinkedInExportCrawler
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory
from tests.support.scripted_site import (
    SAMPLES,
    TEST_CRAWL,
)

# --- LinkedIn export --------------------------------------------------------------------------------------


def test_linkedin_export_csv_becomes_posts(user: UserDocument) -> None:
    dispatcher = CrawlerDispatcher.build()
    link = dispatcher.normalize(str(SAMPLES / "linkedin" / "Shares.csv"))
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, LinkedInExportCrawler)

    result = crawler.extract(link, user)

    assert result.documents == 5 and result.extra["empty_rows"] == 1
    posts = {post.link: post for post in Document.bulk_find(category=DataCategory.POSTS)}
    assert len(posts) == 5 and all(post.platform == "linkedin" for post in posts.values())
    multi_line = posts["https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7300000000000000005"]
    assert multi_line.content.content.startswith("Three habits that made my data pipelines boring")
    assert "\n\n1. Every record has a natural key" in multi_line.content.content
    assert multi_line.content.date == "2026-03-02 08:14:51" and multi_line.image is None
    quoted = posts["https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7300000000000000004"]
    assert 'My answer: "because it tells me' in quoted.content.content
    with_image = posts["https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7300000000000000002"]
    assert with_image.image == "https://media.licdn.example/ada-writer/docs-letter.png"
    assert crawler.extract(link, user).status is CrawlStatus.SKIPPED


def test_linkedin_export_quirks(tmp_path: Path, user: UserDocument) -> None:
    csv_path = tmp_path / "Shares.csv"
    rows = [
        "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility",
        # Commentary wrapped in an extra pair of quotes, inner quotes doubled twice.
        '2026-01-01 10:00:00,https://li.example/1,"""Wrapped post with """"inner"""" quotes.""",,,MEMBER_NETWORK',
        # No ShareLink: a stable link is derived so a re-import stays idempotent.
        '2026-01-02 10:00:00,,"A post without its link,\r\nover two lines.",,,MEMBER_NETWORK',
        '2026-01-03 10:00:00,https://li.example/3,"   ",,,MEMBER_NETWORK',
        '2026-01-01 10:00:00,https://li.example/1,"Duplicate row of the first post",,,MEMBER_NETWORK',
    ]
    csv_path.write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8"))  # BOM + CRLF, as exported

    result = LinkedInExportCrawler().extract(str(csv_path), user)

    assert result.documents == 2
    assert result.extra == {"empty_rows": 1, "duplicate_rows": 1}
    wrapped = Document.find(category=DataCategory.POSTS, link="https://li.example/1")
    assert wrapped is not None and wrapped.content.content == 'Wrapped post with "inner" quotes.'
    unlinked = [
        post
        for post in Document.bulk_find(category=DataCategory.POSTS)
        if post.link != "https://li.example/1"
    ]
    assert unlinked[0].link.startswith(csv_path.as_uri() + "#post-")
    assert unlinked[0].content.content == "A post without its link,\nover two lines."
    assert LinkedInExportCrawler().extract(str(csv_path), user).status is CrawlStatus.SKIPPED


def test_a_csv_that_is_not_a_linkedin_export_is_refused(tmp_path: Path, user: UserDocument) -> None:
    csv_path = tmp_path / "Connections.csv"
    csv_path.write_text("First Name,Last Name\nGrace,Hopper\n")
    with pytest.raises(CrawlError, match="no ShareCommentary column"):
        LinkedInExportCrawler().extract(str(csv_path), user)

"""The posts of a LinkedIn data export (Shares.csv) as post Documents: no login, no browser, no scraping.

LinkedIn lets every member download their data (Settings > Data privacy > Get a copy of your data); the
posts come as Shares.csv with columns Date, ShareLink, ShareCommentary, SharedUrl, MediaUrl, Visibility.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from loguru import logger

from llm_engineering.application.crawlers.base import BaseCrawler, ExportFileMixin, NotesMixin
from llm_engineering.application.fetching.local import file_link, to_local_path
from llm_engineering.domain.content import PostContent
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory

# Column names seen across export versions, first match wins.
_TEXT_COLUMNS = ("sharecommentary", "commentary", "content", "text")
_LINK_COLUMNS = ("sharelink", "link", "url")
_DATE_COLUMNS = ("date", "createdat", "created")
_MEDIA_COLUMNS = ("mediaurl", "media")
_SHARED_URL_COLUMNS = ("sharedurl",)


@dataclass(frozen=True)
class ExportedPost:
    link: str
    text: str
    date: str | None
    media_url: str | None
    shared_url: str | None


@dataclass
class ParsedExport:
    posts: list[ExportedPost]
    empty_rows: int
    duplicate_rows: int


def _column(fieldnames: dict[str, str], candidates: tuple[str, ...]) -> str | None:
    return next((fieldnames[name] for name in candidates if name in fieldnames), None)


def clean_commentary(text: str) -> str:
    """The post's text as written: Windows line ends normalised, and the extra quote pair some export versions
    wrap around the whole commentary removed (their inner quotes then come doubled)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    inner = text[1:-1]
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in inner.replace('""', ""):
        text = inner.replace('""', '"').strip()
    return text


def _cell(row: dict[str, str | None], column: str | None) -> str | None:
    value = row.get(column) if column else None
    return (value or "").strip() or None


def parse_shares_csv(path: Path) -> ParsedExport:
    """Parse the export; multi-line quoted commentary and doubled quotes are standard CSV (the csv module)."""
    try:
        # utf-8-sig: the export starts with a byte-order mark; newline="" keeps line breaks inside quotes.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fieldnames = {name.strip().lower().replace(" ", ""): name for name in reader.fieldnames or []}
            text_column = _column(fieldnames, _TEXT_COLUMNS)
            if text_column is None:
                raise CrawlError(
                    f"{path} is not a LinkedIn posts export, it has no ShareCommentary column "
                    f"(columns: {', '.join(reader.fieldnames or []) or 'none'}); use Shares.csv.",
                    transient=False,
                )
            columns = {
                "link": _column(fieldnames, _LINK_COLUMNS),
                "date": _column(fieldnames, _DATE_COLUMNS),
                "media": _column(fieldnames, _MEDIA_COLUMNS),
                "shared": _column(fieldnames, _SHARED_URL_COLUMNS),
            }
            return _collect_posts(path, reader, text_column, columns)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CrawlError(f"Cannot read the LinkedIn export {path}: {error}", transient=False) from error


def _collect_posts(
    path: Path, reader: csv.DictReader, text_column: str, columns: dict[str, str | None]
) -> ParsedExport:
    posts: dict[str, ExportedPost] = {}
    empty = duplicates = 0
    for row in reader:
        text = clean_commentary(row.get(text_column) or "")
        if not text:
            empty += 1  # reposts without a comment, deleted posts
            continue
        date = _cell(row, columns["date"])
        link = _cell(row, columns["link"]) or _synthetic_link(path, date, text)
        if link in posts:
            duplicates += 1
            continue
        posts[link] = ExportedPost(
            link=link,
            text=text,
            date=date,
            media_url=_cell(row, columns["media"]),
            shared_url=_cell(row, columns["shared"]),
        )
    return ParsedExport(posts=list(posts.values()), empty_rows=empty, duplicate_rows=duplicates)


def _synthetic_link(path: Path, date: str | None, text: str) -> str:
    """A stable unique key for a row without ShareLink, so re-importing it stays idempotent."""
    digest = hashlib.sha1(f"{date}\n{text}".encode()).hexdigest()[:16]
    return f"{file_link(path)}#post-{digest}"


class LinkedInExportCrawler(ExportFileMixin, NotesMixin, BaseCrawler):
    """A LinkedIn data export's Shares.csv (local path or file:// URI) as post Documents."""

    category: ClassVar[DataCategory] = DataCategory.POSTS

    def export_links(self, path: Path) -> list[str]:
        return [post.link for post in parse_shares_csv(path).posts]

    def crawl(self, link: str, user: UserDocument) -> int:
        path = to_local_path(link)
        if not path.is_file():
            raise CrawlError(f"No such LinkedIn export file: {path}", transient=False)
        parsed = parse_shares_csv(path)
        self.notes.update(empty_rows=parsed.empty_rows, duplicate_rows=parsed.duplicate_rows)
        if parsed.empty_rows or parsed.duplicate_rows:
            logger.info(
                f"{self.name}: {path.name}: {parsed.empty_rows} row(s) without text and "
                f"{parsed.duplicate_rows} duplicate row(s) skipped."
            )
        if not parsed.posts:
            raise CrawlError(f"The LinkedIn export {path} holds no post with text.", transient=False)
        documents = [self._document(post, user) for post in parsed.posts]
        return Document.bulk_insert(documents)

    @staticmethod
    def _document(post: ExportedPost, user: UserDocument) -> Document:
        shared = {"shared_url": post.shared_url} if post.shared_url else {}
        return Document(
            category=DataCategory.POSTS,
            content=PostContent(content=post.text, date=post.date, **shared),
            platform="linkedin",
            image=post.media_url,
            link=post.link,
            author_id=user.id,
            author_full_name=user.full_name,
        )

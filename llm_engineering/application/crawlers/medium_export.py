"""The stories of a Medium data export (a zip with posts/*.html) as article Documents: no browser, no wall.

Medium lets every member download their data (Settings > Security and apps > Download your information).
Each story is an HTML file: the title in `h1.p-name`, the subtitle in `section[data-field=subtitle]`, the
text in `section[data-field=body]`, the date in `time.dt-published` and the story's address in
`a.p-canonical`. That address is the stored link, so a story imported from the export and later met in the
feed (or crawled from its page) is stored once. Drafts (`posts/draft_*.html`) are not published writing and
are skipped, counted in the link's notes.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import ClassVar

from llm_engineering.application.crawlers.base import BaseCrawler, ExportFileMixin, NotesMixin
from llm_engineering.application.extraction.dom import parse_html
from llm_engineering.application.extraction.feeds import canonical_link
from llm_engineering.application.extraction.models import MIN_CONTENT_CHARS, ExtractionError
from llm_engineering.application.extraction.rendering import render_markdown
from llm_engineering.application.fetching.local import file_link, to_local_path
from llm_engineering.domain.content import ArticleContent
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory

MAX_POST_BYTES = 5_000_000  # a story's HTML; larger entries are not stories (and would fill memory)


@dataclass(frozen=True)
class ExportedStory:
    link: str
    content: ArticleContent


@dataclass
class ParsedMediumExport:
    stories: list[ExportedStory]
    drafts: int
    skipped: list[str]  # "name: reason"


def _first_text(root, selector: str) -> str | None:
    found = root.cssselect(selector)
    text = " ".join(found[0].text_content().split()) if found else ""
    return text or None


def parse_story(html: str, fallback_link: str) -> ExportedStory:
    """One exported story. ExtractionError when it has no body text."""
    root = parse_html(html)
    canonical = root.cssselect("a.p-canonical")
    link = (
        canonical_link(canonical[0].get("href")) if canonical and canonical[0].get("href") else fallback_link
    )
    published = root.cssselect("time.dt-published")
    body = root.cssselect("section[data-field=body]")
    if not body:
        raise ExtractionError("no story body (section[data-field=body])")
    for repeated in body[0].cssselect(".graf--title, .graf--subtitle"):  # the title, again, in the body
        repeated.drop_tree()
    text = render_markdown(body[0])
    if len(text) < MIN_CONTENT_CHARS:
        raise ExtractionError("the story has no text")
    content = ArticleContent(
        title=_first_text(root, "h1.p-name") or _first_text(root, "title"),
        subtitle=_first_text(root, "section[data-field=subtitle]"),
        content=text,
        date=published[0].get("datetime") if published else None,
    )
    return ExportedStory(link=link, content=content)


def parse_medium_export(path: Path) -> ParsedMediumExport:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise CrawlError(f"Cannot read the Medium export {path}: {error}", transient=False) from error
    with archive:
        names = [
            name
            for name in archive.namelist()
            if PurePosixPath(name).parent.name == "posts" and name.lower().endswith(".html")
        ]
        if not names:
            raise CrawlError(
                f"{path} is not a Medium export: it holds no posts/*.html (download it from Medium's "
                "Settings > Security and apps > Download your information).",
                transient=False,
            )
        stories: dict[str, ExportedStory] = {}
        drafts, skipped = 0, []
        for name in sorted(names):
            if PurePosixPath(name).name.startswith("draft_"):
                drafts += 1
                continue
            if archive.getinfo(name).file_size > MAX_POST_BYTES:
                skipped.append(f"{name}: larger than {MAX_POST_BYTES:,} bytes")
                continue
            html = archive.read(name).decode("utf-8", errors="replace")
            try:
                story = parse_story(html, f"{file_link(path)}#{PurePosixPath(name).name}")
            except ExtractionError as error:
                skipped.append(f"{name}: {error}")
                continue
            stories.setdefault(story.link, story)
    return ParsedMediumExport(stories=list(stories.values()), drafts=drafts, skipped=skipped)


class MediumExportCrawler(ExportFileMixin, NotesMixin, BaseCrawler):
    """A Medium export zip (local path or file:// URI) as article Documents, one per published story."""

    category: ClassVar[DataCategory] = DataCategory.ARTICLES

    def export_links(self, path: Path) -> list[str]:
        return [story.link for story in parse_medium_export(path).stories]

    def crawl(self, link: str, user: UserDocument) -> int:
        path = to_local_path(link)
        if not path.is_file():
            raise CrawlError(f"No such Medium export file: {path}", transient=False)
        parsed = parse_medium_export(path)
        self.notes.update(stories=len(parsed.stories), drafts_skipped=parsed.drafts)
        if parsed.skipped:
            self.notes["skipped_files"] = parsed.skipped
        if not parsed.stories:
            raise CrawlError(
                f"The Medium export {path} holds no published story with text "
                f"({parsed.drafts} draft(s), {len(parsed.skipped)} unreadable).",
                transient=False,
            )
        documents = [
            Document(
                category=self.category,
                content=story.content,
                platform="medium",
                link=story.link,
                author_id=user.id,
                author_full_name=user.full_name,
            )
            for story in parsed.stories
        ]
        return Document.bulk_insert(documents)

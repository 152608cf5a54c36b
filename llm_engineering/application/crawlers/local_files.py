"""Local files as articles: a Markdown, HTML or text file, or a folder of them (a Medium or Substack export).

One article Document per file, keyed by the file's `file://` URI, so re-running adds only new files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml
from loguru import logger

from llm_engineering.application.crawlers.base import BaseCrawler, NotesMixin
from llm_engineering.application.crawlers.custom_article import article_content
from llm_engineering.application.extraction import ExtractionError, extract_article
from llm_engineering.application.fetching.local import (
    HTML_SUFFIXES,
    MARKDOWN_SUFFIXES,
    SUPPORTED_SUFFIXES,
    file_link,
    list_article_files,
    read_text_file,
    to_local_path,
)
from llm_engineering.domain.content import ArticleContent
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


@dataclass(frozen=True)
class ParsedArticle:
    """One file's article content and the platform it was exported from (None: not known)."""

    content: ArticleContent
    platform: str | None = None


# --- parsing -----------------------------------------------------------------------------------------------


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (`---` ... `---`) as a dict, and the text after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, text  # not front matter after all (e.g. a thematic break): keep the text whole
    if not isinstance(meta, dict):
        return {}, text
    return {str(k).lower(): v for k, v in meta.items()}, text[match.end() :]


def _first_heading(markdown: str) -> tuple[str | None, int | None]:
    """The first ATX heading outside code fences, and its line index (a `#` in a code block is a comment)."""
    in_fence = False
    for index, line in enumerate(markdown.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            return match.group(2).strip(), index
    return None, None


def _title_from_filename(path: Path) -> str:
    words = re.sub(r"[_\-]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def parse_markdown(text: str, path: Path) -> ParsedArticle:
    meta, body = _split_front_matter(text)
    title = _text_or_none(meta.get("title"))
    heading, line_index = _first_heading(body)
    lines = body.splitlines()
    leading = line_index is not None and not any(line.strip() for line in lines[:line_index])
    # The title is stored on its own, as for web pages: a leading title heading leaves the body.
    if leading and (title is None or heading == title):
        title = heading
        body = "\n".join(lines[line_index + 1 :])
    title = title or heading
    described = {key: _text_or_none(meta.get(key)) for key in ("description", "author")}
    content = ArticleContent(
        title=title or _title_from_filename(path),
        subtitle=_text_or_none(meta.get("subtitle")),
        content=body.strip(),
        language=_text_or_none(meta.get("language") or meta.get("lang")),
        **{key: value for key, value in described.items() if value},
    )
    return ParsedArticle(content, platform=_text_or_none(meta.get("platform")))


def parse_html(text: str, path: Path) -> ParsedArticle:
    content = article_content(extract_article(text, file_link(path)))
    if not content.title:
        content = content.model_copy(update={"title": _title_from_filename(path)})
    return ParsedArticle(content, platform=_export_platform(text, path))


def parse_text(text: str, path: Path) -> ParsedArticle:
    content = ArticleContent(
        title=_title_from_filename(path), subtitle=None, content=text.strip(), language=None
    )
    return ParsedArticle(content)


def _export_platform(html: str, path: Path) -> str | None:
    """Medium's export marks posts with a canonical medium.com link; Substack's has posts.csv beside them."""
    if 'class="p-canonical"' in html and "medium.com" in html:
        return "medium"
    if any((folder / "posts.csv").is_file() for folder in (path.parent, path.parent.parent)):
        return "substack"
    return None


def parse_article_file(path: Path) -> ParsedArticle:
    """The article content of one file and its platform when the file says. ValueError when it has no text."""
    text = read_text_file(path)
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        parsed = parse_markdown(text, path)
    elif suffix in HTML_SUFFIXES:
        parsed = parse_html(text, path)
    else:
        parsed = parse_text(text, path)
    if not parsed.content.content:
        raise ValueError("no text")
    return parsed


def _yields_document(path: Path) -> bool:
    try:
        parse_article_file(path)
    except (ValueError, ExtractionError, OSError):
        return False
    return True


# --- crawler -----------------------------------------------------------------------------------------------


class LocalFilesCrawler(NotesMixin, BaseCrawler):
    """A `file://` URI or local path to a .md/.html/.txt file, or a folder of them, as article Documents."""

    category: ClassVar[DataCategory] = DataCategory.ARTICLES

    def _files(self, link: str) -> list[Path]:
        path = to_local_path(link)
        if path.is_dir():
            return list_article_files(path)
        return [path] if path.is_file() else []

    def already_stored(self, link: str) -> bool:
        """Every file that yields a document is stored (at least one). Files that never parse (blank, no
        article text) do not block the skip: only the unstored files are parsed again to tell."""
        files = {file_link(path): path for path in self._files(link)}
        if not files:
            return False
        stored = Document.find_existing_links(self.category, files)
        return bool(stored) and not any(
            _yields_document(path) for file, path in files.items() if file not in stored
        )

    def crawl(self, link: str, user: UserDocument) -> int:
        path = to_local_path(link)
        files = self._check_source(path)
        documents, failures = [], []
        for file in files:
            try:
                parsed = parse_article_file(file)
            except (ValueError, ExtractionError, OSError) as error:  # ExtractionError is a ValueError too
                failures.append(f"{file.name}: {error}")
                continue
            documents.append(
                Document(
                    category=self.category,
                    content=parsed.content,
                    platform=parsed.platform or "local",
                    link=file_link(file),
                    author_id=user.id,
                    author_full_name=user.full_name,
                )
            )
        if failures:
            logger.warning(
                f"{self.name}: {len(failures)} file(s) under {path} skipped: {'; '.join(failures)}"
            )
            self.notes["skipped_files"] = failures
        if not documents:
            raise CrawlError(f"No article text in {path}: {'; '.join(failures)}", transient=False)
        return Document.bulk_insert(documents)

    @staticmethod
    def _check_source(path: Path) -> list[Path]:
        if not path.exists():
            raise CrawlError(f"No such file or folder: {path}", transient=False)
        if path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise CrawlError(
                    f"{path} is not a Markdown, HTML or text file ({', '.join(sorted(SUPPORTED_SUFFIXES))}).",
                    transient=False,
                )
            return [path]
        files = list_article_files(path)
        if not files:
            raise CrawlError(
                f"The folder {path} holds no non-empty {', '.join(sorted(SUPPORTED_SUFFIXES))} files.",
                transient=False,
            )
        return files

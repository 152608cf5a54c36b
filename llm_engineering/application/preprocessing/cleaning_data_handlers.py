"""The cleaning table: per data category, which parts of a raw document are its text, its title and its
publication date, and how the text is cleaned. `CleaningDispatcher` (dispatchers.py) looks a document's
category up here; everything else about cleaning is the same for every category."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from llm_engineering.application.preprocessing.hygiene import TextHygiene
from llm_engineering.application.preprocessing.text_cleaning import clean_code, clean_prose
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.documents import Document
from llm_engineering.domain.types import DataCategory

# Repository files are joined with this between them; the chunker cuts there first.
REPOSITORY_FILE_SEPARATOR = "\n\n\n"
REPOSITORY_FILE_HEADER = "File: "
_PROSE_SUFFIXES = {".md", ".markdown", ".rst", ".txt"}


@dataclass(frozen=True)
class CategoryCleaning:
    text: Callable[[Document], str]  # the cleaned text (without the title: that is a field of its own)
    title: Callable[[Document], str | None]
    publication_date: Callable[[Document], str | None]
    is_code: bool = False  # code gets secrets masked but no chrome removal


def apply_hygiene(text: str, hygiene: TextHygiene | None, *, is_code: bool) -> str:
    hygiene = hygiene or TextHygiene()
    return hygiene.code(text) if is_code else hygiene.prose(text)


def _clean_prose_parts(parts: list[str | None]) -> str:
    cleaned = (clean_prose(part) for part in parts if part)
    return "\n\n".join(part for part in cleaned if part)


def article_text(document: Document) -> str:
    """Subtitle and main text in reading order, then text under keys older crawlers stored (never silently
    dropped); what describes the text (title, date, language, description, author) is not part of it."""
    content = document.content
    return _clean_prose_parts([content.subtitle, content.content, *content.extra_text()])


def post_text(document: Document) -> str:
    """A post's text, then text under keys older crawlers stored; its date and shared URL are left out."""
    return _clean_prose_parts([document.content.content, *document.content.extra_text()])


def repository_text(document: Document) -> str:
    """`content` maps file paths to file text. Each file becomes `File: <path>` and its text: code keeps
    its lines and indentation, documentation files are cleaned as prose."""
    files = []
    for path, text in document.content.items():
        prose = PurePosixPath(path).suffix.lower() in _PROSE_SUFFIXES
        cleaned = clean_prose(text) if prose else clean_code(text)
        if cleaned.strip():
            files.append(f"{REPOSITORY_FILE_HEADER}{path}\n{cleaned}")
    return REPOSITORY_FILE_SEPARATOR.join(files)


def _clean_title(title: str | None) -> str | None:
    """A title on one line, cleaned as prose; None when nothing is left."""
    if not title:
        return None
    return " ".join(clean_prose(title).split()) or None


def _content_title(document: Document) -> str | None:
    return document.content.title


def _content_date(document: Document) -> str | None:
    return document.content.date


def _no_date(document: Document) -> str | None:
    return None


CLEANING: dict[DataCategory, CategoryCleaning] = {
    DataCategory.ARTICLES: CategoryCleaning(article_text, _content_title, _content_date),
    DataCategory.POSTS: CategoryCleaning(post_text, _content_title, _content_date),
    DataCategory.REPOSITORIES: CategoryCleaning(repository_text, lambda d: d.name, _no_date, is_code=True),
}


def clean_document(
    document: Document, *, content_hash: str, feature_fingerprint: str, hygiene: TextHygiene | None = None
) -> CleanedDocument:
    """The cleaned document keeps the raw document's id, so cleaning it again overwrites it. `hygiene`
    (default settings when None) masks personal data and removes platform chrome, counting both."""
    try:
        cleaning = CLEANING[document.category]
    except KeyError:
        raise ValueError(f"No cleaning for data category '{document.category}'.") from None
    return CleanedDocument(
        id=document.id,
        category=document.category,
        content=apply_hygiene(cleaning.text(document), hygiene, is_code=cleaning.is_code),
        title=_clean_title(cleaning.title(document)),
        platform=document.platform,
        publication_date=cleaning.publication_date(document),
        author_id=document.author_id,
        author_full_name=document.author_full_name,
        link=document.link,
        content_hash=content_hash,
        feature_fingerprint=feature_fingerprint,
    )

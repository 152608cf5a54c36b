"""One cleaning handler per data category: which fields of a raw document are text, and how to clean them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import PurePosixPath
from typing import Any, ClassVar

from llm_engineering.application.preprocessing.hygiene import TextHygiene
from llm_engineering.application.preprocessing.text_cleaning import clean_code, clean_prose
from llm_engineering.domain.cleaned_documents import (
    CleanedArticleDocument,
    CleanedDocument,
    CleanedPostDocument,
    CleanedRepositoryDocument,
)
from llm_engineering.domain.content import ArticleContent, PostContent, RepositoryContent
from llm_engineering.domain.documents import Document
from llm_engineering.domain.types import DataCategory

# Repository files are joined with this between them; the chunker cuts there first.
REPOSITORY_FILE_SEPARATOR = "\n\n\n"
REPOSITORY_FILE_HEADER = "File: "
_PROSE_SUFFIXES = {".md", ".markdown", ".rst", ".txt"}


class CleaningDataHandler(ABC):
    cleaned_class: ClassVar[type[CleanedDocument]]
    extra_fields: ClassVar[tuple[str, ...]] = ()  # fields copied as they are (an image, a repository name)
    is_code: ClassVar[bool] = False  # code gets secrets masked but no chrome removal

    def clean(
        self,
        document: Document,
        *,
        content_hash: str,
        feature_fingerprint: str,
        hygiene: TextHygiene | None = None,
    ) -> CleanedDocument:
        """The cleaned document keeps the raw document's id, so cleaning it again overwrites it. `hygiene`
        (default settings when None) masks personal data and removes platform chrome, counting both."""
        return self.cleaned_class(
            id=document.id,
            content=apply_hygiene(self.clean_content(document.content), hygiene, is_code=self.is_code),
            platform=document.platform,
            author_id=document.author_id,
            author_full_name=document.author_full_name,
            link=getattr(document, "link", None),
            content_hash=content_hash,
            feature_fingerprint=feature_fingerprint,
            **{name: getattr(document, name, None) for name in self.extra_fields},
        )

    @abstractmethod
    def clean_content(self, content: Any) -> str:
        """The document's text, cleaned; `content` is the category's content model."""


class ArticleCleaningHandler(CleaningDataHandler):
    """Title, subtitle and main text in reading order, then text under keys older crawlers stored (never
    silently dropped); what describes the text (language, description, author) is left out."""

    cleaned_class = CleanedArticleDocument

    def clean_content(self, content: ArticleContent) -> str:
        return _clean_prose_parts([content.title, content.subtitle, content.content, *content.extra_text()])


class PostCleaningHandler(CleaningDataHandler):
    """A post's title (when it has one) and text, then text under keys older crawlers stored; its date and
    shared URL are left out."""

    cleaned_class = CleanedPostDocument
    extra_fields = ("image",)

    def clean_content(self, content: PostContent) -> str:
        return _clean_prose_parts([content.title, content.content, *content.extra_text()])


def apply_hygiene(text: str, hygiene: TextHygiene | None, *, is_code: bool) -> str:
    hygiene = hygiene or TextHygiene()
    return hygiene.code(text) if is_code else hygiene.prose(text)


def _clean_prose_parts(parts: list[str | None]) -> str:
    cleaned = (clean_prose(part) for part in parts if part)
    return "\n\n".join(part for part in cleaned if part)


class RepositoryCleaningHandler(CleaningDataHandler):
    """`content` maps file paths to file text. Each file becomes `File: <path>` and its text: code keeps
    its lines and indentation, documentation files are cleaned as prose."""

    cleaned_class = CleanedRepositoryDocument
    extra_fields = ("name",)
    is_code = True

    def clean_content(self, content: RepositoryContent) -> str:
        files = []
        for path, text in content.items():
            cleaned = (
                clean_prose(text)
                if PurePosixPath(path).suffix.lower() in _PROSE_SUFFIXES
                else clean_code(text)
            )
            if cleaned.strip():
                files.append(f"{REPOSITORY_FILE_HEADER}{path}\n{cleaned}")
        return REPOSITORY_FILE_SEPARATOR.join(files)


class CleaningHandlerFactory:
    _handlers: ClassVar[dict[DataCategory, type[CleaningDataHandler]]] = {
        DataCategory.POSTS: PostCleaningHandler,
        DataCategory.ARTICLES: ArticleCleaningHandler,
        DataCategory.REPOSITORIES: RepositoryCleaningHandler,
    }

    @classmethod
    def create_handler(cls, category: DataCategory) -> CleaningDataHandler:
        try:
            return cls._handlers[category]()
        except KeyError:
            raise ValueError(f"No cleaning handler for data category '{category}'.") from None

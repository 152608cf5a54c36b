"""Raw documents of the data warehouse, as the ETL pipeline stores them."""

from __future__ import annotations

from abc import ABC
from collections.abc import Iterable
from typing import ClassVar

from pydantic import UUID4, Field

from llm_engineering.domain.base.nosql import Index, NoSQLBaseDocument
from llm_engineering.domain.content import ArticleContent, DocumentContent, PostContent, RepositoryContent
from llm_engineering.domain.types import DataCategory


class UserDocument(NoSQLBaseDocument):
    first_name: str
    last_name: str

    class Settings:
        name = "users"
        indexes: ClassVar[list[Index]] = [Index(keys=["first_name", "last_name"])]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @staticmethod
    def split_full_name(full_name: str) -> tuple[str, str]:
        """'Paul Iusztin' -> ('Paul', 'Iusztin'); 'Ada' -> ('Ada', ''); extra spaces are ignored."""
        parts = full_name.split()
        if not parts:
            raise ValueError("A user's full name must not be empty.")
        if len(parts) == 1:
            return parts[0], ""
        return " ".join(parts[:-1]), parts[-1]


class Document(NoSQLBaseDocument, ABC):
    """A piece of the author's writing. `link` is unique per collection: one document per URL.

    `content` is typed per category (see `llm_engineering.domain.content`); `platform` says where the
    writing was published ("medium", "substack", "linkedin", "github", a blog's domain, "local")."""

    content: DocumentContent | RepositoryContent
    platform: str
    author_id: UUID4 = Field(alias="author_id")
    author_full_name: str = Field(alias="author_full_name")

    @classmethod
    def find_existing_links(cls, links: Iterable[str]) -> set[str]:
        """Which of `links` are already stored in this collection."""
        return cls.find_existing("link", links)


class RepositoryDocument(Document):
    content: RepositoryContent
    name: str
    link: str

    class Settings:
        name = DataCategory.REPOSITORIES.value
        indexes: ClassVar[list[Index]] = [Index(keys=["link"])]


class PostDocument(Document):
    content: PostContent
    image: str | None = None
    link: str

    class Settings:
        name = DataCategory.POSTS.value
        indexes: ClassVar[list[Index]] = [Index(keys=["link"])]


class ArticleDocument(Document):
    content: ArticleContent
    link: str

    class Settings:
        name = DataCategory.ARTICLES.value
        indexes: ClassVar[list[Index]] = [Index(keys=["link"])]


# The author's writing, one collection each; and every warehouse class (users first: others refer to them).
CONTENT_DOCUMENT_CLASSES: tuple[type[Document], ...] = (ArticleDocument, PostDocument, RepositoryDocument)
DOCUMENT_CLASSES: tuple[type[NoSQLBaseDocument], ...] = (UserDocument, *CONTENT_DOCUMENT_CLASSES)

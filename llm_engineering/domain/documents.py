"""Raw documents of the data warehouse, as the ETL pipeline stores them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Self

from pydantic import UUID4, BaseModel, Field, model_validator

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


# What each category's `content` is, and the fields only that category stores (beside the common ones).
CONTENT_MODELS: dict[DataCategory, type[DocumentContent] | type[RepositoryContent]] = {
    DataCategory.ARTICLES: ArticleContent,
    DataCategory.POSTS: PostContent,
    DataCategory.REPOSITORIES: RepositoryContent,
}
CATEGORY_FIELDS: dict[DataCategory, tuple[str, ...]] = {
    DataCategory.ARTICLES: (),
    DataCategory.POSTS: ("image",),
    DataCategory.REPOSITORIES: ("name",),
}
DOCUMENT_CATEGORIES: tuple[DataCategory, ...] = tuple(CONTENT_MODELS)


class Document(NoSQLBaseDocument):
    """A piece of the author's writing, tagged with its `category`, which picks both the model of `content`
    (see `llm_engineering.domain.content`) and the collection (`articles`, `posts`, `repositories`). `link`
    is unique per collection: one document per URL. `platform` says where the writing was published
    ("medium", "substack", "linkedin", "github", a blog's domain, "local")."""

    category: DataCategory
    content: ArticleContent | PostContent | RepositoryContent
    platform: str
    author_id: UUID4 = Field(alias="author_id")
    author_full_name: str = Field(alias="author_full_name")
    link: str
    name: str | None = None  # a repository's name
    image: str | None = None  # a post's image

    class Settings:
        indexes: ClassVar[list[Index]] = [Index(keys=["link"])]
        partition_field = "category"
        partitions = tuple(category.value for category in DOCUMENT_CATEGORIES)

    @model_validator(mode="before")
    @classmethod
    def _content_of_category(cls, data: Any) -> Any:
        """`content` validates as its category's model (a stored dict, or an export's)."""
        if not isinstance(data, dict) or "category" not in data:
            return data
        category = data["category"]
        model = CONTENT_MODELS.get(category) if isinstance(category, str) else None
        if model is None:
            known = ", ".join(c.value for c in DOCUMENT_CATEGORIES)
            raise ValueError(f"A document's category must be one of {known}, got {category!r}.")
        content = data.get("content")
        if content is not None and not isinstance(content, model):
            if isinstance(content, BaseModel):
                content = content.model_dump()
            data = {**data, "content": model.model_validate(content)}
        return data

    @model_validator(mode="after")
    def _category_fields(self) -> Self:
        if self.category is DataCategory.REPOSITORIES and not self.name:
            raise ValueError("A repository document needs its `name`.")
        return self

    def to_mongo(self, **kwargs: Any) -> dict[str, Any]:
        """The stored shape of the category: the common fields and only that category's own ones."""
        others = {field for fields in CATEGORY_FIELDS.values() for field in fields}
        others -= set(CATEGORY_FIELDS[self.category])
        return super().to_mongo(exclude={*kwargs.pop("exclude", ()), *others}, **kwargs)

    @classmethod
    def find_existing_links(cls, category: DataCategory, links: Iterable[str]) -> set[str]:
        """Which of `links` are already stored in the category's collection."""
        return cls.find_existing("link", links, category=category)

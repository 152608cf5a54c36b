"""The content of a raw document, typed per category: an article, a post, a repository.

Each model serialises to the warehouse's stored shape (the handbook export's keys: `Title`, `Subtitle`,
`Content`, `language`, ...), writing only the keys that were given, so a document read from the warehouse or
an export file is written back exactly as it was. Python code reads the fields by name (`content.title`);
`content["Title"]` and `{**content}` read the stored keys, for code written against the stored shape.

Documents stored before these models existed hold a plain dict: it validates into the model (unknown keys
are kept as extra fields and written back, so nothing a crawler stored is lost).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core.core_schema import SerializationInfo, SerializerFunctionWrapHandler

# Values some older crawlers stored for "no value" (the string "None" from str(None)).
_MISSING_TEXT = frozenset({"", "none", "null"})


def _none_if_missing(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in _MISSING_TEXT:
        return None
    return value


class DocumentContent(BaseModel):
    """Base of the content models: stored keys as aliases, given keys only on output, extra keys kept."""

    model_config = ConfigDict(
        extra="allow", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    @model_serializer(mode="wrap")
    def _given_keys_only(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        unset = {
            field.alias or name
            for name, field in type(self).model_fields.items()
            if name not in self.model_fields_set
        }
        return {key: value for key, value in data.items() if key not in unset}

    def __getitem__(self, stored_key: str) -> Any:
        """The value under a stored key (`"Title"`), a KeyError when the document has no such key."""
        data = self.model_dump()
        if stored_key not in data:
            raise KeyError(stored_key)
        return data[stored_key]

    def keys(self) -> list[str]:
        """The stored keys, so that `{**content, "Content": text}` builds a stored dict."""
        return list(self.model_dump())

    def extra_text(self) -> list[str]:
        """Text under keys no model field knows (documents stored by older crawlers), in stored order."""
        return [value for value in (self.model_extra or {}).values() if isinstance(value, str)]


class ArticleContent(DocumentContent):
    """A web article, a local Markdown/HTML/text file, a Medium or Substack post."""

    title: str | None = Field(default=None, alias="Title")
    subtitle: str | None = Field(default=None, alias="Subtitle")
    content: str = Field(alias="Content")  # the main text, Markdown-ish
    language: str | None = None
    description: str | None = Field(default=None, alias="Description")
    author: str | None = Field(default=None, alias="Author")
    date: str | None = Field(default=None, alias="Date")  # published, ISO 8601 (from a feed or an export)

    _missing_to_none = field_validator(
        "title", "subtitle", "language", "description", "author", "date", mode="before"
    )(_none_if_missing)


class PostContent(DocumentContent):
    """A social post (LinkedIn): its text, and what the export says about it."""

    content: str = Field(alias="Content")
    title: str | None = Field(default=None, alias="Title")
    date: str | None = Field(default=None, alias="Date")
    shared_url: str | None = Field(default=None, alias="SharedUrl")

    _missing_to_none = field_validator("title", "date", "shared_url", mode="before")(_none_if_missing)

    @model_validator(mode="before")
    @classmethod
    def _text_key_is_content(cls, data: Any) -> Any:
        """Posts stored under the key `text` (an older shape) read as `Content`."""
        if isinstance(data, dict) and "Content" not in data and "content" not in data and "text" in data:
            data = {("Content" if key == "text" else key): value for key, value in data.items()}
        return data


class RepositoryContent(RootModel[dict[str, str]]):
    """A repository's text files: {relative path: file text}, the text exactly as written."""

    def __getitem__(self, path: str) -> str:
        return self.root[path]

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self.root)

    def __len__(self) -> int:
        return len(self.root)

    def items(self) -> Iterator[tuple[str, str]]:
        return iter(self.root.items())

    def values(self) -> Iterator[str]:
        return iter(self.root.values())

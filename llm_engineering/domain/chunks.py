"""Chunks: pieces of a cleaned document, each short enough for the embedding model to read whole.

Chunks live between chunking and embedding only; they are never stored, so they name no collection.
Embedded chunks (embedded_chunks.py) are chunks with a vector, stored per category.
"""

from __future__ import annotations

from abc import ABC

from pydantic import UUID4, Field

from llm_engineering.domain.base.vector import VectorBaseDocument
from llm_engineering.domain.types import DataCategory


class Chunk(VectorBaseDocument, ABC):
    """`metadata` holds chunk_index, chunk_count, token_count, char_start/char_end (in the cleaned text),
    the chunking settings and the document's content_hash."""

    content: str
    platform: str
    document_id: UUID4
    author_id: UUID4
    author_full_name: str
    link: str | None = None
    metadata: dict = Field(default_factory=dict)


class PostChunk(Chunk):
    image: str | None = None

    class Settings:
        category = DataCategory.POSTS


class ArticleChunk(Chunk):
    class Settings:
        category = DataCategory.ARTICLES


class RepositoryChunk(Chunk):
    name: str

    class Settings:
        category = DataCategory.REPOSITORIES


CHUNK_CLASSES: dict[DataCategory, type[Chunk]] = {
    DataCategory.POSTS: PostChunk,
    DataCategory.ARTICLES: ArticleChunk,
    DataCategory.REPOSITORIES: RepositoryChunk,
}

"""Embedded chunks: a chunk plus its vectors, stored per category in Qdrant collections with two named
vectors: the dense embedding `dense` (cosine) and the sparse BM25 term weights `bm25` (IDF applied by Qdrant).

An embedded chunk keeps its chunk's id (derived from the document id and the chunk's position), so
re-embedding a document overwrites its points instead of adding new ones.
"""

from __future__ import annotations

from abc import ABC

from llm_engineering.domain.chunks import Chunk
from llm_engineering.domain.sparse import SparseVector
from llm_engineering.domain.types import DataCategory


class EmbeddedChunk(Chunk, ABC):
    """`metadata` holds the chunk's metadata plus embedding_model_id, embedding_size, max_input_length and
    sparse_encoder (the fingerprint of the BM25 tokenizer). The vectors are None when read without them."""

    embedding: list[float] | None = None
    sparse_embedding: SparseVector | None = None

    @classmethod
    def to_context(cls, chunks: list[EmbeddedChunk]) -> str:
        """Chunks as numbered, attributed passages for an LLM prompt."""
        return "\n".join(
            f"-----\nChunk {i} by {chunk.author_full_name} ({chunk.platform}"
            f"{', ' + chunk.link if chunk.link else ''}):\n{chunk.content}"
            for i, chunk in enumerate(chunks, start=1)
        )


class EmbeddedPostChunk(EmbeddedChunk):
    image: str | None = None

    class Settings:
        name = "embedded_posts"
        category = DataCategory.POSTS


class EmbeddedArticleChunk(EmbeddedChunk):
    class Settings:
        name = "embedded_articles"
        category = DataCategory.ARTICLES


class EmbeddedRepositoryChunk(EmbeddedChunk):
    name: str

    class Settings:
        name = "embedded_repositories"
        category = DataCategory.REPOSITORIES


EMBEDDED_CHUNK_CLASSES: dict[DataCategory, type[EmbeddedChunk]] = {
    DataCategory.POSTS: EmbeddedPostChunk,
    DataCategory.ARTICLES: EmbeddedArticleChunk,
    DataCategory.REPOSITORIES: EmbeddedRepositoryChunk,
}

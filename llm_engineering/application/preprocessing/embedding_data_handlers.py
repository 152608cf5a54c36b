"""One embedding handler per data category: turns a chunk and its vector into the embedded chunk to store."""

from __future__ import annotations

from typing import Any, ClassVar

from llm_engineering.domain.chunks import Chunk
from llm_engineering.domain.embedded_chunks import (
    EmbeddedArticleChunk,
    EmbeddedChunk,
    EmbeddedPostChunk,
    EmbeddedRepositoryChunk,
)
from llm_engineering.domain.sparse import SparseVector
from llm_engineering.domain.types import DataCategory


class EmbeddingDataHandler:
    embedded_class: ClassVar[type[EmbeddedChunk]]

    def embed(
        self,
        chunk: Chunk,
        embedding: list[float],
        sparse_embedding: SparseVector,
        model_metadata: dict[str, Any],
    ) -> EmbeddedChunk:
        """The embedded chunk keeps the chunk's id: re-embedding overwrites the same point."""
        fields = chunk.model_dump(exclude={"metadata", "score"})
        return self.embedded_class(
            **fields,
            embedding=embedding,
            sparse_embedding=sparse_embedding,
            metadata={**chunk.metadata, **model_metadata},
        )


class PostEmbeddingHandler(EmbeddingDataHandler):
    embedded_class = EmbeddedPostChunk


class ArticleEmbeddingHandler(EmbeddingDataHandler):
    embedded_class = EmbeddedArticleChunk


class RepositoryEmbeddingHandler(EmbeddingDataHandler):
    embedded_class = EmbeddedRepositoryChunk


class EmbeddingHandlerFactory:
    _handlers: ClassVar[dict[DataCategory, EmbeddingDataHandler]] = {
        DataCategory.POSTS: PostEmbeddingHandler(),
        DataCategory.ARTICLES: ArticleEmbeddingHandler(),
        DataCategory.REPOSITORIES: RepositoryEmbeddingHandler(),
    }

    @classmethod
    def create_handler(cls, category: DataCategory) -> EmbeddingDataHandler:
        try:
            return cls._handlers[category]
        except KeyError:
            raise ValueError(f"No embedding handler for data category '{category}'.") from None

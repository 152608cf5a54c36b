"""Embedded chunks: a chunk plus its vectors, stored per category (`embedded_articles`, `embedded_posts`,
`embedded_repositories`) in Qdrant collections with three named vectors: the dense embedding `dense` (cosine),
the sparse BM25 term weights `bm25` (IDF applied by Qdrant), and `passages`: the dense embedding plus one per
few sentences of the chunk, compared by MaxSim, which the dense side of a search uses.

An embedded chunk keeps its chunk's id (derived from the document id and the chunk's position), so
re-embedding a document overwrites its points instead of adding new ones.
"""

from __future__ import annotations

from llm_engineering.domain.chunks import Chunk
from llm_engineering.domain.sparse import SparseVector


class EmbeddedChunk(Chunk):
    """`metadata` holds the chunk's metadata plus embedding_model_id, embedding_size, max_input_length and
    sparse_encoder (the fingerprint of the BM25 tokenizer). The vectors are None when read without them;
    written without `passage_embeddings`, a chunk's one passage is its `embedding`."""

    embedding: list[float] | None = None
    sparse_embedding: SparseVector | None = None
    passage_embeddings: list[list[float]] | None = None

    class Settings:
        name = "embedded_{category}"

    @classmethod
    def to_context(cls, chunks: list[EmbeddedChunk]) -> str:
        """Chunks as numbered, attributed passages for an LLM prompt."""
        return "\n".join(
            f"-----\nChunk {i} by {chunk.author_full_name} ({chunk.platform}"
            f"{', ' + chunk.link if chunk.link else ''}{', ' + repr(chunk.title) if chunk.title else ''}):\n"
            f"{chunk.content}"
            for i, chunk in enumerate(chunks, start=1)
        )

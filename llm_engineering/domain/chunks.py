"""Chunks: pieces of a cleaned document, each short enough for the embedding model to read whole.

Chunks live between chunking and embedding only; they are never stored, so they name no collection.
Embedded chunks (embedded_chunks.py) are chunks with a vector, stored per category. A chunk carries its
document's title, platform, publication date and link as fields, beside its text (the embedding reads the
title too, but it is stored apart).
"""

from __future__ import annotations

from pydantic import UUID4, Field

from llm_engineering.domain.base.vector import VectorBaseDocument
from llm_engineering.domain.types import DataCategory


class Chunk(VectorBaseDocument):
    """`metadata` holds chunk_index, chunk_count, token_count, char_start/char_end (in the cleaned text),
    the chunking settings and the document's content_hash."""

    category: DataCategory
    content: str
    title: str | None = None
    platform: str
    publication_date: str | None = None
    document_id: UUID4
    author_id: UUID4
    author_full_name: str
    link: str | None = None
    metadata: dict = Field(default_factory=dict)

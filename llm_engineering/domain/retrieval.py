"""What retrieval returns: one ranked passage of the author's writing, with where it came from."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RetrievedChunk(BaseModel):
    """A chunk found for a query. `score` is the ranking score of the method that produced the list
    (fused rank score, cosine similarity, BM25 or reranker score): comparable within one list only."""

    id: str
    link: str | None = None
    title: str | None = None
    platform: str | None = None
    publication_date: str | None = None  # as the source gave it, when it did
    content: str
    author_full_name: str
    document_id: str
    category: str
    score: float = Field(description="Higher is better; comparable within one result list only.")

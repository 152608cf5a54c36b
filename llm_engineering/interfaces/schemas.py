"""Request and response bodies of the inference service."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from llm_engineering.application.rag.retriever import MAX_K
from llm_engineering.domain.retrieval import RetrievedChunk
from llm_engineering.settings import get_settings


class RetrieveRequest(BaseModel):
    query: str = Field(description="The question; 1 to INFERENCE_MAX_QUERY_CHARS characters.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many passages to return.")
    author_full_name: str | None = Field(None, max_length=200)

    @field_validator("query")
    @classmethod
    def _query_length(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("query must not be empty")
        limit = get_settings().INFERENCE_MAX_QUERY_CHARS
        if len(value) > limit:
            raise ValueError(f"query is {len(value)} characters long; the limit is {limit}")
        return value


class RagRequest(RetrieveRequest):
    stream: bool = Field(False, description="Server-sent events: token events, then sources, then done.")


class RetrieveResponse(BaseModel):
    results: list[RetrievedChunk]


class Source(BaseModel):
    link: str | None
    title: str | None = None
    platform: str | None = None
    publication_date: str | None = None
    author_full_name: str
    score: float


class RagResponse(BaseModel):
    answer: str
    sources: list[Source]


def sources_of(chunks: list[RetrievedChunk]) -> list[Source]:
    return [
        Source(
            link=c.link,
            title=c.title,
            platform=c.platform,
            publication_date=c.publication_date,
            author_full_name=c.author_full_name,
            score=c.score,
        )
        for c in chunks
    ]

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


MAX_PASSAGES_PER_SOURCE = 3
MAX_PASSAGE_CHARS = 300


class Source(BaseModel):
    """One document the answer drew on, listed once, with its best passages (best first)."""

    link: str | None
    title: str | None = None
    platform: str | None = None
    publication_date: str | None = None
    author_full_name: str
    score: float = Field(description="The best score among the document's passages.")
    passages: list[str] = Field(default_factory=list, description="Excerpts of its best passages.")


class RagResponse(BaseModel):
    answer: str
    sources: list[Source]


def sources_of(chunks: list[RetrievedChunk]) -> list[Source]:
    """Each document once (its passages grouped), in the order of its best passage."""
    grouped: dict[str, list[RetrievedChunk]] = {}
    for chunk in chunks:
        grouped.setdefault(chunk.document_id or chunk.link or chunk.id, []).append(chunk)
    sources = []
    for passages in grouped.values():
        best = sorted(passages, key=lambda c: c.score, reverse=True)
        sources.append(
            Source(
                link=best[0].link,
                title=best[0].title,
                platform=best[0].platform,
                publication_date=best[0].publication_date,
                author_full_name=best[0].author_full_name,
                score=best[0].score,
                passages=[_excerpt(c.content) for c in best[:MAX_PASSAGES_PER_SOURCE]],
            )
        )
    return sorted(sources, key=lambda source: source.score, reverse=True)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_PASSAGE_CHARS else text[: MAX_PASSAGE_CHARS - 1].rstrip() + "…"

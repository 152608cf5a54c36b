"""Retrieval parameters: the defaults here are the one source; `RETRIEVAL_*` / `RERANKING_*` settings that are
set override them for the service and the CLI."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from llm_engineering.settings import get_settings


class SearchMethod(StrEnum):
    DENSE = "dense"
    SPARSE = "sparse"
    HYBRID = "hybrid"


class FusionConfig(BaseModel):
    """How Qdrant fuses the dense and the BM25 candidate lists (`prefetch_limit` of each).

    Qdrant's weighted RRF scores a point at rank r (from 1) of a list of weight w as 1 / (r / w + k - 1): with
    the usual k=60 the weights hardly matter; with k=1 it is w / r, so BM25's first hit (2.0) outranks a
    point that is only dense's first (1.0), while agreement of both lists still wins. The defaults are the
    kept by `tuning.tune()` on the question set's 'tuning' part (see docs/scaling.md).
    """

    method: Literal["rrf", "dbsf"] = "rrf"
    prefetch_limit: int = Field(10, ge=1, le=1000)
    rrf_k: int = Field(1, ge=1)
    dense_weight: float = Field(1.0, ge=0.0)
    sparse_weight: float = Field(2.0, ge=0.0)

    @classmethod
    def from_settings(cls) -> FusionConfig:
        s = get_settings()
        return cls(**_set_values({
            "method": s.RETRIEVAL_FUSION,
            "prefetch_limit": s.RETRIEVAL_PREFETCH_LIMIT,
            "rrf_k": s.RETRIEVAL_RRF_K,
            "dense_weight": s.RETRIEVAL_DENSE_WEIGHT,
            "sparse_weight": s.RETRIEVAL_SPARSE_WEIGHT,
        }))  # fmt: skip


class QueryHandling(BaseModel):
    """How a question becomes its BM25 query vector (the dense side reads it as typed): drop the words that
    frame a question, weigh numbers and identifiers more. Query-side only, so a Qdrant server gets the same
    vectors. Off by default: no setting of `tuning.query_handling_grid()` won reliably on the question set's
    'tuning' part (see docs/scaling.md)."""

    drop_question_words: bool = False
    exact_term_weight: float = Field(1.0, ge=0.0)


class RetrievalConfig(BaseModel):
    fusion: FusionConfig = Field(default_factory=FusionConfig)
    query: QueryHandling = Field(default_factory=QueryHandling)
    expand_to_n_queries: int = Field(3, ge=1, le=10)
    self_query_llm: bool = True
    reranking: bool = True
    rerank_candidates: int = Field(20, ge=1, le=200)
    reranker_model_id: str = Field(default_factory=lambda: get_settings().RERANKING_CROSS_ENCODER_MODEL_ID)

    @classmethod
    def from_settings(cls) -> RetrievalConfig:
        s = get_settings()
        return cls(fusion=FusionConfig.from_settings(), **_set_values({
            "expand_to_n_queries": s.RETRIEVAL_EXPAND_TO_N_QUERIES,
            "self_query_llm": s.RETRIEVAL_SELF_QUERY_LLM,
            "reranking": s.RERANKING_ENABLED,
            "rerank_candidates": s.RERANKING_CANDIDATES,
        }))  # fmt: skip


def _set_values(values: dict[str, object]) -> dict[str, object]:
    """The settings that are set; an unset one (None) keeps the model's default."""
    return {name: value for name, value in values.items() if value is not None}

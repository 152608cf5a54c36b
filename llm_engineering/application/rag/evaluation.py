"""Retrieval quality: hit@k and MRR@10 of each search method over a question set, and fusion tuning.

A question carries `answer_key` (a phrase the right chunk contains, compared ignoring case, accents, markup
and spacing) and/or `relevant_links` (the right documents). Queries are encoded once and reused by every
method; expansion and self-query are off so that the figures measure the search itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError, model_validator

from llm_engineering.application.rag.config import FusionConfig, QueryHandling, SearchMethod
from llm_engineering.application.rag.reranking import rerank
from llm_engineering.application.rag.search import QueryVectors, encode_queries, search
from llm_engineering.domain.retrieval import RetrievedChunk

MRR_DEPTH = 10
HIT_KS = (1, 5, 10)
AS_TYPED = QueryHandling(drop_question_words=False, exact_term_weight=1.0)


class EvalQuestion(BaseModel):
    query: str
    answer_key: str | None = None
    relevant_links: list[str] | None = None

    @model_validator(mode="after")
    def _has_a_target(self) -> EvalQuestion:
        if not self.answer_key and not self.relevant_links:
            raise ValueError("a question needs `answer_key` or `relevant_links` to be scored")
        return self


class MethodScores(BaseModel):
    method: str
    questions: int
    hit_at: dict[int, float]
    mrr_at_10: float
    first_hits: list[int | None] = []  # per question, the rank of the first relevant chunk (None: not found)


def load_questions(path: Path) -> dict[str, list[EvalQuestion]]:
    """Parts of a question file: a JSON list (one part, 'all') or an object of lists ('tuning', 'held_out')."""
    if not path.is_file():
        raise FileNotFoundError(f"Question file {path} does not exist.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from error
    parts = (
        {"all": data} if isinstance(data, list) else {k: v for k, v in data.items() if isinstance(v, list)}
    )
    if not parts:
        raise ValueError(f"{path} holds no list of questions (a JSON list, or an object of lists).")
    try:
        return {name: [EvalQuestion.model_validate(item) for item in items] for name, items in parts.items()}
    except ValidationError as error:
        raise ValueError(f"{path}: {error}") from error


def normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[*_`\\]", "", text)
    return " ".join(text.split())


def is_relevant(chunk: RetrievedChunk, question: EvalQuestion) -> bool:
    if question.relevant_links and chunk.link in question.relevant_links:
        return True
    return bool(question.answer_key) and normalize_text(question.answer_key) in normalize_text(chunk.content)


def score_rankings(
    method: str, questions: Sequence[EvalQuestion], rankings: Sequence[Sequence[RetrievedChunk]]
) -> MethodScores:
    first_hits: list[int | None] = []
    for question, ranking in zip(questions, rankings, strict=True):
        rank = next((i for i, chunk in enumerate(ranking, 1) if is_relevant(chunk, question)), None)
        first_hits.append(rank)
    total = max(len(questions), 1)
    return MethodScores(
        method=method,
        questions=len(questions),
        hit_at={k: sum(1 for r in first_hits if r is not None and r <= k) / total for k in HIT_KS},
        mrr_at_10=sum(1.0 / r for r in first_hits if r is not None and r <= MRR_DEPTH) / total,
        first_hits=first_hits,
    )


def rank_all(
    vectors: Sequence[QueryVectors], method: SearchMethod, fusion: FusionConfig, limit: int = MRR_DEPTH
) -> list[list[RetrievedChunk]]:
    return [search(v, method, limit, fusion) for v in vectors]


def evaluate_methods(
    questions: Sequence[EvalQuestion],
    fusion: FusionConfig,
    reranker_model_id: str | None = None,
    rerank_candidates: int = 20,
    handling: QueryHandling | None = None,
) -> tuple[list[MethodScores], str | None]:
    """Scores of dense, sparse, sparse-as-typed (BM25 without the query handling), naive-rrf (equal
    weights, k=60: the untuned baseline), hybrid (`fusion`) and, when the reranker loads, hybrid+rerank;
    plus why rerank was skipped, if it was."""
    texts = [q.query for q in questions]
    vectors = encode_queries(texts, handling)
    results = [
        score_rankings(method.value, questions, rank_all(vectors, method, fusion))
        for method in (SearchMethod.DENSE, SearchMethod.SPARSE, SearchMethod.HYBRID)
    ]
    if (handling or QueryHandling()) != AS_TYPED:  # BM25 on the question as typed, for comparison
        as_typed = rank_all(encode_queries(texts, AS_TYPED), SearchMethod.SPARSE, fusion)
        results.insert(2, score_rankings("sparse-as-typed", questions, as_typed))
    naive = FusionConfig(method="rrf", rrf_k=60, dense_weight=1.0, sparse_weight=1.0)
    naive_rankings = rank_all(
        vectors, SearchMethod.HYBRID, naive.model_copy(update={"prefetch_limit": fusion.prefetch_limit})
    )
    results.insert(len(results) - 1, score_rankings("naive-rrf", questions, naive_rankings))
    if not reranker_model_id:
        return results, "no reranker configured"
    pools = rank_all(vectors, SearchMethod.HYBRID, fusion, limit=max(rerank_candidates, MRR_DEPTH))
    reranked = []
    for question, pool in zip(questions, pools, strict=True):
        ranking = rerank(question.query, pool, reranker_model_id, MRR_DEPTH)
        if ranking is None:
            return results, f"reranker '{reranker_model_id}' unavailable (see the log)"
        reranked.append(ranking)
    results.append(score_rankings("hybrid+rerank", questions, reranked))
    return results, None

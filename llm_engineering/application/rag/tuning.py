"""Choosing the query handling and the fusion on a question set's 'tuning' part.

Two stages: every query handling of `query_handling_grid()` with the current fusion, then every fusion of
`fusion_grid()` with the handling kept. Candidates rank by hit@5 (the service puts the top 5 passages in the
prompt: what matters is that the right one is among them), then MRR@10. The best replaces the current
setting only when it wins reliably: in at least 95% of paired bootstrap resamples of the questions. On a
hundred questions one question is 0.01 of hit@5, and a setting that wins by one or two questions on tuning
is as likely to lose on other questions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from pydantic import BaseModel

from llm_engineering.application.rag.config import FusionConfig, QueryHandling, SearchMethod
from llm_engineering.application.rag.evaluation import (
    MRR_DEPTH,
    EvalQuestion,
    MethodScores,
    rank_all,
    score_rankings,
)
from llm_engineering.application.rag.search import encode_queries

Setting = TypeVar("Setting", QueryHandling, FusionConfig)
RESAMPLES = 2000
CONFIDENCE = 0.95


def query_handling_grid() -> list[QueryHandling]:
    """Question words kept or dropped from the BM25 query, exact-term weights 1-3."""
    return [
        QueryHandling(drop_question_words=drop, exact_term_weight=weight)
        for drop, weight in itertools.product((False, True), (1.0, 1.5, 2.0, 3.0))
    ]


def fusion_grid() -> list[FusionConfig]:
    """Every fusion setting tried, all native to Qdrant (a server ranks the same): weighted RRF over the BM25
    weight, k and the candidates a side; and DBSF over the candidates a side."""
    weights = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0)
    grid = [
        FusionConfig(method="rrf", sparse_weight=w, dense_weight=1.0, rrf_k=k, prefetch_limit=p)
        for w, k, p in itertools.product(weights, (1, 2, 3, 5, 10, 60), (5, 10, 15, 20, 40))
    ]
    grid += [FusionConfig(method="dbsf", prefetch_limit=p) for p in (5, 10, 20, 40, 80)]
    return grid


class Candidate(BaseModel):
    handling: QueryHandling
    fusion: FusionConfig
    scores: MethodScores


class Stage(BaseModel):
    """One stage: the candidates best first, the current setting's scores, and what was kept."""

    ranked: list[Candidate]
    current: Candidate
    chosen: Candidate
    win_share: float  # the best candidate's share of resamples won against the current setting


class TuningResult(BaseModel):
    handling: Stage
    fusion: Stage


def win_share(candidate: MethodScores, baseline: MethodScores, resamples: int = RESAMPLES) -> float:
    """The share of paired bootstrap resamples of the questions in which `candidate` ranks above
    `baseline` by (hit@5, MRR@10); a tie counts as half a win."""
    c_hit, c_rr = _per_question(candidate)
    b_hit, b_rr = _per_question(baseline)
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(c_hit), size=(resamples, len(c_hit)))
    hit_delta = (c_hit[picks] - b_hit[picks]).sum(axis=1)
    rr_delta = (c_rr[picks] - b_rr[picks]).sum(axis=1)
    wins = (hit_delta > 0) | ((hit_delta == 0) & (rr_delta > 1e-12))
    ties = (hit_delta == 0) & (np.abs(rr_delta) <= 1e-12)
    return float((wins.sum() + 0.5 * ties.sum()) / resamples)


def _per_question(scores: MethodScores) -> tuple[np.ndarray, np.ndarray]:
    ranks = [r if r is not None and r <= MRR_DEPTH else None for r in scores.first_hits]
    hit = np.array([1.0 if r is not None and r <= 5 else 0.0 for r in ranks])
    reciprocal = np.array([1.0 / r if r is not None else 0.0 for r in ranks])
    return hit, reciprocal


def tune(questions: Sequence[EvalQuestion], handling: QueryHandling, fusion: FusionConfig) -> TuningResult:
    """Both stages on `questions`, starting from the current `handling` and `fusion`."""
    texts = [q.query for q in questions]

    def run(candidate_handling: QueryHandling, vectors: list, candidate_fusion: FusionConfig) -> Candidate:
        rankings = rank_all(vectors, SearchMethod.HYBRID, candidate_fusion)
        scores = score_rankings("hybrid", questions, rankings)
        return Candidate(handling=candidate_handling, fusion=candidate_fusion, scores=scores)

    handlings = _unique([handling, *query_handling_grid()])
    first = [run(h, encode_queries(texts, h), fusion) for h in handlings]
    handling_stage = _stage(first)
    kept = handling_stage.chosen.handling
    vectors = encode_queries(texts, kept)
    second = [run(kept, vectors, f) for f in _unique([fusion, *fusion_grid()])]
    return TuningResult(handling=handling_stage, fusion=_stage(second))


def _unique(settings: list[Setting]) -> list[Setting]:
    """The settings in order, each once (the current one first, even when the grid holds it too)."""
    seen: dict[str, Setting] = {}
    for setting in settings:
        seen.setdefault(setting.model_dump_json(), setting)
    return list(seen.values())


def _stage(candidates: list[Candidate]) -> Stage:
    """`candidates[0]` is the current setting."""
    current = candidates[0]
    ranked = sorted(candidates, key=lambda c: (c.scores.hit_at[5], c.scores.mrr_at_10), reverse=True)
    share = win_share(ranked[0].scores, current.scores)
    chosen = ranked[0] if share >= CONFIDENCE else current
    return Stage(ranked=ranked, current=current, chosen=chosen, win_share=share)

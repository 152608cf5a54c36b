"""Retrieval quality on real articles of the shared export (CI always has ../shared; skipped elsewhere).

A slice of the 76 articles (the ones holding the answers of some project questions) goes through the real
feature pipeline into Qdrant local mode; the tuned hybrid search must find every answer in the top 10
(nearly all in the top 5) and rank better than dense search and than untuned equal-weight RRF. On so small
a corpus BM25 alone is level with it (within one rank of one question); the full-set comparison, where
hybrid beats both, comes from `poetry poe eval-retrieval`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_engineering.application.rag.config import FusionConfig
from llm_engineering.application.rag.evaluation import evaluate_methods, load_questions, normalize_text
from tests.support.rag import index_authors
from tools.data_warehouse import import_from_json

ROOT = Path(__file__).resolve().parents[3]
SLICE_LINK_PARTS = (
    "want-to-learn-an-end-to-end-framewor",
    "dml-4-key-ideas-you-must-know-to",
    "real-time-feature-pipelines-with",
    "the-ultimate-mlops-tool",
    "dml-top-6-ml-platform-features-you",
    "efficiently-iterating-over-rows-i",
    "dml-chain-of-thought-reasoning-write",
    "dml-why-and-when-do-you-need-to-fine",
    "reduce-your-pytorchs-code-latency",
    "introduction-to-linear-programmin",
    "constraint-programming-67ac16fa0c",
)


@pytest.mark.shared
@pytest.mark.slow
def test_tuned_hybrid_search_beats_dense_and_matches_bm25_on_real_articles(
    stores: Path, shared_warehouse_dir: Path
) -> None:
    articles = json.loads((shared_warehouse_dir / "ArticleDocument.json").read_text(encoding="utf-8"))
    kept = [a for a in articles if any(part in a["link"] for part in SLICE_LINK_PARTS)]
    assert len(kept) == len(SLICE_LINK_PARTS)
    export = stores / "export"
    export.mkdir()
    (export / "ArticleDocument.json").write_text(json.dumps(kept), encoding="utf-8")
    (export / "UserDocument.json").write_bytes((shared_warehouse_dir / "UserDocument.json").read_bytes())
    import_from_json(export)
    index_authors(stores, ["Maxime Labonne", "Paul Iusztin"])

    texts = [normalize_text(a["content"]["Content"]) for a in kept]
    parts = load_questions(ROOT / "benchmarks" / "retrieval_questions.json")
    questions = [
        q
        for part in parts.values()
        for q in part
        if any(normalize_text(q.answer_key or "") in t for t in texts)
    ]
    assert len(questions) >= 10

    scores, _ = evaluate_methods(questions, FusionConfig())
    by_method = {s.method: s for s in scores}
    hybrid = by_method["hybrid"]
    assert hybrid.hit_at[10] == 1.0 and hybrid.hit_at[5] >= 0.9, scores
    assert hybrid.mrr_at_10 >= by_method["naive-rrf"].mrr_at_10, scores
    assert hybrid.mrr_at_10 > by_method["dense"].mrr_at_10, scores

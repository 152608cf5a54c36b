"""The reranker: a real (tiny) cross-encoder folder reorders passages; an unavailable model is said once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from loguru import logger

from llm_engineering.application.networks.reranker import RerankerUnavailable, get_reranker
from llm_engineering.application.rag.reranking import rerank, reranker_status, reset_reranker_state
from llm_engineering.domain.retrieval import RetrievedChunk


@pytest.fixture(autouse=True)
def fresh_reranker_state() -> Iterator[None]:
    reset_reranker_state()
    yield
    reset_reranker_state()


def chunks(*texts: str) -> list[RetrievedChunk]:
    return [
        RetrievedChunk(
            id=str(i), content=t, author_full_name="A", document_id="d", category="articles", score=0.0
        )
        for i, t in enumerate(texts)
    ]


def test_rerank_orders_by_the_cross_encoder_scores(tiny_cross_encoder: Path) -> None:
    from sentence_transformers import CrossEncoder

    passages = chunks("the graph layer", "quantization of weights to bits", "what is a token", "the model")
    query = "how quantization works"
    ranked = rerank(query, passages, str(tiny_cross_encoder), keep=3)
    assert ranked is not None and len(ranked) == 3
    expected = CrossEncoder(str(tiny_cross_encoder)).predict([(query, c.content) for c in passages])
    order = sorted(range(len(passages)), key=lambda i: expected[i], reverse=True)[:3]
    assert [c.id for c in ranked] == [str(i) for i in order]
    assert [c.score for c in ranked] == pytest.approx([float(expected[i]) for i in order], abs=1e-5)
    assert reranker_status(str(tiny_cross_encoder)) == "loaded"


def test_an_unavailable_reranker_is_said_once_and_retrieval_goes_on(tmp_path: Path) -> None:
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="WARNING")
    try:
        model_id = "nobody/not-a-cached-cross-encoder"  # the hub is offline in tests (HF_HUB_OFFLINE=1)
        assert rerank("q", chunks("a", "b"), model_id, keep=1) is None
        assert rerank("q", chunks("a", "b"), model_id, keep=1) is None
    finally:
        logger.remove(sink)
    said = [m for m in messages if "Reranking is off" in m]
    assert len(said) == 1 and model_id in said[0] and "RERANKING_ENABLED=false" in said[0]
    assert reranker_status(model_id).startswith("unavailable")


def test_a_broken_reranker_folder_names_the_folder(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(RerankerUnavailable, match=str(tmp_path)):
        get_reranker(str(tmp_path)).score("q", ["p"])

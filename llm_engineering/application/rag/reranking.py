"""Reranking of fused candidates with a cross-encoder, skipped (said once per model) when it cannot load."""

from __future__ import annotations

import threading

from loguru import logger

from llm_engineering.application.networks.reranker import RerankerUnavailable, get_reranker
from llm_engineering.domain.retrieval import RetrievedChunk
from llm_engineering.settings import get_settings

_unavailable: dict[str, str] = {}
_lock = threading.Lock()


def reranker_status(model_id: str) -> str:
    """'not loaded yet', 'loaded', or why it is unavailable."""
    if model_id in _unavailable:
        return f"unavailable: {_unavailable[model_id]}"
    return (
        "loaded"
        if get_reranker(model_id, get_settings().RAG_MODEL_DEVICE)._model is not None
        else "not loaded yet"
    )


def reset_reranker_state() -> None:
    _unavailable.clear()
    get_reranker.cache_clear()


def rerank(query: str, chunks: list[RetrievedChunk], model_id: str, keep: int) -> list[RetrievedChunk] | None:
    """The `keep` best chunks by cross-encoder score, or None when the reranker is unavailable (logged once)."""
    if model_id in _unavailable:
        return None
    reranker = get_reranker(model_id, get_settings().RAG_MODEL_DEVICE)
    try:
        scores = reranker.score(query, [chunk.content for chunk in chunks])
    except RerankerUnavailable as error:
        with _lock:
            if model_id not in _unavailable:
                _unavailable[model_id] = str(error)
                logger.warning(f"Reranking is off: {error}")
        return None
    ranked = sorted(zip(chunks, scores, strict=True), key=lambda pair: pair[1], reverse=True)
    return [chunk.model_copy(update={"score": score}) for chunk, score in ranked[:keep]]

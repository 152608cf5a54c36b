"""Fixtures of the RAG tests: a tiny cross-encoder built from a config, a small indexed corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.rag import build_tiny_cross_encoder, index_authors


@pytest.fixture(scope="session")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("tiny-cross-encoder"))


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Our small corpus through the real feature pipeline into an embedded warehouse and a Qdrant local store,
    shared by one test module (read-only for its tests)."""
    from llm_engineering.application.rag.self_query import reset_authors_cache
    from tests.fixtures.rag.corpus import load_corpus
    from tests.support.stores import reset_stores

    root = tmp_path_factory.mktemp("rag-stores")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_HOST", str(root / "warehouse"))
        patch.setenv("DATABASE_NAME", "twin_rag_test")
        patch.setenv("QDRANT_DATABASE_HOST", str(root / "qdrant"))
        patch.setenv("USE_QDRANT_CLOUD", "false")
        patch.setenv("RERANKING_ENABLED", "false")
        reset_stores()
        reset_authors_cache()
        index_authors(root, load_corpus())
        yield root
        reset_stores()
        reset_authors_cache()

"""Fixtures of the RAG tests: a tiny cross-encoder built from a config, a small indexed corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

TINY_VOCAB = [
    "the",
    "a",
    "of",
    "is",
    "to",
    "and",
    "in",
    "what",
    "how",
    "model",
    "quantization",
    "graph",
    "bits",
    "weights",
    "layer",
    "token",
    "tokens",
]


def build_tiny_cross_encoder(folder: Path) -> Path:
    """A randomly initialised one-layer BERT sequence classifier (one label) with a locally built tokenizer."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *TINY_VOCAB]), encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=256,
        num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def run_feature_pipeline(folder: Path, authors: list[str]) -> None:
    """The real feature pipeline (ZenML, in this process) over the authors' warehouse documents."""
    import yaml

    from pipelines.feature_engineering import feature_engineering

    config = folder / "features.yaml"
    config.write_text(yaml.safe_dump({"parameters": {"author_full_names": authors}}), encoding="utf-8")
    feature_engineering.with_options(config_path=str(config))()


@pytest.fixture(scope="session")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("tiny-cross-encoder"))


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Our small corpus through the real feature pipeline into an embedded warehouse and a Qdrant local store,
    shared by one test module (read-only for its tests)."""
    from llm_engineering.application.rag.self_query import reset_authors_cache
    from tests.conftest import _reset_all
    from tests.fixtures.rag.corpus import load_corpus

    root = tmp_path_factory.mktemp("rag-stores")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_HOST", str(root / "warehouse"))
        patch.setenv("DATABASE_NAME", "twin_rag_test")
        patch.setenv("QDRANT_DATABASE_HOST", str(root / "qdrant"))
        patch.setenv("USE_QDRANT_CLOUD", "false")
        patch.setenv("RERANKING_ENABLED", "false")
        _reset_all()
        reset_authors_cache()
        run_feature_pipeline(root, load_corpus())
        yield root
        _reset_all()
        reset_authors_cache()

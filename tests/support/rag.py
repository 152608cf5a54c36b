"""The RAG tests' tiny cross-encoder (built from a config, no download) and indexing through the pipeline."""

from __future__ import annotations

from pathlib import Path

from tests.support.pipelines import run_pipeline_with

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


def index_authors(folder: Path, authors: list[str]) -> None:
    """The real feature pipeline (ZenML, in this process) over the authors' warehouse documents."""
    from pipelines.feature_engineering import feature_engineering

    run_pipeline_with(feature_engineering, folder, {"author_full_names": authors})

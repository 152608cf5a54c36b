"""Benchmark the feature pipeline against the embedding model alone, on the real warehouse export.

    python -m tools.bench_features [--data-dir DIR] [--batch-size N] [--chunks N] [--pipeline-only]

Everything runs in a temp folder: ZenML gets its own config and stores there (set before ZenML is imported,
so the user's ZenML is never touched), with a fresh embedded warehouse and a fresh local Qdrant loaded with
the export. The model is loaded and warmed up first, and ZenML's store is initialised before the run is
timed, so one-off start-up costs count in no figure. Then:
- pipeline: the `feature_engineering` ZenML pipeline, run as users run it (steps, artifacts, metadata,
  dense and BM25 sparse vectors written to Qdrant);
- rerun: the same pipeline again, with nothing changed (what an incremental run with nothing to do costs);
- encode: the same model encoding the very same chunk texts (read back from Qdrant) in one call with the
  same batch size, in the same process; and in the same slices the pipeline encodes. The faster of the two
  is the baseline. `sparse_s` is the BM25 encoding of the same texts alone (part of the pipeline's work).
The goal is a pipeline that costs barely more than the encoding: ratio <= 1.15 on our 2-core machines.
The last line is machine-readable: `pipeline_s=<s> encode_s=<s> ratio=<r> chunks_per_s=<n>`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from tools.bench_support import isolate_zenml

SHARED_DIR = Path(os.environ.get("LLM_TWIN_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
DEFAULT_DATA_DIR = SHARED_DIR / "data" / "handbook" / "data_warehouse_raw_data"


def parse_args() -> argparse.Namespace:
    from llm_engineering.application.preprocessing.config import DEFAULT_BATCH_SIZE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder with <Class>.json files"
    )
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="embedding batch size")
    parser.add_argument(
        "--pipeline-only", action="store_true", help="time the pipeline run alone (no re-run, no baseline)"
    )
    parser.add_argument(
        "--chunks", type=int, default=None, help="about this many chunks (fewer articles, or more copies)"
    )
    return parser.parse_args()


def use_temp_stores(folder: Path) -> None:
    """Point the warehouse and Qdrant at fresh stores in `folder`, closing any previous connection."""
    from llm_engineering.infrastructure.db.mongo import reset_connections
    from llm_engineering.infrastructure.db.qdrant import reset_qdrant_client
    from llm_engineering.settings import get_settings

    reset_qdrant_client()
    reset_connections()
    os.environ["DATABASE_HOST"] = str(folder / "warehouse")
    os.environ["DATABASE_NAME"] = "bench"
    os.environ["QDRANT_DATABASE_HOST"] = str(folder / "qdrant")
    os.environ["USE_QDRANT_CLOUD"] = "false"
    get_settings.cache_clear()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="llm-twin-bench-features-"))
    isolate_zenml(folder)
    args = parse_args()
    if not args.data_dir.is_dir():
        raise SystemExit(f"{args.data_dir} is not a folder; pass --data-dir with the warehouse export.")
    data_dir = args.data_dir
    if args.chunks:
        from tools.bench_warehouse import scaled_export

        data_dir = folder / "export"
        articles, chunks = scaled_export(args.data_dir, args.chunks, data_dir)
        print(
            f"Export for {args.chunks} chunks: {articles} articles, {chunks} chunks when chunked.", flush=True
        )
    try:
        run_benchmark(folder, data_dir, args.batch_size, args.pipeline_only)
    finally:
        from llm_engineering.infrastructure.db.mongo import reset_connections
        from llm_engineering.infrastructure.db.qdrant import reset_qdrant_client

        reset_qdrant_client()
        reset_connections()
        shutil.rmtree(folder, ignore_errors=True)


def stored_chunk_texts() -> list[tuple[str, int]]:
    from llm_engineering.domain.documents import DOCUMENT_CATEGORIES
    from llm_engineering.domain.embedded_chunks import EmbeddedChunk

    return [
        (chunk.content, chunk.metadata["token_count"])
        for category in DOCUMENT_CATEGORIES
        for chunk in EmbeddedChunk.scroll(category=category)
    ]


def encoded_texts(tokenizer: object) -> list[str]:
    """What the feature pipeline encoded for the stored chunks: each chunk's text, then each passage's."""
    from llm_engineering.application.preprocessing.dispatchers import embedding_inputs
    from llm_engineering.domain.documents import DOCUMENT_CATEGORIES
    from llm_engineering.domain.embedded_chunks import EmbeddedChunk

    stored = [chunk for category in DOCUMENT_CATEGORIES for chunk in EmbeddedChunk.scroll(category=category)]
    texts, passages = embedding_inputs(stored, tokenizer)
    return texts + [text for group in passages for text in group]


def run_zenml_pipeline(folder: Path, authors: list[str], batch_size: int) -> tuple[float, str]:
    from zenml.client import Client

    from pipelines.feature_engineering import feature_engineering
    from tools.pipeline_config import run_with_config

    client = Client()
    client.active_stack_model  # noqa: B018 - initialise the store and default stack outside the timing
    config = folder / "features.yaml"
    names = ", ".join(f'"{author}"' for author in authors)
    config.write_text(
        f"parameters:\n  author_full_names: [{names}]\n  batch_size: {batch_size}\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    run = run_with_config(feature_engineering, config)
    seconds = time.perf_counter() - started
    status = str(client.get_pipeline_run(run.id).status)
    if status != "completed":
        raise SystemExit(f"The ZenML run ended {status}.")
    return seconds, status


def run_benchmark(folder: Path, data_dir: Path, batch_size: int, pipeline_only: bool = False) -> None:
    import torch

    from llm_engineering.application.networks.embeddings import get_embedding_model
    from llm_engineering.application.networks.sparse import get_sparse_encoder
    from llm_engineering.application.preprocessing.dispatchers import ENCODE_SLICE_SIZE
    from llm_engineering.domain.documents import UserDocument
    from tools.data_warehouse import import_from_json

    model = get_embedding_model()
    model.encode(["warm-up: load the weights and run one batch"] * batch_size, batch_size=batch_size)
    get_sparse_encoder().encode_document("warm-up")

    # 1. the ZenML pipeline on fresh stores, then again with nothing changed
    use_temp_stores(folder / "stores")
    import_from_json(data_dir)
    authors = [user.full_name for user in UserDocument.bulk_find()]
    pipeline_s, _ = run_zenml_pipeline(folder, authors, batch_size)
    chunks = stored_chunk_texts()
    if pipeline_only:
        print(f"chunks={len(chunks)} pipeline_s={pipeline_s:.2f} chunks_per_s={len(chunks) / pipeline_s:.1f}")
        return
    rerun_s, _ = run_zenml_pipeline(folder, authors, batch_size)
    if stored_chunk_texts() != chunks:
        raise SystemExit("The re-run with nothing changed changed the stored chunks.")

    # 2. the model alone on the very texts the pipeline encodes (each chunk with its title, and its passages):
    # one call, and longest-first slices like the pipeline's; the baseline is the faster, so the ratio is the
    # pipeline's true overhead.
    texts = encoded_texts(model.tokenizer)
    started = time.perf_counter()
    model.encode(texts, batch_size=batch_size)
    one_call_s = time.perf_counter() - started
    by_length = sorted(texts, key=len, reverse=True)
    started = time.perf_counter()
    for start in range(0, len(by_length), ENCODE_SLICE_SIZE):
        model.encode(by_length[start : start + ENCODE_SLICE_SIZE], batch_size=batch_size)
    sliced_s = time.perf_counter() - started
    encode_s = min(one_call_s, sliced_s)
    started = time.perf_counter()
    get_sparse_encoder().encode_documents([text for text, _ in chunks])
    sparse_s = time.perf_counter() - started

    n = len(chunks)
    documents = sum(1 for _ in stored_document_ids())
    print(
        f"Feature pipeline benchmark: {documents} documents by {len(authors)} authors, {n} chunks, "
        f"{model.model_id}, batch size {batch_size}, {torch.get_num_threads()} torch threads"
    )
    print(
        f"  ZenML pipeline run (steps, artifacts, metadata; dense, passage, BM25 vectors): {pipeline_s:.2f} s"
    )
    print(f"  ZenML pipeline re-run, nothing changed: {rerun_s:.2f} s")
    print(f"  encode only, one call ({len(texts)} texts: {n} chunks and their passages): {one_call_s:.2f} s")
    print(
        f"  encode only, the pipeline's slices ({ENCODE_SLICE_SIZE} chunks, longest first): {sliced_s:.2f} s"
    )
    print(f"  BM25 sparse encoding alone (the same chunks): sparse_s={sparse_s:.2f}")
    print(
        f"pipeline_s={pipeline_s:.2f} encode_s={encode_s:.2f} ratio={pipeline_s / encode_s:.3f} "
        f"chunks_per_s={n / pipeline_s:.1f}"
    )


def stored_document_ids() -> list[str]:
    from llm_engineering.domain.cleaned_documents import CleanedDocument
    from llm_engineering.domain.documents import DOCUMENT_CATEGORIES

    return [str(d.id) for c in DOCUMENT_CATEGORIES for d in CleanedDocument.scroll(payload=False, category=c)]


if __name__ == "__main__":
    main()

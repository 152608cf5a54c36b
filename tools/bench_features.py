"""Benchmark the feature pipeline against the embedding model alone, on the real warehouse export.

    python -m tools.bench_features [--data-dir DIR] [--batch-size N]

The export is loaded into a fresh embedded warehouse and a fresh local Qdrant in a temp folder. The model is
loaded and warmed up first, so its load time counts in neither figure. Then:
- pipeline: `run_feature_engineering` (query, clean, chunk, embed, load into Qdrant), called directly: the
  ZenML step and artifact overhead is not part of it;
- encode: the same model encoding the very same chunk texts (read back from Qdrant) in one call with the
  same batch size, in the same process; and, for reference, in the same slices the pipeline encodes.
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

DEFAULT_DATA_DIR = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "handbook" / "data_warehouse_raw_data"
)


def parse_args() -> argparse.Namespace:
    from llm_engineering.application.preprocessing.config import DEFAULT_BATCH_SIZE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder with <Class>.json files"
    )
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="embedding batch size")
    return parser.parse_args()


def use_temp_stores(folder: Path) -> None:
    """Point the warehouse and Qdrant at `folder` (read on first use, so before anything connects)."""
    os.environ["DATABASE_HOST"] = str(folder / "warehouse")
    os.environ["DATABASE_NAME"] = "bench"
    os.environ["QDRANT_DATABASE_HOST"] = str(folder / "qdrant")
    os.environ["USE_QDRANT_CLOUD"] = "false"


def main() -> None:
    args = parse_args()
    if not args.data_dir.is_dir():
        raise SystemExit(f"{args.data_dir} is not a folder; pass --data-dir with the warehouse export.")
    folder = Path(tempfile.mkdtemp(prefix="llm-twin-bench-features-"))
    use_temp_stores(folder)
    try:
        run_benchmark(args.data_dir, args.batch_size)
    finally:
        from llm_engineering.infrastructure.db.mongo import reset_connections
        from llm_engineering.infrastructure.db.qdrant import reset_qdrant_client

        reset_qdrant_client()
        reset_connections()
        shutil.rmtree(folder, ignore_errors=True)


def run_benchmark(data_dir: Path, batch_size: int) -> None:
    import torch

    from llm_engineering.application.networks.embeddings import get_embedding_model
    from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
    from llm_engineering.application.preprocessing.dispatchers import ENCODE_SLICE_SIZE
    from llm_engineering.application.preprocessing.feature_engineering import run_feature_engineering
    from llm_engineering.domain.documents import UserDocument
    from llm_engineering.domain.embedded_chunks import EMBEDDED_CHUNK_CLASSES
    from tools.data_warehouse import import_from_json

    import_from_json(data_dir)
    authors = [user.full_name for user in UserDocument.bulk_find()]
    model = get_embedding_model()
    model.encode(["warm-up: load the weights and run one batch"] * batch_size, batch_size=batch_size)

    report = run_feature_engineering(authors, FeatureEngineeringConfig(batch_size=batch_size), model)
    pipeline_s = report.timings_s["total"]
    chunks = [chunk for cls in EMBEDDED_CHUNK_CLASSES.values() for chunk in cls.find_all()]
    if len(chunks) != report.chunks:
        raise SystemExit(f"Qdrant holds {len(chunks)} chunks but the run embedded {report.chunks}.")
    texts = [chunk.content for chunk in chunks]

    started = time.perf_counter()
    model.encode(texts, batch_size=batch_size)
    one_call_s = time.perf_counter() - started

    # The pipeline encodes longest-first in slices (so the writer thread gets work early); that alone is
    # faster here than one call, so time the same slicing too: the pipeline's own overhead is against it.
    by_length = [c.content for c in sorted(chunks, key=lambda c: -c.metadata["token_count"])]
    started = time.perf_counter()
    for start in range(0, len(by_length), ENCODE_SLICE_SIZE):
        model.encode(by_length[start : start + ENCODE_SLICE_SIZE], batch_size=batch_size)
    sliced_s = time.perf_counter() - started

    # The baseline is the fastest way found to encode these texts with the model alone, so the ratio is
    # the pipeline's true overhead and cannot look better than it is.
    encode_s = min(one_call_s, sliced_s)
    ratio = pipeline_s / encode_s
    chunks_per_s = report.chunks / pipeline_s
    stages = ", ".join(
        f"{name} {seconds:.2f}" for name, seconds in report.timings_s.items() if name != "total"
    )
    print(
        f"Feature pipeline benchmark: {report.documents} documents by {len(authors)} authors, {report.chunks} "
        f"chunks, {model.model_id}, batch size {batch_size}, {torch.get_num_threads()} torch threads"
    )
    print(f"  pipeline (run_feature_engineering called directly, no ZenML): {pipeline_s:.2f} s  [{stages}]")
    print(
        f"  encode only (the same {len(texts)} chunk texts, one call, same model and batch size): {one_call_s:.2f} s"
    )
    print(
        f"  encode only in the pipeline's slices ({ENCODE_SLICE_SIZE} chunks, longest first): {sliced_s:.2f} s "
        f"-> pipeline overhead {pipeline_s / sliced_s - 1:+.1%}"
    )
    print(
        f"  ratio {ratio:.3f} against the faster encode-only time (goal <= 1.15), {chunks_per_s:.1f} chunks/s"
    )
    print(
        f"pipeline_s={pipeline_s:.2f} encode_s={encode_s:.2f} ratio={ratio:.3f} chunks_per_s={chunks_per_s:.1f}"
    )


if __name__ == "__main__":
    main()

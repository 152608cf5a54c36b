"""Retrieval latency: p50/p95 of POST /retrieve over HTTP and of the retrieval module in process, one after
the other (interleaved per query), with the time of one raw query encoding (the dense embedding) measured in
the same run.

    poetry poe bench-rag [--questions benchmarks/retrieval_questions.json] [--rounds 2]
    poetry poe bench-rag --scale 1410,10000,50000 [--compare-qdrant 5]

Without --scale it measures the configured feature store (the feature pipeline run once). With --scale it
builds its own stores in a temp folder: the shared articles through the feature pipeline (the real chunks,
1,410 with the default settings), then, for each larger size, chunks derived from those real ones (see
tools/bench_corpus.py), and prints one line per size:
`chunks=N p50_ms=X p95_ms=Y encode_ms=Z ratio=R` (p50/p95 of /retrieve over HTTP, the median encoding, and
p95 / encoding). `--compare-qdrant N` also times N hybrid searches answered by Qdrant's own local-mode
scoring (the in-process index switched off) at each size. The service runs in this process on an ephemeral
loopback port; the teacher LLM is left out (no expansion, no LLM self-query) so that the figures measure
retrieval itself. Goal: p95 within 3x one query encoding at 1,410 chunks and within 5x at 50,000.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tools.bench_support import isolate_zenml


def percentile(samples_ms: list[float], share: float) -> float:
    ordered = sorted(samples_ms)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(samples_ms: list[float]) -> str:
    return (
        f"p50 {statistics.median(samples_ms):7.1f} ms  p95 {percentile(samples_ms, 0.95):7.1f} ms  "
        f"(n={len(samples_ms)})"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path("benchmarks/retrieval_questions.json"))
    parser.add_argument("--rounds", type=int, default=2, help="Passes over the questions per measurement.")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--scale", help="Comma-separated corpus sizes, e.g. 1410,10000,50000.")
    parser.add_argument("--compare-qdrant", type=int, default=0, help="Searches timed without the index.")
    parser.add_argument("--data-dir", type=Path, default=None, help="Warehouse export for --scale.")
    return parser.parse_args()


def measure(queries: list[str], k: int) -> dict[str, list[float]]:
    """Encoding, in-process retrieval and /retrieve over HTTP, interleaved per query, never concurrent: a
    change of machine load over the run hits all three alike."""
    import httpx

    from llm_engineering.application.networks.embeddings import get_embedding_model
    from llm_engineering.application.rag.config import RetrievalConfig
    from llm_engineering.application.rag.retriever import ContextRetriever
    from llm_engineering.interfaces.app import create_app
    from llm_engineering.interfaces.server import serve_in_thread
    from llm_engineering.interfaces.service import RagService
    from llm_engineering.model.inference.resolution import GeneratorChoice

    config = RetrievalConfig.from_settings().model_copy(update={"expand_to_n_queries": 1})
    retriever = ContextRetriever(config, llm=None)
    started = time.perf_counter()
    retriever.search(queries[0], k=k)  # loads the models and the store's index before timing anything
    samples: dict[str, list[float]] = {"warm_up": [(time.perf_counter() - started) * 1000]}
    model = get_embedding_model()
    service = RagService(
        retriever=retriever, choice=GeneratorChoice(kind="none", location=None, description="not used")
    )
    for name in ("encoding", "in_process", "over_http"):
        samples[name] = []
    with serve_in_thread(create_app(service)) as url, httpx.Client(base_url=url, timeout=120) as client:
        client.post("/retrieve", json={"query": queries[0], "k": k}).raise_for_status()
        for query in queries:
            for name, call in (
                ("encoding", lambda q=query: model.encode([q])),
                ("in_process", lambda q=query: retriever.search(q, k=k)),
                (
                    "over_http",
                    lambda q=query: client.post("/retrieve", json={"query": q, "k": k}).raise_for_status(),
                ),
            ):
                start = time.perf_counter()
                call()
                samples[name].append((time.perf_counter() - start) * 1000)
    samples["reranking"] = [1.0 if config.reranking else 0.0]
    return samples


def qdrant_own_scoring_ms(queries: list[str], k: int) -> list[float]:
    """Hybrid searches answered by Qdrant's local-mode scoring, the in-process index switched off."""
    from llm_engineering.application.rag.config import FusionConfig, SearchMethod
    from llm_engineering.application.rag.search import encode_queries, search
    from llm_engineering.infrastructure.db.qdrant import get_qdrant_client

    client = get_qdrant_client()
    vectors = encode_queries(queries)
    client.use_search_index = False
    try:
        timings = []
        for vector in vectors:
            start = time.perf_counter()
            search(vector, SearchMethod.HYBRID, k, FusionConfig.from_settings())
            timings.append((time.perf_counter() - start) * 1000)
        return timings
    finally:
        client.use_search_index = True


def scale_line(chunks: int, samples: dict[str, list[float]]) -> str:
    encode = statistics.median(samples["encoding"])
    p95 = percentile(samples["over_http"], 0.95)
    return (
        f"chunks={chunks} p50_ms={statistics.median(samples['over_http']):.1f} p95_ms={p95:.1f} "
        f"encode_ms={encode:.1f} ratio={p95 / encode:.2f}"
    )


def run_scales(args: argparse.Namespace, queries: list[str], sizes: list[int]) -> None:
    from tools.bench_corpus import check_derived_vectors, grow_to, read_real_chunks
    from tools.bench_features import DEFAULT_DATA_DIR, run_zenml_pipeline, use_temp_stores

    folder = Path(tempfile.mkdtemp(prefix="llm-twin-bench-rag-"))
    isolate_zenml(folder)
    try:
        from llm_engineering.domain.documents import UserDocument
        from tools.data_warehouse import import_from_json

        data_dir = args.data_dir or DEFAULT_DATA_DIR
        if not data_dir.is_dir():
            raise SystemExit(f"{data_dir} is not a folder; pass --data-dir with the warehouse export.")
        use_temp_stores(folder / "stores")
        import_from_json(data_dir)
        authors = [user.full_name for user in UserDocument.bulk_find()]
        run_zenml_pipeline(folder, authors, batch_size=32)
        real = read_real_chunks()
        print(f"Real chunks from the feature pipeline: {len(real)}", flush=True)
        print(f"Derived vectors vs the model's encoding: median cosine {check_derived_vectors(real):.3f}")
        size = len(real)
        for target in sizes:
            started = time.perf_counter()
            size = grow_to(real, target, size)
            grow_s = time.perf_counter() - started
            samples = measure(queries, args.k)
            print(
                f"  {size} chunks: grown in {grow_s:.1f} s, first query (index load) "
                f"{samples['warm_up'][0]:.0f} ms, in process {describe(samples['in_process'])}",
                flush=True,
            )
            if args.compare_qdrant:
                own = qdrant_own_scoring_ms(queries[: args.compare_qdrant], args.k)
                print(f"  {size} chunks: Qdrant's own local scoring, hybrid search only: {describe(own)}")
            print(scale_line(size, samples), flush=True)
    finally:
        from llm_engineering.infrastructure.db.mongo import reset_connections
        from llm_engineering.infrastructure.db.qdrant import reset_qdrant_client

        reset_qdrant_client()
        reset_connections()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    args = parse_args()
    from llm_engineering.application.rag.evaluation import load_questions

    queries = [q.query for part in load_questions(args.questions).values() for q in part] * args.rounds
    if args.scale:
        sizes = sorted(int(size) for size in args.scale.split(","))
        run_scales(args, queries, sizes)
        return
    from llm_engineering.application.rag.search import searchable_collections

    if not searchable_collections():
        raise SystemExit(
            "The feature store is empty: run `poetry poe run-feature-engineering-pipeline` first."
        )
    samples = measure(queries, args.k)
    print(f"Retrieval latency, k={args.k}, reranking {'on' if samples['reranking'][0] else 'off'} (setting):")
    print(f"  one query encoding (reference): {describe(samples['encoding'])}")
    print(f"  retrieval module, in process:   {describe(samples['in_process'])}")
    print(f"  POST /retrieve over HTTP:       {describe(samples['over_http'])}")
    print(scale_line(sum(cls.count() for cls in searchable_collections()), samples))


if __name__ == "__main__":
    main()

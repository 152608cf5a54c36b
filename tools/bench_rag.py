"""Retrieval latency: p50/p95 of POST /retrieve over HTTP and of the retrieval module in process, one after
the other (interleaved per query), with the time of one raw query encoding (the dense embedding) measured in the same run.

Needs an indexed feature store (the feature pipeline run once). The service runs in this process on an
ephemeral loopback port; the teacher LLM is left out (no expansion, no LLM self-query) so that the figures
measure retrieval itself. Goal: p95 of /retrieve within 3x one query encoding.

    poetry poe bench-rag [--questions benchmarks/retrieval_questions.json] [--rounds 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.rag.config import RetrievalConfig
from llm_engineering.application.rag.evaluation import load_questions
from llm_engineering.application.rag.retriever import ContextRetriever
from llm_engineering.application.rag.search import searchable_collections
from llm_engineering.interfaces.app import create_app
from llm_engineering.interfaces.server import serve_in_thread
from llm_engineering.interfaces.service import RagService
from llm_engineering.model.inference.resolution import GeneratorChoice


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):7.1f} ms  p95 {p95:7.1f} ms  (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path("benchmarks/retrieval_questions.json"))
    parser.add_argument("--rounds", type=int, default=2, help="Passes over the questions per measurement.")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()

    if not searchable_collections():
        raise SystemExit(
            "The feature store is empty: run `poetry poe run-feature-engineering-pipeline` first."
        )
    queries = [q.query for part in load_questions(args.questions).values() for q in part] * args.rounds
    config = RetrievalConfig.from_settings().model_copy(update={"expand_to_n_queries": 1})
    retriever = ContextRetriever(config, llm=None)
    retriever.search(queries[0], k=args.k)  # load the models and warm the store before timing anything

    model = get_embedding_model()
    service = RagService(
        retriever=retriever, choice=GeneratorChoice(kind="none", location=None, description="not used")
    )
    encoding, in_process, over_http = [], [], []
    # Interleaved per query, never concurrent: a change of machine load over the run hits all three alike.
    with serve_in_thread(create_app(service)) as url, httpx.Client(base_url=url, timeout=60) as client:
        client.post("/retrieve", json={"query": queries[0], "k": args.k}).raise_for_status()
        for query in queries:
            start = time.perf_counter()
            model.encode([query])
            encoding.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            retriever.search(query, k=args.k)
            in_process.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            client.post("/retrieve", json={"query": query, "k": args.k}).raise_for_status()
            over_http.append((time.perf_counter() - start) * 1000)

    reranking = "on" if config.reranking else "off"
    print(f"Retrieval latency, k={args.k}, fusion={config.fusion.method}, reranking {reranking} (setting):")
    print(f"  one query encoding (reference): {percentiles(encoding)}")
    print(f"  retrieval module, in process:   {percentiles(in_process)}")
    print(f"  POST /retrieve over HTTP:       {percentiles(over_http)}")
    ratio = sorted(over_http)[round(0.95 * (len(over_http) - 1))] / statistics.median(encoding)
    print(f"  p95 /retrieve = {ratio:.1f}x the median query encoding (goal: <= 3x)")


if __name__ == "__main__":
    main()

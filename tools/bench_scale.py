"""How cost grows: the ETL, the feature pipeline and retrieval at several sizes, one line per measurement.

    poetry poe bench-scale [--links 100,1000] [--chunks 1000,10000] [--retrieval 1410,10000,50000]
                           [--latency 0.2] [--hosts 8]

Each measurement runs the project's own benchmark in a child process (so its peak memory is its own):
- etl: `tools.bench_crawl` crawling N links spread over loopback hosts that answer after `--latency`
  seconds (fetch, extraction, storage into an embedded warehouse);
- features: `tools.bench_features --chunks N --pipeline-only`, the feature ZenML pipeline over an export of
  about N chunks made from the shared articles;
- retrieval: `tools.bench_rag --scale ... --rounds 1`, hybrid /retrieve latency at each corpus size.
Retrieval runs first, then the ETL, then the feature pipeline (the longest).
Every line ends with `peak_rss_mb` (the child's maximum resident memory). A `--links`, `--chunks` or
`--retrieval` of "" skips that stage.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def run_child(arguments: list[str]) -> tuple[list[str], float, float]:
    """The child's output lines, its wall time (s) and its peak resident memory (MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", *arguments], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"`python -m {' '.join(arguments)}` failed ({child.returncode}):\n{output[-2000:]}")
    return output.splitlines(), seconds, usage.ru_maxrss / 1024  # Linux reports KiB


def sizes(text: str) -> list[int]:
    return [int(value) for value in text.split(",") if value.strip()]


def last_line(lines: list[str], prefix: str) -> str:
    found = [line for line in lines if line.startswith(prefix)]
    if not found:
        raise SystemExit(f"No line starting with {prefix!r} in:\n" + "\n".join(lines[-20:]))
    return found[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", default="100,1000")
    parser.add_argument("--chunks", default="1000,10000")
    parser.add_argument("--retrieval", default="1410,10000,50000")
    parser.add_argument("--latency", default="0.2", help="seconds each loopback host waits per response")
    parser.add_argument("--hosts", default="8")
    args = parser.parse_args()

    if sizes(args.retrieval):
        lines, wall_s, rss = run_child(
            ["tools.bench_rag", "--scale", args.retrieval, "--compare-qdrant", "3", "--rounds", "1"]
        )
        for line in lines:
            if line.startswith("  ") or line.startswith("Derived") or line.startswith("Real"):
                print(f"# {line.strip()}")
        for line in lines:
            if line.startswith("chunks="):
                print(f"stage=retrieval {line}", flush=True)
        print(f"stage=retrieval total_s={wall_s:.0f} peak_rss_mb={rss:.0f} (the largest corpus)", flush=True)

    for links in sizes(args.links):
        command = [
            "tools.bench_crawl",
            "--links",
            str(links),
            "--hosts",
            args.hosts,
            "--latency",
            args.latency,
        ]
        lines, _, rss = run_child(command)
        print(f"stage=etl {last_line(lines, 'links=')} peak_rss_mb={rss:.0f}", flush=True)
    for chunks in sizes(args.chunks):
        lines, _, rss = run_child(["tools.bench_features", "--chunks", str(chunks), "--pipeline-only"])
        print(
            f"stage=features target={chunks} {last_line(lines, 'chunks=')} peak_rss_mb={rss:.0f}", flush=True
        )


if __name__ == "__main__":
    main()

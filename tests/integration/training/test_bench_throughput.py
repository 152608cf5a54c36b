"""The GPU throughput benchmark's CPU mode: the same TRL + PEFT code path on a tiny config-built Llama."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.paths import PROJECT_ROOT


@pytest.mark.slow
def test_the_benchmark_runs_on_the_cpu_and_prints_its_figures() -> None:
    result = subprocess.run(
        [sys.executable, "tools/gpu/bench_throughput.py", "--tiny", "--cpu", "--steps", "4", "--warmup-steps", "1",
         "--batch-size", "2", "--seq-len", "64", "--lora-r", "4"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-3000:]
    line = re.search(
        r"backend=trl tokens_per_s=([\d.]+) mfu=([\d.]+) peak_mem_gb=([\d.]+) params=(\d+) steps=4",
        result.stdout,
    )
    assert line, result.stdout
    tokens_per_s, mfu, params = float(line[1]), float(line[2]), int(line[4])
    assert tokens_per_s > 0 and params > 0
    assert mfu == float(f"{4 * params * tokens_per_s / 989e12:.4f}")
    assert "backend=unsloth skipped: Unsloth needs a CUDA GPU" in result.stdout

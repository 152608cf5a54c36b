"""The GPU training requirements, resolved for Linux x86_64 / CPython 3.11 by pip's resolver as a dry run.

The resolution reads ~130 wheels' metadata from the package index (about a minute): it runs when
LLM_TWIN_RESOLVE_GPU=1 is set (or as `poetry poe check-gpu-requirements`), not in every CI run."""

import os
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tools.gpu_resolve import REQUIREMENTS, resolve, versions


def test_gpu_requirements_parse() -> None:
    lines = [line.split("#")[0].strip() for line in REQUIREMENTS.read_text().splitlines()]
    names = {Requirement(line).name.lower() for line in lines if line}
    assert {"torch", "transformers", "trl", "datasets", "unsloth", "bitsandbytes"} <= names


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("LLM_TWIN_RESOLVE_GPU") != "1",
    reason="resolves ~130 packages against the package index (~1 min); set LLM_TWIN_RESOLVE_GPU=1",
)
def test_gpu_requirements_resolve_for_linux_without_downloading_wheels(tmp_path: Path) -> None:
    code, report, output = resolve("3.11", tmp_path)
    assert code == 0 and report is not None, f"the GPU requirements do not resolve:\n{output[-4000:]}"
    found = versions(report)
    assert {"unsloth", "unsloth-zoo", "trl", "transformers", "torch"} <= set(found)
    assert Version(found["transformers"]) <= Version("5.17.0") and Version(found["trl"]) <= Version("1.15.0")
    assert Version(found["torch"]).release < (2, 15)
    assert any(name.startswith("nvidia-") for name in found)  # the CUDA build of torch was resolved...
    cache = sum(f.stat().st_size for f in (tmp_path / "cache").rglob("*") if f.is_file())
    assert cache < 20e6, f"{cache / 1e6:.0f} MB cached: wheels were downloaded"  # ...but not downloaded
    assert not list((tmp_path / "target").glob("*"))  # nothing installed

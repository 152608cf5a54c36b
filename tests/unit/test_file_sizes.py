"""The project keeps its modules small: no tracked Python file is over MAX_LINES lines."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support.paths import PROJECT_ROOT

MAX_LINES = 300


def tracked_python_files() -> list[str]:
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip(f"{PROJECT_ROOT} is not a git checkout: there is no list of tracked files to check")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.py"], cwd=PROJECT_ROOT, check=True, capture_output=True
    )
    return [name for name in listed.stdout.decode().split("\0") if name]


def test_no_tracked_python_file_is_over_the_line_limit() -> None:
    files = tracked_python_files()
    assert files, "git ls-files listed no Python file"
    sizes = {
        name: len((PROJECT_ROOT / name).read_bytes().splitlines())
        for name in files
        if (PROJECT_ROOT / name).is_file()  # listed but deleted in the work tree: nothing to measure
    }
    too_long = sorted(f"{name} ({lines} lines)" for name, lines in sizes.items() if lines > MAX_LINES)
    assert not too_long, f"over {MAX_LINES} lines; split them into cohesive modules: " + ", ".join(too_long)

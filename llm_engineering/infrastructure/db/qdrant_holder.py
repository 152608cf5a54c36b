"""Who holds a local Qdrant store: a long-running process (the inference service) leaves a note in the store
folder, so that another command refused by local mode's one-process lock can name it."""

from __future__ import annotations

import json
import os
from pathlib import Path

HOLDER_FILE = ".held_by.json"


def write_holder(store: Path, description: str) -> Path:
    path = store / HOLDER_FILE
    path.write_text(json.dumps({"pid": os.getpid(), "description": description}), encoding="utf-8")
    return path


def clear_holder(store: Path) -> None:
    path = store / HOLDER_FILE
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass  # no note, or another process's: nothing of ours to remove


def describe_holder(store: Path) -> str | None:
    """'<description> (pid N)' when a live process left a note, else None."""
    try:
        note = json.loads((store / HOLDER_FILE).read_text(encoding="utf-8"))
        pid = int(note["pid"])
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return f"{note.get('description', 'a process')} (pid {pid})"

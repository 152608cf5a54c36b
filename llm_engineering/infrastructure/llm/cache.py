"""The answer cache on disk: one small JSON file per request key, written atomically.

A key covers everything that decides an answer (endpoint, model, messages, sampling parameters, response
schema), so a changed prompt or model is a miss. An entry is either a valid answer or a prompt that failed
for good (with the reason), which a later run reports without paying for it again unless asked to retry.
Files are written to a temporary name and renamed, so concurrent writers and a killed run never leave a
half-written entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError


class CacheEntry(BaseModel):
    status: Literal["ok", "failed"]
    content: str | None = None
    reason: str | None = None
    error: str | None = None


def cache_key(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AnswerCache:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        path = self._path(key)
        try:
            return CacheEntry.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except ValidationError:  # an entry from an incompatible version: treat as a miss, it is rewritten
            return None

    def put(self, key: str, entry: CacheEntry) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(entry.model_dump_json(exclude_none=True))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def __len__(self) -> int:
        return sum(1 for _ in self.directory.glob("*/*.json")) if self.directory.is_dir() else 0

"""The likeness command's files: JSON Lines of `{"id", "text"}` in, `{"id", "author_likeness"}` out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from llm_engineering.infrastructure.jsonl import MalformedLine, read_json_objects


class ScoringInput(BaseModel):
    id: Any
    text: str


def read_scoring_inputs(path: Path) -> list[ScoringInput]:
    """Every non-blank line as an id and a text; the first bad line is an error naming it."""
    inputs = []
    for _, where, row, line in read_json_objects(path, '{"id", "text"}'):
        if "id" not in row or not isinstance(row.get("text"), str):
            raise MalformedLine(
                f'{where} must be a JSON object with "id" and a string "text"; got {line.strip()[:80]!r}.'
            )
        inputs.append(ScoringInput(id=row["id"], text=row["text"]))
    return inputs


def write_scores(inputs: Sequence[ScoringInput], scores: Sequence[float], path: Path) -> None:
    """One line per input, in order; written to a temporary file first so no half file is left behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    with partial.open("w", encoding="utf-8") as file:
        for item, score in zip(inputs, scores, strict=True):
            file.write(json.dumps({"id": item.id, "author_likeness": score}, ensure_ascii=False) + "\n")
    partial.replace(path)

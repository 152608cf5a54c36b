"""The likeness command's files: JSON Lines of `{"id", "text"}` in, `{"id", "author_likeness"}` out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from llm_engineering.domain.exceptions import InvalidInput


class MalformedLine(InvalidInput):
    """A line of the input file is not a JSON object with an id and a text."""


class ScoringInput(BaseModel):
    id: Any
    text: str


def read_scoring_inputs(path: Path) -> list[ScoringInput]:
    """Every non-blank line as an id and a text; the first bad line is an error naming it."""
    if not path.is_file():
        raise FileNotFoundError(f"Input file {path} does not exist; give a JSON Lines file of {{id, text}}.")
    inputs = []
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise MalformedLine(f"{path} line {number} is not valid JSON ({error.msg}).") from None
            if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                raise MalformedLine(
                    f'{path} line {number} must be a JSON object with "id" and a string "text"; '
                    f"got {line.strip()[:80]!r}."
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

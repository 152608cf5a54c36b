"""Reading JSON Lines files whose every line must be a JSON object; a bad line is an error that names it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from llm_engineering.infrastructure.errors import InvalidInput


class MalformedLine(InvalidInput):
    """A line of a JSON Lines file that is not what the file must hold."""


def read_json_objects(path: Path, expected: str) -> Iterator[tuple[int, str, dict, str]]:
    """(line number, "PATH line N", the object, the raw line) for every non-blank line; `expected` says in the
    errors what each line should be (e.g. "one sample")."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist (expected a JSON Lines file, {expected} per line).")
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            where = f"{path} line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise MalformedLine(
                    f"{where} is not valid JSON ({error.msg} at column {error.colno})."
                ) from None
            if not isinstance(record, dict):
                raise MalformedLine(
                    f"{where} must be a JSON object ({expected}), not {type(record).__name__}."
                )
            yield number, where, record, line

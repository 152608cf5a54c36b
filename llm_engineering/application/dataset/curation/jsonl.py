"""JSON Lines in and out for the standalone curator: one sample per line, `id`, `instruction` and `answer`
(or `chosen` and `rejected`), optionally `extract`. Kept lines are written as they came; removed ones as
they came plus a top-level `reason`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from llm_engineering.application.dataset.curation.curate import CurationResult
from llm_engineering.application.dataset.curation.items import CurationItem
from llm_engineering.infrastructure.jsonl import MalformedLine, read_json_objects


def _optional_text(record: dict, name: str, where: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise MalformedLine(f"{where}: '{name}' must be a string, not {type(value).__name__}.")
    return value


def read_jsonl(path: Path) -> list[CurationItem]:
    items = []
    for number, where, record, line in read_json_objects(path, "one sample"):
        fields = {
            name: _optional_text(record, name, where)
            for name in ("instruction", "answer", "chosen", "rejected", "extract")
        }
        if fields["instruction"] is None:
            raise MalformedLine(f"{where}: no 'instruction' field.")
        if fields["answer"] is None and (fields["chosen"] is None or fields["rejected"] is None):
            raise MalformedLine(f"{where}: needs 'answer' (instruction dataset) or 'chosen' and 'rejected'.")
        sample_id = record.get("id")
        items.append(
            CurationItem(
                **fields,  # type: ignore[arg-type]
                id=None if sample_id is None else str(sample_id),
                line=number,
                raw=record,
                raw_line=line.rstrip("\r\n"),
            )
        )
    return items


def write_results(
    items: Sequence[CurationItem], result: CurationResult, output_dir: Path
) -> tuple[Path, Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    kept_path, removed_path = output_dir / "kept.jsonl", output_dir / "removed.jsonl"
    with kept_path.open("w", encoding="utf-8") as kept:
        for index in result.kept:
            item = items[index]
            kept.write((item.raw_line or json.dumps(item.raw, ensure_ascii=False)) + "\n")
    with removed_path.open("w", encoding="utf-8") as removed:
        for entry in result.removed:
            record = {**items[entry.index].raw, "reason": entry.reason}
            removed.write(json.dumps(record, ensure_ascii=False) + "\n")
    return kept_path, removed_path

"""A small instruction dataset in the handbook's JSON format: what the evaluation tests answer and judge."""

from __future__ import annotations

import json
from pathlib import Path

INSTRUCTIONS = [
    ("Explain how an LLM twin writes like its author.", "It learns the author's voice from their posts."),
    ("What does LoRA train?", "Small low-rank matrices; the base model stays frozen."),
    ("What does the feature pipeline do?", "It cleans, chunks and embeds documents into a vector database."),
    ("Why add retrieval to generation?", "The author's own passages ground the answer."),
    ("What is the capital of France?", "Paris is the capital of France."),
]


def write_handbook_dataset(path: Path, test_rows: list[tuple[str, str]] = INSTRUCTIONS) -> Path:
    def split(rows: list[tuple[str, str]]) -> dict:
        samples = [{"id": f"s{i}", "instruction": q, "answer": a} for i, (q, a) in enumerate(rows)]
        return {"articles": {"id": "articles", "category": "articles", "samples": samples}}

    data = {"id": "tiny", "train": split(test_rows[:2]), "test": split(test_rows), "test_split_size": 0.5}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path

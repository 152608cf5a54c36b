"""The evaluation test set: the instructions to answer and the author's reference answers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel


class EvaluationSample(BaseModel):
    id: str
    instruction: str
    reference_answer: str


class EvaluationSet(BaseModel):
    source: str
    samples: list[EvaluationSample]
    test_set_hash: str

    @property
    def instructions(self) -> list[str]:
        return [sample.instruction for sample in self.samples]


def hash_test_set(samples: Iterable[EvaluationSample]) -> str:
    """A hash of the instructions and reference answers in order: two evaluations are comparable only when
    they answered the same prompts."""
    digest = hashlib.sha256()
    for sample in samples:
        digest.update(json.dumps([sample.instruction, sample.reference_answer]).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def build_evaluation_set(rows: Iterable[Mapping[str, Any]], source: str, max_samples: int) -> EvaluationSet:
    """The first `max_samples` rows with a non-empty instruction and answer (the order of the test split, so
    the same dataset and cap always give the same test set)."""
    if max_samples < 1:
        raise ValueError(
            f"max_samples must be at least 1 (got {max_samples}); set it in the evaluating config."
        )
    samples: list[EvaluationSample] = []
    for position, row in enumerate(rows):
        instruction = str(row.get("instruction") or "").strip()
        answer = str(row.get("answer") or "").strip()
        if not instruction or not answer:
            continue
        samples.append(
            EvaluationSample(
                id=str(row.get("id") or position), instruction=instruction, reference_answer=answer
            )
        )
        if len(samples) == max_samples:
            break
    if not samples:
        raise ValueError(
            f"The test split of '{source}' has no sample with both an instruction and an answer; pass an "
            "instruction dataset (columns instruction, answer) with --dataset."
        )
    return EvaluationSet(source=source, samples=samples, test_set_hash=hash_test_set(samples))

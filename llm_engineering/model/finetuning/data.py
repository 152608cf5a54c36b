"""Samples for training: read from JSON Lines, split and capped by the config, formatted as conversations.

Conversations (not pre-rendered text) go to TRL, which renders them with the tokenizer's chat template, the one
template of `llm_engineering.model.chat_template`, and masks the prompt out of the SFT loss.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from loguru import logger
from pydantic import BaseModel

from llm_engineering.model.finetuning.config import DatasetFiles, TrainingConfig

INSTRUCT_COLUMNS = ("instruction", "answer")
PREFERENCE_COLUMNS = ("instruction", "chosen", "rejected")


class SplitSamples(BaseModel):
    train: list[dict[str, Any]]
    test: list[dict[str, Any]]
    test_from_train: bool  # the test split was missing or too small and was cut from train


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def read_jsonl(path: Path, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    with Path(path).open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            missing = [column for column in columns if not isinstance(row.get(column), str)]
            if missing:
                raise ValueError(
                    f"{path} line {number}: no text in column(s) {missing}; every sample needs {columns}"
                )
            rows.append({column: row[column] for column in columns})
    return rows


def load_split(
    files: DatasetFiles, columns: tuple[str, ...], config: TrainingConfig, name: str
) -> SplitSamples:
    """Train and test samples, capped; a missing or tiny test split becomes a seeded slice of train."""
    train = read_jsonl(files.train, columns)
    test = read_jsonl(files.test, columns) if files.test else []
    test_from_train = len(test) < config.min_eval_samples
    if test_from_train:
        shuffled = train[:]
        random.Random(config.seed).shuffle(shuffled)
        size = max(config.min_eval_samples, round(len(train) * config.eval_fallback_fraction))
        if len(train) < size + 1:
            raise ValueError(
                f"{name}: {len(train)} train samples are too few to cut a test split of {size} from them; "
                "give a bigger dataset or a test split"
            )
        test, train = shuffled[:size], shuffled[size:]
        logger.warning(
            f"{name}: the test split has fewer than {config.min_eval_samples} samples; using a seeded slice "
            f"of train ({size} samples, seed {config.seed}) as the test split"
        )
    if config.max_train_samples is not None:
        train = _seeded_sample(train, config.max_train_samples, config.seed)
    if config.max_eval_samples is not None:
        test = _seeded_sample(test, config.max_eval_samples, config.seed)
    logger.info(f"{name}: {len(train)} train / {len(test)} test samples")
    return SplitSamples(train=train, test=test, test_from_train=test_from_train)


def _seeded_sample(rows: list[dict[str, Any]], cap: int, seed: int) -> list[dict[str, Any]]:
    if len(rows) <= cap:
        return rows
    picked = sorted(random.Random(seed).sample(range(len(rows)), cap))
    return [rows[i] for i in picked]


def sft_conversations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Prompt/completion conversations: TRL trains on the completion only (`completion_only_loss`)."""
    return [
        {
            "prompt": [{"role": "user", "content": row["instruction"]}],
            "completion": [{"role": "assistant", "content": row["answer"]}],
        }
        for row in rows
    ]


def preference_conversations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "prompt": [{"role": "user", "content": row["instruction"]}],
            "chosen": [{"role": "assistant", "content": row["chosen"]}],
            "rejected": [{"role": "assistant", "content": row["rejected"]}],
        }
        for row in rows
    ]

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from llm_engineering.model.finetuning.config import DatasetFiles, TrainingConfig
from llm_engineering.model.finetuning.data import INSTRUCT_COLUMNS, load_split, write_jsonl
from llm_engineering.model.finetuning.job import TrainingDataset


def _rows(count: int, prefix: str = "q") -> list[dict[str, str]]:
    return [{"instruction": f"{prefix}{i}", "answer": f"a{i}"} for i in range(count)]


def test_a_tiny_test_split_is_replaced_by_a_seeded_slice_of_train(tmp_path: Path) -> None:
    files = DatasetFiles(train=write_jsonl(_rows(50), tmp_path / "train.jsonl"),
                         test=write_jsonl(_rows(2, "t"), tmp_path / "test.jsonl"))  # fmt: skip
    config = TrainingConfig(min_eval_samples=4, eval_fallback_fraction=0.1, seed=7)

    first = load_split(files, INSTRUCT_COLUMNS, config, "instruct")
    again = load_split(files, INSTRUCT_COLUMNS, config, "instruct")

    assert first.test_from_train and len(first.test) == 5 and len(first.train) == 45
    assert first == again  # seeded
    assert not {row["instruction"] for row in first.test} & {row["instruction"] for row in first.train}
    other_seed = load_split(files, INSTRUCT_COLUMNS, config.model_copy(update={"seed": 8}), "instruct")
    assert other_seed.test != first.test


def test_caps_apply_to_whatever_dataset_is_passed(tmp_path: Path) -> None:
    files = DatasetFiles(train=write_jsonl(_rows(30), tmp_path / "train.jsonl"),
                         test=write_jsonl(_rows(12, "t"), tmp_path / "test.jsonl"))  # fmt: skip
    split = load_split(files, INSTRUCT_COLUMNS, TrainingConfig(max_train_samples=10, max_eval_samples=8,
                                                               min_eval_samples=4), "instruct")  # fmt: skip
    assert len(split.train) == 10 and len(split.test) == 8 and not split.test_from_train


def test_too_few_samples_and_missing_columns_are_clear_errors(tmp_path: Path) -> None:
    few = DatasetFiles(train=write_jsonl(_rows(3), tmp_path / "few.jsonl"))
    with pytest.raises(ValueError, match="too few to cut a test split"):
        load_split(few, INSTRUCT_COLUMNS, TrainingConfig(min_eval_samples=4), "instruct")
    bad = DatasetFiles(train=write_jsonl([{"instruction": "q"}], tmp_path / "bad.jsonl"))
    with pytest.raises(ValueError, match=r"line 1: no text in column\(s\) \['answer'\]"):
        load_split(bad, INSTRUCT_COLUMNS, TrainingConfig(), "instruct")


def test_a_misspelt_hyperparameter_is_rejected() -> None:
    with pytest.raises(ValidationError, match="rank"):
        TrainingConfig.model_validate({"lora": {"rank": 8}})


def test_dataset_summary_hashes_change_with_the_content() -> None:
    one = TrainingDataset.from_splits("instruct", "x", {"train": _rows(3), "test": _rows(1)})
    two = TrainingDataset.from_splits("instruct", "x", {"train": _rows(3, "other"), "test": _rows(1)})
    assert one.summary()["train_sha256"] != two.summary()["train_sha256"]
    assert one.summary()["test_sha256"] == two.summary()["test_sha256"]
    assert one.summary()["train_size"] == 3
    with pytest.raises(ValueError, match="empty train split"):
        TrainingDataset.from_splits("instruct", "x", {"train": [], "test": _rows(1)})

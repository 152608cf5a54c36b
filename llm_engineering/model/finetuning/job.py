"""The datasets a run trains on, and the self-contained job written for the trainer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from llm_engineering.model.finetuning.config import (
    DatasetFiles,
    TrackingSettings,
    TrainingConfig,
    TrainingJob,
)
from llm_engineering.model.finetuning.data import INSTRUCT_COLUMNS, PREFERENCE_COLUMNS, write_jsonl


class TrainingDataset(BaseModel):
    """The text columns of a dataset's splits (what training needs), with where it came from."""

    kind: Literal["instruct", "preference"]
    source: str
    dataset_id: str | None = None
    train: list[dict[str, str]]
    test: list[dict[str, str]]

    @classmethod
    def from_splits(cls, kind: Literal["instruct", "preference"], source: str, splits: dict[str, Any],
                    dataset_id: str | None = None) -> TrainingDataset:  # fmt: skip
        """From row sequences per split (e.g. a `DatasetDict`), keeping the kind's text columns."""
        columns = INSTRUCT_COLUMNS if kind == "instruct" else PREFERENCE_COLUMNS
        rows = {split: [{c: row[c] for c in columns} for row in splits[split]] for split in ("train", "test")}
        if not rows["train"]:
            raise ValueError(f"the {kind} dataset {source} has an empty train split: nothing to train on")
        return cls(kind=kind, source=source, dataset_id=dataset_id, train=rows["train"], test=rows["test"])

    def summary(self) -> dict[str, Any]:
        """Sizes and content hashes (sha256 of the rows as canonical JSON), for the model version's metadata.
        Metadata has no null: the id is the content hash when the source gave none."""
        return {
            "source": self.source,
            "id": self.dataset_id or f"sha256:{_sha256(self.train + self.test)}",
            "train_size": len(self.train),
            "test_size": len(self.test),
            "train_sha256": _sha256(self.train),
            "test_sha256": _sha256(self.test),
        }


def _sha256(rows: list[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def prepare_job(config: TrainingConfig, base_model_path: str, output_dir: Path, instruct: TrainingDataset,
                preference: TrainingDataset | None, tracking: TrackingSettings) -> TrainingJob:  # fmt: skip
    """Write the datasets as JSON Lines under `output_dir/data` and return the job that points at them."""
    data_dir = output_dir / "data"

    def files(dataset: TrainingDataset) -> DatasetFiles:
        return DatasetFiles(
            train=write_jsonl(dataset.train, data_dir / f"{dataset.kind}_train.jsonl"),
            test=write_jsonl(dataset.test, data_dir / f"{dataset.kind}_test.jsonl") if dataset.test else None,
        )

    return TrainingJob(
        config=config,
        base_model_path=base_model_path,
        output_dir=output_dir,
        instruct=files(instruct),
        preference=files(preference) if preference is not None else None,
        tracking=tracking,
    )

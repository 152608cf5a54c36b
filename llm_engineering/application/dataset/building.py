"""From samples to the saved dataset: a DatasetDict with `train` and `test`, the text columns of its type
then `id`, `document_id`, `author_full_name`, `category`, `link`; saved with `save_to_disk`, optionally
pushed to the Hugging Face Hub."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from datasets import Dataset, DatasetDict, Features, Value

from llm_engineering.application.dataset.generation import Sample
from llm_engineering.domain.dataset import METADATA_COLUMNS, TEXT_COLUMNS, DatasetType
from llm_engineering.settings import DEFAULT_DATA_DIR, get_settings


def columns(dataset_type: DatasetType) -> list[str]:
    return [*TEXT_COLUMNS[dataset_type], *METADATA_COLUMNS]


def to_dataset(samples: Sequence[Sample], dataset_type: DatasetType) -> Dataset:
    names = columns(dataset_type)
    rows = [sample.model_dump(include=set(names)) for sample in samples]
    features = Features({name: Value("string") for name in names})
    return Dataset.from_dict({name: [row.get(name) for row in rows] for name in names}, features=features)


def to_dataset_dict(
    train: Sequence[Sample], test: Sequence[Sample], dataset_type: DatasetType
) -> DatasetDict:
    return DatasetDict({"train": to_dataset(train, dataset_type), "test": to_dataset(test, dataset_type)})


def default_output_dir(dataset_type: DatasetType) -> Path:
    return DEFAULT_DATA_DIR / "datasets" / dataset_type.value


def save_dataset(dataset_dict: DatasetDict, output_dir: str | Path | None, dataset_type: DatasetType) -> Path:
    path = Path(output_dir).expanduser().resolve() if output_dir else default_output_dir(dataset_type)
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset_dict.save_to_disk(str(path))
    return path


def push_to_hub(dataset_dict: DatasetDict, dataset_id: str | None) -> str:
    """Push to the Hub as `dataset_id` with HUGGINGFACE_ACCESS_TOKEN; both must be set."""
    token = get_settings().HUGGINGFACE_ACCESS_TOKEN
    if not dataset_id or token is None:
        raise ValueError(
            "push_to_huggingface needs `dataset_id` (e.g. your-name/llm-twin-instruct) in the config and "
            "HUGGINGFACE_ACCESS_TOKEN in the environment or .env."
        )
    dataset_dict.push_to_hub(dataset_id, token=token.get_secret_value())
    return dataset_id

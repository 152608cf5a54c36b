"""Reading and writing datasets as Hugging Face `DatasetDict`s with `train` and `test`.

Sources: a folder written by `save_to_disk`, a JSON file in the handbook's format (train/test per category,
as in `instruct_datasets.json` and `preference_datasets.json`), or a Hugging Face Hub dataset id. The
handbook file's own ids (of the file and of each category) are kept in the splits' `info.description`, so
`export_handbook_json` writes an imported file back unchanged.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Literal

from datasets import Dataset, DatasetDict, DatasetInfo, load_dataset, load_from_disk

from llm_engineering.domain.dataset import TEXT_COLUMNS, DatasetType
from llm_engineering.settings import resolve_path

SPLITS = ("train", "test")
DatasetKind = Literal["instruct", "instruction", "preference"]
# Column names other tools use for the same thing.
ALIASES = {"prompt": "instruction", "output": "answer", "response": "answer"}
PROVENANCE_KEY = "handbook_json"
# The commands that make each kind of dataset (saved under .data/datasets/<type> by default).
DATASET_COMMANDS = {
    DatasetType.INSTRUCTION: "poetry poe run-generate-instruct-datasets-pipeline",
    DatasetType.PREFERENCE: "poetry poe run-generate-preference-datasets-pipeline",
}


def dataset_type(kind: DatasetKind | DatasetType | str) -> DatasetType:
    if kind in ("instruct", "instruction", DatasetType.INSTRUCTION):
        return DatasetType.INSTRUCTION
    if kind in ("preference", DatasetType.PREFERENCE):
        return DatasetType.PREFERENCE
    raise ValueError(f"Unknown dataset kind {kind!r}: use 'instruct' (instruction) or 'preference'.")


def resolve_dataset_source(source: str | Path, kind: DatasetKind | DatasetType) -> str:
    """`source` as a local path resolved like every configured path (`resolve_path`), or a Hub id as given. A
    path that does not exist is an error naming the command that makes the dataset."""
    path = resolve_path(source)
    if path.exists():
        return str(path)
    if _looks_like_path(str(source)):
        kind = dataset_type(kind)
        raise FileNotFoundError(
            f"The {kind.value} dataset {source} does not exist. Make it with `{DATASET_COMMANDS[kind]}` (it "
            f"saves to .data/datasets/{kind.value}), or give a folder saved with `save_to_disk`, a handbook "
            "JSON file (train/test per category) or a Hugging Face Hub dataset id (owner/name)."
        )
    return str(source)


def load_dataset_dict(source: str | Path, kind: DatasetKind | DatasetType) -> DatasetDict:
    """The dataset at `source` (see `resolve_dataset_source`) with `train` and `test` and the kind's text
    columns first."""
    required = TEXT_COLUMNS[dataset_type(kind)]
    path = Path(resolve_dataset_source(source, kind))
    if path.is_dir():
        loaded = load_from_disk(str(path))
        if not isinstance(loaded, DatasetDict):
            raise ValueError(f"{path} holds a single Dataset; save a DatasetDict with 'train' and 'test'.")
        dataset_dict = loaded
    elif path.is_file():
        dataset_dict = read_handbook_json(path)
    else:
        dataset_dict = _load_from_hub(str(source))
    return _checked(dataset_dict, required, str(source))


def _looks_like_path(source: str) -> bool:
    return (
        source.startswith((".", "/", "~")) or source.endswith((".json", ".jsonl")) or source.count("/") != 1
    )


def _load_from_hub(dataset_id: str) -> DatasetDict:
    try:
        loaded = load_dataset(dataset_id)
    except Exception as error:  # the hub's errors vary (offline, missing, private): say what was tried
        raise ValueError(
            f"Could not load '{dataset_id}' from the Hugging Face Hub ({type(error).__name__}: {error}). "
            "Check the id and the network (HUGGINGFACE_ACCESS_TOKEN for a private dataset), or give a local "
            "folder or handbook JSON file."
        ) from error
    return DatasetDict(dict(loaded))


def _checked(dataset_dict: DatasetDict, required: tuple[str, ...], source: str) -> DatasetDict:
    missing_splits = [split for split in SPLITS if split not in dataset_dict]
    if missing_splits:
        raise ValueError(
            f"Dataset {source} has splits {sorted(dataset_dict)}, missing {missing_splits}: it needs "
            "'train' and 'test'."
        )
    checked = {}
    for split in SPLITS:
        dataset = dataset_dict[split]
        renames = {
            old: new
            for old, new in ALIASES.items()
            if old in dataset.column_names and new in required and new not in dataset.column_names
        }
        if renames:
            dataset = dataset.rename_columns(renames)
        missing = [column for column in required if column not in dataset.column_names]
        if missing:
            raise ValueError(
                f"Dataset {source} split '{split}' lacks the columns {missing} (it has "
                f"{dataset.column_names}); a {'/'.join(required)} dataset needs {list(required)}."
            )
        others = [column for column in dataset.column_names if column not in required]
        checked[split] = dataset.select_columns([*required, *others])
    return DatasetDict(checked)


# --- the handbook's JSON format -------------------------------------------------------------------------------


def read_handbook_json(path: Path) -> DatasetDict:
    """{"id", "train": {category: {"id", "category", "samples": [...]}}, "test": {...}, "test_split_size"}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, dict) or not all(isinstance(data.get(split), dict) for split in SPLITS):
        raise ValueError(
            f"{path} is not in the handbook dataset format: expected an object with 'train' and 'test', each "
            "mapping a category to {'id', 'category', 'samples': [...]}."
        )
    splits = {}
    for split in SPLITS:
        rows: list[dict[str, Any]] = []
        category_ids = {}
        for category, block in data[split].items():
            category_ids[category] = block.get("id")
            rows += [{**sample, "category": block.get("category", category)} for sample in block["samples"]]
        provenance = {"id": data.get("id"), "test_split_size": data.get("test_split_size")}
        provenance["category_ids"] = category_ids
        info = DatasetInfo(description=json.dumps({PROVENANCE_KEY: provenance}))
        splits[split] = Dataset.from_list(rows, info=info)
    return DatasetDict(splits)


def _provenance(dataset: Dataset) -> dict[str, Any]:
    try:
        return json.loads(dataset.info.description or "{}").get(PROVENANCE_KEY) or {}
    except (json.JSONDecodeError, AttributeError):  # a description written by someone else
        return {}


def export_handbook_json(dataset_dict: DatasetDict, path: str | Path) -> Path:
    """Write `train` and `test` in the handbook's JSON format, grouped by the `category` column; the
    text columns, the sample `id` and the other metadata columns (when set) go into each sample."""
    path = Path(path)
    provenance = _provenance(dataset_dict["train"])
    name = str(path.name)
    document: dict[str, Any] = {"id": provenance.get("id") or str(uuid.uuid5(uuid.NAMESPACE_URL, name))}
    for split in SPLITS:
        split_provenance = _provenance(dataset_dict[split])
        category_ids = split_provenance.get("category_ids") or {}
        blocks: dict[str, dict[str, Any]] = {}
        for row in dataset_dict[split]:
            category = row.get("category") or "articles"
            block = blocks.setdefault(
                category,
                {
                    "id": category_ids.get(category)
                    or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/{split}/{category}")),
                    "category": category,
                    "samples": [],
                },
            )
            sample = {key: value for key, value in row.items() if key != "category" and value is not None}
            if "id" not in sample or key_is_blank(sample["id"]):
                sample["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(sample, sort_keys=True)))
            block["samples"].append(sample)
        document[split] = blocks
    document["test_split_size"] = provenance.get("test_split_size") or _split_size(dataset_dict)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=4, ensure_ascii=False), encoding="utf-8")
    return path


def key_is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _split_size(dataset_dict: DatasetDict) -> float:
    total = len(dataset_dict["train"]) + len(dataset_dict["test"])
    return round(len(dataset_dict["test"]) / total, 4) if total else 0.0

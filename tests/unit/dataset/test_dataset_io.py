"""Dataset import/export: the handbook's JSON artifacts, save_to_disk folders, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from datasets import Dataset, DatasetDict

from llm_engineering.application.dataset.io import export_handbook_json, load_dataset_dict
from tests.support.paths import SHARED_DIR

ARTIFACTS = SHARED_DIR / "data" / "handbook" / "artifacts"


def shared_artifact(name: str) -> Path:
    path = ARTIFACTS / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (a fresh clone has no ../shared; CI always has it)")
    return path


@pytest.mark.parametrize(
    ("name", "kind", "columns", "sizes"),
    [
        ("instruct_datasets.json", "instruct", ["instruction", "answer"], (2250, 250)),
        ("preference_datasets.json", "preference", ["instruction", "chosen", "rejected"], (381, 21)),
    ],
)
def test_handbook_artifacts_import_as_is_and_export_back_equal(
    tmp_path: Path, name: str, kind: str, columns: list[str], sizes: tuple[int, int]
) -> None:
    source = shared_artifact(name)
    dataset_dict = load_dataset_dict(source, kind)  # type: ignore[arg-type]
    assert (len(dataset_dict["train"]), len(dataset_dict["test"])) == sizes
    assert dataset_dict["train"].column_names[: len(columns)] == columns
    assert {"id", "category"} <= set(dataset_dict["test"].column_names)
    assert dataset_dict["train"][0]["category"] == "articles"

    exported = export_handbook_json(dataset_dict, tmp_path / name)
    assert json.loads(exported.read_text()) == json.loads(source.read_text())

    # Through save_to_disk and back: the same rows, and still exportable unchanged.
    dataset_dict.save_to_disk(tmp_path / "saved")
    reloaded = load_dataset_dict(tmp_path / "saved", kind)  # type: ignore[arg-type]
    assert reloaded["test"].to_list() == dataset_dict["test"].to_list()
    again = export_handbook_json(reloaded, tmp_path / "again.json")
    assert json.loads(again.read_text()) == json.loads(source.read_text())


def test_pipeline_output_exports_with_its_metadata(tmp_path: Path) -> None:
    row = {
        "instruction": "Write about RAG.",
        "answer": "RAG retrieves, then generates.",
        "id": "s1",
        "document_id": "d1",
        "author_full_name": "Ada",
        "category": "posts",
        "link": None,
    }
    dataset_dict = DatasetDict(
        {"train": Dataset.from_list([row]), "test": Dataset.from_list([{**row, "id": "s2"}])}
    )
    path = export_handbook_json(dataset_dict, tmp_path / "out.json")
    data = json.loads(path.read_text())
    assert data["test_split_size"] == 0.5
    sample = data["train"]["posts"]["samples"][0]
    assert sample == {k: v for k, v in row.items() if k not in {"category", "link"}}
    loaded = load_dataset_dict(path, "instruction")
    assert loaded["test"][0]["document_id"] == "d1" and loaded["test"][0]["id"] == "s2"


def test_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_dataset_dict(tmp_path / "missing", "instruct")
    wrong = DatasetDict({"train": Dataset.from_list([{"instruction": "a", "output": "b"}])})
    wrong.save_to_disk(tmp_path / "no_test")
    with pytest.raises(ValueError, match=r"missing \['test'\]"):
        load_dataset_dict(tmp_path / "no_test", "instruct")
    rows = [{"instruction": "a", "answer": "b"}]
    DatasetDict({"train": Dataset.from_list(rows), "test": Dataset.from_list(rows)}).save_to_disk(
        tmp_path / "i"
    )
    with pytest.raises(ValueError, match=r"lacks the columns \['chosen', 'rejected'\]"):
        load_dataset_dict(tmp_path / "i", "preference")
    aliased = [{"prompt": "a", "chosen": "b", "rejected": "c"}]
    DatasetDict({"train": Dataset.from_list(aliased), "test": Dataset.from_list(aliased)}).save_to_disk(
        tmp_path / "p"
    )
    assert load_dataset_dict(tmp_path / "p", "preference")["train"].column_names == [
        "instruction",
        "chosen",
        "rejected",
    ]
    (tmp_path / "bad.json").write_text('{"train": []}')
    with pytest.raises(ValueError, match="handbook dataset format"):
        load_dataset_dict(tmp_path / "bad.json", "instruct")


def test_push_needs_a_dataset_id_and_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from llm_engineering.application.dataset.building import push_to_hub, to_dataset_dict
    from llm_engineering.domain.dataset import DatasetType
    from llm_engineering.settings import get_settings

    monkeypatch.delenv("HUGGINGFACE_ACCESS_TOKEN", raising=False)
    get_settings.cache_clear()
    try:
        dataset_dict = to_dataset_dict([], [], DatasetType.PREFERENCE)
        assert dataset_dict["test"].column_names[:3] == ["instruction", "chosen", "rejected"]
        with pytest.raises(ValueError, match="dataset_id.*HUGGINGFACE_ACCESS_TOKEN"):
            push_to_hub(dataset_dict, "someone/llmtwin")
    finally:
        get_settings.cache_clear()

"""Training on what the dataset pipeline saves (save_to_disk folders) and what a failed run leaves behind: a
missing dataset stops before any run, and a run that fails deletes the `llm_twin` version it created."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

pytestmark = pytest.mark.timeout(300)


def save_datasets(folder: Path) -> dict[str, Path]:
    """Small instruction and preference datasets saved with `save_to_disk`, as the dataset pipeline does."""
    from datasets import Dataset, DatasetDict

    rows = [(f"Explain point {i} of fine-tuning.", f"Point {i} is about adapters.") for i in range(8)]
    instruct = [{"instruction": q, "answer": a, "id": str(i)} for i, (q, a) in enumerate(rows)]
    preference = [
        {"instruction": q, "chosen": a, "rejected": "No idea.", "id": str(i)} for i, (q, a) in enumerate(rows)
    ]
    paths = {"instruction": folder / "instruction", "preference": folder / "preference"}
    for kind, data in (("instruction", instruct), ("preference", preference)):
        DatasetDict({"train": Dataset.from_list(data[:6]), "test": Dataset.from_list(data[6:])}).save_to_disk(
            str(paths[kind])
        )
    return paths


def twin_versions(client) -> set:
    """The ids of the llm_twin model's versions (none before the first run registers the model)."""
    try:
        versions = client.list_model_versions(model_name_or_id="llm_twin", size=100)
    except KeyError:
        return set()
    return {version.id for version in versions}


def test_a_missing_dataset_names_the_command_that_makes_it_before_any_run(tmp_path: Path) -> None:
    from tools.run import app

    config = tmp_path / "training.yaml"
    config.write_text(yaml.safe_dump({"parameters": {"instruct_dataset": str(tmp_path / "nowhere")}}))
    result = CliRunner().invoke(app, ["train", "--config", str(config)])
    assert result.exit_code == 1
    assert "poetry poe run-generate-instruct-datasets-pipeline" in result.output
    assert "Running pipeline" not in result.output


def test_a_failed_run_on_saved_datasets_leaves_no_model_version(tmp_path: Path, zenml_client) -> None:
    from tools.run import app

    paths = save_datasets(tmp_path / "datasets")
    config = tmp_path / "training.yaml"
    missing_model = tmp_path / "no-such-model"  # passes the config check, fails when SFT loads it
    config.write_text(
        yaml.safe_dump({"parameters": {"training": {"base_model": str(missing_model), "backend": "cpu"}}})
    )
    before = twin_versions(zenml_client)

    result = CliRunner().invoke(
        app,
        ["train", "--config", str(config), "--instruct-dataset", str(paths["instruction"]),
         "--preference-dataset", str(paths["preference"]), "--output-dir", str(tmp_path / "out")],
    )  # fmt: skip

    assert result.exit_code == 1 and "step 'train_sft'" in result.output, result.output
    assert twin_versions(zenml_client) == before  # the version the failed run created is gone
    run = zenml_client.list_pipeline_runs(sort_by="desc:created", size=1)[0]
    assert run.status == "failed"
    metadata = run.steps["load_training_datasets"].outputs["instruct_dataset"][0].run_metadata
    assert metadata["source"] == str(paths["instruction"]) and metadata["train_size"] == 6
    assert metadata["id"].startswith(f"{paths['instruction']}@")  # a stable identity, never null

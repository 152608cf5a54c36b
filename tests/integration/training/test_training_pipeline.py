"""The `training` pipeline end to end on a tiny Llama: a real ZenML run, the CLI's summary line, and the
`llm_twin` model version with its metadata and dataset artifacts read back through the ZenML client.

The stages run in-process here (no TRAINING_GPU_PYTHON); test_trainer.py runs a stage through the subprocess
hand-off of the GPU environment.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.support.paths import PROJECT_ROOT, SHARED_DIR

pytestmark = pytest.mark.timeout(900)  # real training: minutes on a busy 2-core machine

ARTIFACTS = SHARED_DIR / "data" / "handbook" / "artifacts"
SUMMARY = re.compile(
    r"training done: sft_eval_loss_before=(?P<before>[\d.]+) sft_eval_loss_after=(?P<after>[\d.]+) "
    r"dpo_reward_accuracy=(?P<accuracy>[\d.]+) tokens_per_s=(?P<tps>[\d.]+) backend=(?P<backend>\w+) "
    r"adapter_dir=(?P<adapter>\S+) model_version=(?P<version>\d+)$"
)


@pytest.fixture
def tiny_config(tiny_model_dir: Path, tmp_path: Path) -> Path:
    if not ARTIFACTS.is_dir():
        pytest.skip(f"{ARTIFACTS} is absent (a fresh clone has no ../shared; CI always has it)")
    config = {
        "parameters": {
            "instruct_dataset": str(ARTIFACTS / "instruct_datasets.json"),
            "preference_dataset": str(ARTIFACTS / "preference_datasets.json"),
            "training": {
                "base_model": str(tiny_model_dir),
                "backend": "cpu",
                "lora": {"r": 8, "alpha": 16, "dropout": 0.0, "target_modules": ["q_proj", "v_proj"]},
                "sft": {
                    "learning_rate": 5e-3,
                    "max_steps": 8,
                    "per_device_train_batch_size": 4,
                    "logging_steps": 4,
                },
                "dpo": {
                    "learning_rate": 5e-3,
                    "max_steps": 4,
                    "per_device_train_batch_size": 4,
                    "logging_steps": 2,
                },
                "max_length": 128,
                "max_train_samples": 24,
                "max_eval_samples": 8,
                "min_eval_samples": 4,
            },
        }
    }
    path = tmp_path / "training_tiny.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_training_run_registers_a_model_version_with_its_data_settings_and_metrics(
    tiny_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zenml_client
) -> None:
    from llm_engineering.settings import get_settings
    from tools.run import app

    monkeypatch.delenv("TRAINING_GPU_PYTHON", raising=False)
    monkeypatch.delenv("COMET_API_KEY", raising=False)
    get_settings.cache_clear()
    output_dir = tmp_path / "out"

    result = CliRunner().invoke(app, ["train", "--config", str(tiny_config), "--output-dir", str(output_dir)])
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    summary = SUMMARY.search(result.output.strip().splitlines()[-1])
    assert summary, result.output[-2000:]
    assert float(summary["after"]) < float(summary["before"])
    assert summary["backend"] == "cpu"
    assert summary["adapter"] == str(output_dir / "dpo_adapter")
    assert (output_dir / "dpo_adapter" / "adapter_model.safetensors").is_file()
    assert (output_dir / "sft_adapter" / "adapter_model.safetensors").is_file()
    metrics = json.loads((output_dir / "metrics.json").read_text())
    assert metrics["final_adapter_dir"] == "dpo_adapter" and metrics["report_to"] == "none"

    version = zenml_client.get_model_version("llm_twin", int(summary["version"]))
    metadata = version.run_metadata
    # The hand-off: evaluation and inference find the adapter through the version, not through a folder.
    from steps.registry import twin_version

    registered = twin_version(summary["version"])
    assert registered.folder_for_evaluation() == registered.folder_for_inference() == summary["adapter"]
    assert metadata["backend"] == "cpu"
    assert metadata["sft_eval_loss_after"] == pytest.approx(float(summary["after"]), abs=1e-4)
    assert metadata["hyperparameters"]["lora"]["r"] == 8
    assert metadata["hyperparameters"]["dpo"]["beta"] == 0.1
    instruct, handbook = (
        metadata["datasets"]["instruct"],
        json.loads((ARTIFACTS / "instruct_datasets.json").read_text()),
    )
    assert instruct["id"] == handbook["id"]
    assert instruct["train_size"] == sum(len(c["samples"]) for c in handbook["train"].values())
    assert instruct["test_size"] == sum(len(c["samples"]) for c in handbook["test"].values())
    assert len(instruct["train_sha256"]) == 64
    assert metadata["sft_train_samples"] == 24 and metadata["sft_eval_samples"] == 8  # the caps
    assert 0.0 <= metadata["dpo_reward_accuracy"] <= 1.0
    linked = {link.artifact_version.artifact.name for link in zenml_client.list_model_version_artifact_links(
        model_version_id=version.id, size=100)}  # fmt: skip
    assert {"instruct_dataset", "preference_dataset", "training_metrics"} <= linked


def test_the_trainer_imports_neither_zenml_nor_the_settings() -> None:
    """What the GPU environment runs must not need ZenML or the project's settings."""
    code = (
        "import sys; import llm_engineering.model.finetuning.cli, llm_engineering.model.finetuning.runner; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'zenml' or m == 'llm_engineering.settings'); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_hyperparameters_fail_before_the_run_with_a_clear_message(
    tiny_config: Path, tmp_path: Path
) -> None:
    from tools.run import app

    config = yaml.safe_load(tiny_config.read_text())
    config["parameters"]["training"]["lora"]["rank"] = 8  # misspelt: the field is `r`
    tiny_config.write_text(yaml.safe_dump(config))

    result = CliRunner().invoke(
        app, ["train", "--config", str(tiny_config), "--output-dir", str(tmp_path / "o")]
    )

    assert result.exit_code == 1
    assert str(tiny_config) in result.output and "training.lora.rank: unknown key" in result.output
    assert "Running pipeline" not in result.output  # nothing ran

"""Real SFT + DPO with LoRA on a tiny Llama (CPU, a few steps), through the code the GPU job runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_engineering.model.finetuning.config import (
    StageSettings,
    TrackingSettings,
    TrainingConfig,
    TrainingJob,
)
from llm_engineering.model.finetuning.runner import read_metrics, run_training
from tests.fixtures.model.data import handbook_files

pytestmark = pytest.mark.timeout(900)  # real training: minutes on a busy 2-core machine

TINY_CONFIG = TrainingConfig(
    backend="cpu",
    lora={"r": 8, "alpha": 16, "dropout": 0.0, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]},
    sft=StageSettings(learning_rate=5e-3, max_steps=8, per_device_train_batch_size=4, logging_steps=4),
    dpo={
        "learning_rate": 5e-3,
        "max_steps": 4,
        "per_device_train_batch_size": 4,
        "logging_steps": 3,
        "beta": 0.1,
    },
    max_length=128,
    max_train_samples=32,
    max_eval_samples=8,
    min_eval_samples=4,
)


@pytest.fixture(scope="module")
def trained(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> TrainingJob:
    data = tmp_path_factory.mktemp("data")
    job = TrainingJob(
        config=TINY_CONFIG,
        base_model_path=str(tiny_model_dir),
        output_dir=tmp_path_factory.mktemp("out"),
        instruct=handbook_files(data, "instruct", train=60, test=8),
        preference=handbook_files(data, "preference", train=40, test=0),  # no test split: cut from train
        # Comet ML offline: the experiment is written to a folder (no key, no network).
        tracking=TrackingSettings(
            report_to="comet_ml", comet_project="twin-test", comet_offline_dir=data / "comet"
        ),
    )
    run_training(job)
    return job


def test_sft_lowers_the_eval_loss_and_dpo_trains_on_the_merged_sft_model(trained: TrainingJob) -> None:
    metrics = read_metrics(trained.output_dir)

    assert metrics.backend == "cpu"
    assert metrics.sft.eval_loss_after < metrics.sft.eval_loss_before
    assert (
        metrics.sft.train_samples == 32 and metrics.sft.eval_samples == 8 and not metrics.sft.eval_from_train
    )
    assert metrics.sft.tokens_per_s > 0 and metrics.sft.train_tokens > 0
    assert metrics.dpo is not None and metrics.dpo.eval_from_train
    assert metrics.dpo.eval_samples == 4 and metrics.dpo.train_samples == 32  # 4 cut from 40, capped
    assert 0.0 <= metrics.dpo.reward_accuracy <= 1.0
    assert metrics.final_adapter_dir == "dpo_adapter"
    dpo_base = json.loads((trained.output_dir / "dpo_adapter" / "adapter_config.json").read_text())
    assert dpo_base["base_model_name_or_path"] == str(trained.output_dir / "sft_merged")
    sft_base = json.loads((trained.output_dir / "sft_adapter" / "adapter_config.json").read_text())
    assert sft_base["base_model_name_or_path"] == trained.base_model_path
    assert (trained.output_dir / "dpo_adapter" / "adapter_model.safetensors").is_file()
    assert (trained.output_dir / "dpo_adapter" / "tokenizer_config.json").is_file()
    assert metrics.report_to == "comet_ml"
    assert list(trained.tracking.comet_offline_dir.glob("*.zip")), "no offline Comet experiment was written"


def test_a_stage_runs_in_another_python_through_the_job_file(trained: TrainingJob) -> None:
    """The GPU environment's hand-off: the job as JSON, the stage in a subprocess, its metrics back as JSON."""
    import sys

    from llm_engineering.model.finetuning.launcher import launch_stage
    from llm_engineering.model.loading import load_model_for_inference

    job = trained.model_copy(update={"config": trained.config.model_copy(update={"save_merged": True})})

    metrics = launch_stage(job, "finalize", python=sys.executable)

    assert metrics.merged_model_dir == "merged" and metrics.final_adapter_dir == "dpo_adapter"
    assert (trained.output_dir / "merged" / "model.safetensors").is_file()
    assert metrics.sft == read_metrics(trained.output_dir).sft
    _, _, info = load_model_for_inference(trained.output_dir / "merged")
    assert info.kind == "merged"

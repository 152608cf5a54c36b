"""One training run: SFT, merge, DPO, save; the same code in-process (CPU) and in the GPU job's environment."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from loguru import logger

from llm_engineering.model.finetuning.backend import detect_backend
from llm_engineering.model.finetuning.config import TrackingSettings, TrainingJob
from llm_engineering.model.finetuning.data import (
    INSTRUCT_COLUMNS,
    PREFERENCE_COLUMNS,
    load_split,
    preference_conversations,
    sft_conversations,
)
from llm_engineering.model.finetuning.metrics import TrainingMetrics
from llm_engineering.model.finetuning.models import load_for_training, lora_config, merge_adapter
from llm_engineering.model.finetuning.stages import run_dpo, run_sft

METRICS_FILE = "metrics.json"
JOB_FILE = "training_job.json"


def run_training(job: TrainingJob) -> TrainingMetrics:
    """Train SFT then DPO as the job says; writes adapters, tokenizer, metrics.json into job.output_dir."""
    import torch
    from transformers import set_seed

    started = time.perf_counter()
    config = job.config
    backend = detect_backend(config.backend)
    if backend == "cpu":
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    set_seed(config.seed)
    output_dir = job.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / JOB_FILE).write_text(job.model_dump_json(indent=2), encoding="utf-8")
    report_to = configure_tracking(job.tracking)

    instruct = load_split(job.instruct, INSTRUCT_COLUMNS, config, "instruct dataset")
    model, tokenizer, peft_config = load_for_training(job.base_model_path, config, backend)
    sft = run_sft(model, tokenizer, peft_config, sft_conversations(instruct.train), sft_conversations(instruct.test),
                  config, backend, output_dir, report_to, instruct.test_from_train)  # fmt: skip
    del model
    final_adapter, dpo = Path(sft.adapter_dir), None

    if job.preference is not None and config.dpo.enabled:
        preference = load_split(job.preference, PREFERENCE_COLUMNS, config, "preference dataset")
        sft_merged = merge_adapter(job.base_model_path, final_adapter, output_dir / "sft_merged", backend)
        model, tokenizer, _ = load_for_training(str(sft_merged), config, backend)
        dpo = run_dpo(model, tokenizer, lora_config(config) if backend != "unsloth" else None,
                      preference_conversations(preference.train), preference_conversations(preference.test),
                      config, backend, output_dir, report_to, preference.test_from_train, sft_merged)  # fmt: skip
        del model
        final_adapter = Path(dpo.adapter_dir)
    else:
        logger.info(
            "DPO skipped: " + ("disabled in the config" if job.preference else "no preference dataset")
        )

    merged_dir = None
    if config.save_merged:
        base_of_final = dpo.reference_model_dir if dpo else job.base_model_path
        merged_dir = merge_adapter(base_of_final, final_adapter, output_dir / "merged", backend)
    if config.push_to_hub:
        _push_adapter(final_adapter, config.push_to_hub)

    metrics = TrainingMetrics(
        base_model=config.base_model,
        backend=backend,
        seed=config.seed,
        sft=sft,
        dpo=dpo,
        final_adapter_dir=final_adapter.name,
        merged_model_dir=merged_dir.name if merged_dir else None,
        total_seconds=time.perf_counter() - started,
        report_to=report_to,
    )
    (output_dir / METRICS_FILE).write_text(metrics.model_dump_json(indent=2), encoding="utf-8")
    logger.info(f"Training done in {metrics.total_seconds:.0f} s: {output_dir / METRICS_FILE}")
    return metrics


def read_metrics(output_dir: Path) -> TrainingMetrics:
    return TrainingMetrics.model_validate(json.loads((output_dir / METRICS_FILE).read_text(encoding="utf-8")))


def configure_tracking(tracking: TrackingSettings) -> str:
    """Point Comet at the project (online, or an offline folder); the API key comes from the environment."""
    if tracking.report_to != "comet_ml":
        logger.info("Experiment tracking off (report_to none): set COMET_API_KEY to log runs to Comet ML")
        return "none"
    if tracking.comet_project:
        os.environ["COMET_PROJECT_NAME"] = tracking.comet_project
    if tracking.comet_workspace:
        os.environ["COMET_WORKSPACE"] = tracking.comet_workspace
    if tracking.comet_offline_dir is not None:
        tracking.comet_offline_dir.mkdir(parents=True, exist_ok=True)
        os.environ["COMET_START_ONLINE"] = "false"
        os.environ["COMET_OFFLINE_DIRECTORY"] = str(tracking.comet_offline_dir)
        logger.info(f"Comet ML offline: experiments saved under {tracking.comet_offline_dir}")
    else:
        logger.info(f"Comet ML: logging to project {tracking.comet_project}")
    return "comet_ml"


def _push_adapter(adapter_dir: Path, repo_id: str) -> None:
    from huggingface_hub import HfApi

    api = HfApi()  # the token comes from HF_TOKEN in the environment
    api.create_repo(repo_id, exist_ok=True, private=True)
    api.upload_folder(folder_path=str(adapter_dir), repo_id=repo_id)
    logger.info(f"Adapter pushed to the hub: {repo_id}")

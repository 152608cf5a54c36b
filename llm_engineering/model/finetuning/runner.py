"""One training run: SFT, merge, DPO, save; the same code in-process (CPU) and in the GPU job's environment."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from loguru import logger

from llm_engineering.model.finetuning.backend import detect_backend
from llm_engineering.model.finetuning.config import Backend, TrackingSettings, TrainingJob
from llm_engineering.model.finetuning.data import (
    INSTRUCT_COLUMNS,
    PREFERENCE_COLUMNS,
    load_split,
    preference_conversations,
    sft_conversations,
)
from llm_engineering.model.finetuning.metrics import DpoMetrics, SftMetrics, TrainingMetrics
from llm_engineering.model.finetuning.models import load_for_training, lora_config, merge_adapter
from llm_engineering.model.finetuning.stages import run_dpo, run_sft

METRICS_FILE = "metrics.json"
JOB_FILE = "training_job.json"
SFT_METRICS_FILE = "sft_metrics.json"
DPO_METRICS_FILE = "dpo_metrics.json"
Stage = Literal["sft", "dpo", "finalize", "all"]


def run_training(job: TrainingJob) -> TrainingMetrics:
    """Train SFT then DPO as the job says; writes adapters, tokenizer, metrics.json into job.output_dir."""
    return run_stage(job, "all")


def run_stage(job: TrainingJob, stage: Stage) -> TrainingMetrics | SftMetrics | DpoMetrics | None:
    """One stage of the job; each stage's metrics also go to a JSON file in the output folder, so a stage run
    in another process (the GPU environment) hands its results back through the folder."""
    if stage == "all":
        run_stage(job, "sft")
        run_stage(job, "dpo")
        return run_stage(job, "finalize")
    started = time.perf_counter()
    output_dir = job.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    backend = detect_backend(job.config.backend)
    _seed(job, backend)
    if stage == "sft":
        (output_dir / JOB_FILE).write_text(job.model_dump_json(indent=2), encoding="utf-8")
        metrics = run_sft_stage(job, backend)
        metrics.stage_seconds = time.perf_counter() - started
        (output_dir / SFT_METRICS_FILE).write_text(metrics.model_dump_json(indent=2), encoding="utf-8")
        return metrics
    sft = SftMetrics.model_validate_json((output_dir / SFT_METRICS_FILE).read_text(encoding="utf-8"))
    if stage == "dpo":
        dpo = run_dpo_stage(job, backend, Path(sft.adapter_dir))
        (output_dir / DPO_METRICS_FILE).unlink(missing_ok=True)
        if dpo is not None:
            dpo.stage_seconds = time.perf_counter() - started
            (output_dir / DPO_METRICS_FILE).write_text(dpo.model_dump_json(indent=2), encoding="utf-8")
        return dpo
    dpo_file = output_dir / DPO_METRICS_FILE
    dpo = DpoMetrics.model_validate_json(dpo_file.read_text(encoding="utf-8")) if dpo_file.is_file() else None
    return finalize(job, backend, sft, dpo)


def _seed(job: TrainingJob, backend: Backend) -> None:
    import torch
    from transformers import set_seed

    if backend == "cpu":
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    set_seed(job.config.seed)


def run_sft_stage(job: TrainingJob, backend: Backend) -> SftMetrics:
    instruct = load_split(job.instruct, INSTRUCT_COLUMNS, job.config, "instruct dataset")
    model, tokenizer, peft_config = load_for_training(job.base_model_path, job.config, backend)
    with tracking(job.tracking) as report_to:
        return run_sft(model, tokenizer, peft_config, sft_conversations(instruct.train),
                       sft_conversations(instruct.test), job.config, backend, job.output_dir, report_to,
                       instruct.test_from_train)  # fmt: skip


def run_dpo_stage(job: TrainingJob, backend: Backend, sft_adapter: Path) -> DpoMetrics | None:
    """Merge the SFT adapter, then DPO with a new LoRA on that merged model (its own reference)."""
    if job.preference is None or not job.config.dpo.enabled:
        logger.info(
            "DPO skipped: " + ("disabled in the config" if job.preference else "no preference dataset")
        )
        return None
    preference = load_split(job.preference, PREFERENCE_COLUMNS, job.config, "preference dataset")
    sft_merged = merge_adapter(job.base_model_path, sft_adapter, job.output_dir / "sft_merged", backend)
    model, tokenizer, _ = load_for_training(str(sft_merged), job.config, backend)
    with tracking(job.tracking) as report_to:
        return run_dpo(model, tokenizer, lora_config(job.config) if backend != "unsloth" else None,
                       preference_conversations(preference.train), preference_conversations(preference.test),
                       job.config, backend, job.output_dir, report_to, preference.test_from_train,
                       sft_merged)  # fmt: skip


def finalize(job: TrainingJob, backend: Backend, sft: SftMetrics, dpo: DpoMetrics | None) -> TrainingMetrics:
    """The final adapter (DPO's, else SFT's), merged when asked, pushed when asked; metrics.json."""
    final_adapter = Path(dpo.adapter_dir if dpo else sft.adapter_dir)
    merged_dir = None
    if job.config.save_merged:
        base_of_final = dpo.reference_model_dir if dpo else job.base_model_path
        merged_dir = merge_adapter(base_of_final, final_adapter, job.output_dir / "merged", backend)
    if job.config.push_to_hub:
        _push_adapter(final_adapter, job.config.push_to_hub)
    metrics = TrainingMetrics(
        base_model=job.config.base_model,
        backend=backend,
        seed=job.config.seed,
        sft=sft,
        dpo=dpo,
        final_adapter_dir=final_adapter.name,
        merged_model_dir=merged_dir.name if merged_dir else None,
        total_seconds=sft.stage_seconds + (dpo.stage_seconds if dpo else 0.0),
        report_to=job.tracking.report_to,
    )
    (job.output_dir / METRICS_FILE).write_text(metrics.model_dump_json(indent=2), encoding="utf-8")
    logger.info(f"Training done in {metrics.total_seconds:.0f} s: {job.output_dir / METRICS_FILE}")
    return metrics


def read_metrics(output_dir: Path) -> TrainingMetrics:
    return TrainingMetrics.model_validate(json.loads((output_dir / METRICS_FILE).read_text(encoding="utf-8")))


@contextlib.contextmanager
def tracking(settings: TrackingSettings) -> Iterator[str]:
    """The trainer's `report_to` for one stage: Comet (online, or an offline folder) or none.

    Comet's variables are set for the stage only, and its experiment is ended with the stage, so a stage
    is one experiment and nothing is left running at exit. The API key comes from the environment.
    """
    if settings.report_to != "comet_ml":
        logger.info("Experiment tracking off (report_to none): set COMET_API_KEY to log runs to Comet ML")
        yield "none"
        return
    values = {"COMET_PROJECT_NAME": settings.comet_project, "COMET_WORKSPACE": settings.comet_workspace}
    if settings.comet_offline_dir is not None:
        settings.comet_offline_dir.mkdir(parents=True, exist_ok=True)
        values |= {"COMET_START_ONLINE": "false", "COMET_OFFLINE_DIRECTORY": str(settings.comet_offline_dir)}
        logger.info(f"Comet ML offline: experiments saved under {settings.comet_offline_dir}")
    else:
        logger.info(f"Comet ML: logging to project {settings.comet_project}")
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update({name: value for name, value in values.items() if value})
    try:
        yield "comet_ml"
    finally:
        import comet_ml

        experiment = comet_ml.get_running_experiment()
        if experiment is not None:
            experiment.end()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _push_adapter(adapter_dir: Path, repo_id: str) -> None:
    from huggingface_hub import HfApi

    api = HfApi()  # the token comes from HF_TOKEN in the environment
    api.create_repo(repo_id, exist_ok=True, private=True)
    api.upload_folder(folder_path=str(adapter_dir), repo_id=repo_id)
    logger.info(f"Adapter pushed to the hub: {repo_id}")

"""Run a training stage here, or in the GPU job's own Python environment as a subprocess.

Unsloth pins older trl/transformers/datasets/torch than the main environment, so on a GPU box the training
runs in a separate environment (tools/gpu/requirements.txt); the job crosses over as a JSON file and the
stage's metrics come back as JSON files in the output folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from loguru import logger

from llm_engineering.infrastructure.errors import LLMTwinError
from llm_engineering.model.finetuning.config import TrainingJob
from llm_engineering.model.finetuning.metrics import DpoMetrics, SftMetrics, TrainingMetrics
from llm_engineering.model.finetuning.runner import (
    DPO_METRICS_FILE,
    JOB_FILE,
    METRICS_FILE,
    SFT_METRICS_FILE,
    Stage,
    run_stage,
)

PROJECT_ROOT = Path(__file__).resolve().parents[3]  # the code the subprocess imports


class TrainingJobFailed(LLMTwinError, RuntimeError):
    """The training subprocess exited with an error."""


def launch_stage(job: TrainingJob, stage: Stage, python: str | None = None,
                 env: dict[str, str] | None = None) -> TrainingMetrics | SftMetrics | DpoMetrics | None:  # fmt: skip
    """Run `stage` of `job`: in this process when `python` is None, else with that interpreter."""
    if python is None:
        return run_stage(job, stage)
    job.output_dir.mkdir(parents=True, exist_ok=True)
    job_file = job.output_dir / JOB_FILE
    job_file.write_text(job.model_dump_json(indent=2), encoding="utf-8")
    command = [python, "-m", "llm_engineering.model.finetuning.cli", str(job_file), stage]
    logger.info(f"Training stage '{stage}' in the GPU environment: {' '.join(command)}")
    child_env = {**os.environ, **(env or {}), "PYTHONPATH": str(PROJECT_ROOT)}
    # Relayed line by line: the caller's stdout may be a logging wrapper without a file descriptor.
    with subprocess.Popen(command, cwd=PROJECT_ROOT, env=child_env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, bufsize=1) as process:  # fmt: skip
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
    if process.returncode != 0:
        raise TrainingJobFailed(
            f"training stage '{stage}' failed in {python} (exit code {process.returncode}); its log is above"
        )
    return read_stage_metrics(job.output_dir, stage)


def read_stage_metrics(output_dir: Path, stage: Stage) -> TrainingMetrics | SftMetrics | DpoMetrics | None:
    if stage == "sft":
        return SftMetrics.model_validate_json((output_dir / SFT_METRICS_FILE).read_text(encoding="utf-8"))
    if stage == "dpo":
        path = output_dir / DPO_METRICS_FILE
        return DpoMetrics.model_validate_json(path.read_text(encoding="utf-8")) if path.is_file() else None
    return TrainingMetrics.model_validate_json((output_dir / METRICS_FILE).read_text(encoding="utf-8"))

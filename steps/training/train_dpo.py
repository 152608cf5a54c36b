import os
from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.model.finetuning.job import TrainingJob
from llm_engineering.model.finetuning.launcher import launch_stage
from llm_engineering.model.finetuning.metrics import DpoStageResult, SftMetrics
from steps.training.environment import training_env, training_python


@step
def train_dpo(training_job: TrainingJob, sft_metrics: SftMetrics) -> Annotated[DpoStageResult, "dpo_result"]:
    """DPO with a new LoRA on the merged SFT model (also its reference), on the preference dataset."""
    python = training_python()
    if python is None:
        os.environ.update(training_env())
    metrics = launch_stage(training_job, "dpo", python=python, env=training_env())
    result = DpoStageResult(metrics=metrics)
    get_step_context().add_output_metadata(
        output_name="dpo_result", metadata=metrics.model_dump() if metrics else {"skipped": True}
    )
    return result

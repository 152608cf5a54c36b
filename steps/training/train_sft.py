import os
from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.model.finetuning.job import TrainingJob
from llm_engineering.model.finetuning.launcher import launch_stage
from llm_engineering.model.finetuning.metrics import SftMetrics
from steps.training.environment import training_env, training_python


@step
def train_sft(training_job: TrainingJob) -> Annotated[SftMetrics, "sft_metrics"]:
    """SFT with LoRA on the instruction dataset, eval loss before and after (here, or in the GPU environment)."""
    python = training_python()
    if python is None:
        os.environ.update(training_env())
    metrics = launch_stage(training_job, "sft", python=python, env=training_env())
    get_step_context().add_output_metadata(output_name="sft_metrics", metadata=metrics.model_dump())
    return metrics

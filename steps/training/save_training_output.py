from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.model.finetuning.job import TrainingJob
from llm_engineering.model.finetuning.launcher import launch_stage
from llm_engineering.model.finetuning.metrics import DpoStageResult, SftMetrics, TrainingMetrics
from steps.training.environment import training_env, training_python


@step
def save_training_output(
    training_job: TrainingJob, sft_metrics: SftMetrics, dpo_result: DpoStageResult
) -> Annotated[TrainingMetrics, "training_metrics"]:
    """The final adapter (with tokenizer and chat template), the merged model when asked, metrics.json."""
    metrics = launch_stage(training_job, "finalize", python=training_python(), env=training_env())
    get_step_context().add_output_metadata(
        output_name="training_metrics",
        metadata={"output_dir": str(training_job.output_dir), "final_adapter_dir": metrics.final_adapter_dir,
                  "backend": metrics.backend, "total_seconds": metrics.total_seconds},
    )  # fmt: skip
    return metrics

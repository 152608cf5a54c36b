from pathlib import Path
from typing import Annotated, Any

from zenml import get_step_context, log_metadata, step

from llm_engineering.model.finetuning.job import TrainingDataset, TrainingJob
from llm_engineering.model.finetuning.metrics import TrainingMetrics
from llm_engineering.model.registry import ADAPTER_KEY, MERGED_KEY


@step
def register_model(
    instruct_dataset: TrainingDataset,
    preference_dataset: TrainingDataset,
    training_job: TrainingJob,
    training_metrics: TrainingMetrics,
) -> Annotated[str, "adapter_dir"]:
    """Record the run on this pipeline's `llm_twin` model version: data, settings, backend and metrics.

    The dataset artifacts of the run are linked to the same version by ZenML (the pipeline's model).
    """
    adapter_dir = str(Path(training_job.output_dir) / training_metrics.final_adapter_dir)
    metadata = version_metadata(
        instruct_dataset, preference_dataset, training_job, training_metrics, adapter_dir
    )
    log_metadata(metadata=metadata, infer_model=True)
    get_step_context().add_output_metadata(output_name="adapter_dir", metadata={"adapter_dir": adapter_dir})
    return adapter_dir


def version_metadata(instruct: TrainingDataset, preference: TrainingDataset, job: TrainingJob,
                     metrics: TrainingMetrics, adapter_dir: str) -> dict[str, Any]:  # fmt: skip
    dpo = metrics.dpo
    metadata = {
        "base_model": job.config.base_model,
        "base_model_path": job.base_model_path,
        "datasets": {"instruct": instruct.summary(), "preference": preference.summary()},
        "hyperparameters": job.config.model_dump(mode="json"),
        "backend": metrics.backend,
        "tokens_per_s": round(metrics.sft.tokens_per_s, 1),
        "sft_eval_loss_before": metrics.sft.eval_loss_before,
        "sft_eval_loss_after": metrics.sft.eval_loss_after,
        "sft_train_loss": metrics.sft.train_loss,
        "sft_train_samples": metrics.sft.train_samples,
        "sft_eval_samples": metrics.sft.eval_samples,
        "dpo_reward_accuracy": dpo.reward_accuracy if dpo else None,
        "dpo_reward_margin": dpo.reward_margin if dpo else None,
        "dpo_eval_loss": dpo.eval_loss if dpo else None,
        "dpo_train_samples": dpo.train_samples if dpo else None,
        # What evaluation and inference load from this version (llm_engineering.model.registry.TwinVersion).
        ADAPTER_KEY: adapter_dir,
        MERGED_KEY: str(Path(job.output_dir) / metrics.merged_model_dir)
        if metrics.merged_model_dir
        else None,
        "output_dir": str(job.output_dir),
        "training_seconds": round(metrics.total_seconds, 1),
        "report_to": metrics.report_to,
    }
    return _without_none(metadata)


def _without_none(value: Any) -> Any:
    """ZenML metadata has no null: absent values are left out."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value

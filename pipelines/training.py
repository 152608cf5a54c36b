from typing import Any

from zenml import pipeline

from pipelines.docker_settings import gpu_step_options
from steps.registry import twin_model
from steps.training import (
    load_training_datasets,
    prepare_training_job,
    register_model,
    save_training_output,
    train_dpo,
    train_sft,
)
from steps.training.failure import discard_model_version

# Where the dataset pipeline saves its datasets (relative to the project).
DEFAULT_INSTRUCT_DATASET = ".data/datasets/instruction"
DEFAULT_PREFERENCE_DATASET = ".data/datasets/preference"


# No step caching: a run trains; every run is a new `llm_twin` model version (ZenML Model Control Plane),
# deleted again when the run fails.
@pipeline(enable_cache=False, model=twin_model(), on_failure=discard_model_version)
def training(
    instruct_dataset: str = DEFAULT_INSTRUCT_DATASET,
    preference_dataset: str = DEFAULT_PREFERENCE_DATASET,
    training: dict[str, Any] | None = None,
    output_dir: str | None = None,
    comet_offline_dir: str | None = None,
    step_operator: str | None = None,
    step_operator_settings: dict[str, Any] | None = None,
) -> None:
    """SFT on the instruction dataset, then DPO on the preference dataset, both with LoRA; registered.

    `training` holds the hyperparameters (`llm_engineering.model.finetuning.config.TrainingConfig`).
    `step_operator` names a step operator of the active stack (e.g. SageMaker, Vertex): SFT and DPO then
    run there in the GPU image (docker/gpu.Dockerfile), with `step_operator_settings` (its flavor's
    settings, e.g. the instance type); None runs them with the orchestrator.
    """
    instruct, preference = load_training_datasets(instruct_dataset, preference_dataset)
    job = prepare_training_job(instruct, preference, training, output_dir, comet_offline_dir)
    on_gpu = gpu_step_options(step_operator, step_operator_settings)
    sft_metrics = train_sft.with_options(**on_gpu)(job)
    dpo_result = train_dpo.with_options(**on_gpu)(job, sft_metrics)
    metrics = save_training_output(job, sft_metrics, dpo_result)
    register_model(instruct, preference, job, metrics)

from typing import Any

from zenml import pipeline

from steps.registry import twin_model
from steps.training import (
    load_training_datasets,
    prepare_training_job,
    register_model,
    save_training_output,
    train_dpo,
    train_sft,
)

DEFAULT_INSTRUCT_DATASET = "../shared/data/handbook/artifacts/instruct_datasets.json"
DEFAULT_PREFERENCE_DATASET = "../shared/data/handbook/artifacts/preference_datasets.json"


# No step caching: a run trains; every run is a new `llm_twin` model version (ZenML Model Control Plane).
@pipeline(enable_cache=False, model=twin_model())
def training(
    instruct_dataset: str = DEFAULT_INSTRUCT_DATASET,
    preference_dataset: str = DEFAULT_PREFERENCE_DATASET,
    training: dict[str, Any] | None = None,
    output_dir: str | None = None,
    comet_offline_dir: str | None = None,
) -> None:
    """SFT on the instruction dataset, then DPO on the preference dataset, both with LoRA; registered.

    `training` holds the hyperparameters (`llm_engineering.model.finetuning.config.TrainingConfig`).
    """
    instruct, preference = load_training_datasets(instruct_dataset, preference_dataset)
    job = prepare_training_job(instruct, preference, training, output_dir, comet_offline_dir)
    sft_metrics = train_sft(job)
    dpo_result = train_dpo(job, sft_metrics)
    metrics = save_training_output(job, sft_metrics, dpo_result)
    register_model(instruct, preference, job, metrics)

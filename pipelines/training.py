from zenml import Model, pipeline

from llm_engineering.model import TWIN_MODEL_NAME
from pipelines.config import TrainingRunConfig
from steps.training import (
    load_training_datasets,
    prepare_training_job,
    register_model,
    save_training_output,
    train_dpo,
    train_sft,
)

TWIN_MODEL = Model(
    name=TWIN_MODEL_NAME,
    description="The LLM Twin: a small open model fine-tuned (SFT then DPO, LoRA) to write like its author.",
    tags=["llm-twin", "lora", "sft", "dpo"],
)


# No step caching: a run trains; every run is a new `llm_twin` model version (ZenML Model Control Plane).
@pipeline(enable_cache=False, model=TWIN_MODEL)
def training(config: TrainingRunConfig) -> None:
    """SFT on the instruction dataset, then DPO on the preference dataset, both with LoRA; registered."""
    instruct, preference = load_training_datasets(config.instruct_dataset, config.preference_dataset)
    job = prepare_training_job(
        instruct, preference, config.training, config.output_dir, config.comet_offline_dir
    )
    sft_metrics = train_sft(job)
    dpo_result = train_dpo(job, sft_metrics)
    metrics = save_training_output(job, sft_metrics, dpo_result)
    register_model(instruct, preference, job, metrics)

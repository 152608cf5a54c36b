from zenml import pipeline

from pipelines.config import TrainingRunConfig
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


# No step caching: a run trains; every run is a new `llm_twin` model version (ZenML Model Control Plane),
# deleted again when the run fails.
@pipeline(enable_cache=False, model=twin_model(), on_failure=discard_model_version)
def training(config: TrainingRunConfig) -> None:
    """SFT on the instruction dataset, then DPO on the preference dataset, both with LoRA; registered.

    With `step_operator` (a step operator of the active stack, e.g. SageMaker, Vertex) SFT and DPO run there
    in the GPU image (docker/gpu.Dockerfile), with `step_operator_settings`; otherwise with the orchestrator.
    """
    instruct, preference = load_training_datasets(config.instruct_dataset, config.preference_dataset)
    job = prepare_training_job(
        instruct, preference, config.training, config.output_dir, config.comet_offline_dir
    )
    on_gpu = gpu_step_options(config.step_operator, config.step_operator_settings)
    sft_metrics = train_sft.with_options(**on_gpu)(job)
    dpo_result = train_dpo.with_options(**on_gpu)(job, sft_metrics)
    metrics = save_training_output(job, sft_metrics, dpo_result)
    register_model(instruct, preference, job, metrics)

from datetime import datetime
from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.model.finetuning.config import PACKAGED_BASE_MODEL, TrackingSettings, TrainingConfig
from llm_engineering.model.finetuning.job import TrainingDataset, TrainingJob, prepare_job
from llm_engineering.model.packaged_model import packaged_model_dir
from llm_engineering.settings import get_settings, resolve_path


@step
def prepare_training_job(
    instruct_dataset: TrainingDataset,
    preference_dataset: TrainingDataset,
    config: TrainingConfig,
    output_dir: str | None,
    comet_offline_dir: str | None,
) -> Annotated[TrainingJob, "training_job"]:
    """Resolve the base model and the output folder, write the job's data files."""
    settings = get_settings()
    run_name = get_step_context().pipeline_run.name
    folder = resolve_path(output_dir) if output_dir else resolve_path(settings.TRAINING_OUTPUT_DIR) / run_name
    base_model_path = (
        str(packaged_model_dir()) if config.base_model == PACKAGED_BASE_MODEL else config.base_model
    )
    tracking = TrackingSettings(
        report_to="comet_ml" if settings.COMET_API_KEY or comet_offline_dir else "none",
        comet_project=settings.COMET_PROJECT,
        comet_workspace=settings.COMET_WORKSPACE,
        comet_offline_dir=resolve_path(comet_offline_dir) if comet_offline_dir else None,
    )
    job = prepare_job(
        config, base_model_path, folder.resolve(), instruct_dataset, preference_dataset, tracking
    )
    get_step_context().add_output_metadata(
        output_name="training_job",
        metadata={"output_dir": str(job.output_dir), "base_model": config.base_model,
                  "base_model_path": base_model_path, "report_to": tracking.report_to,
                  "prepared_at": f"{datetime.now():%Y-%m-%d %H:%M:%S}"},
    )  # fmt: skip
    return job

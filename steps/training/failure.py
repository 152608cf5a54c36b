"""What a failed training run leaves behind: no `llm_twin` model version (ZenML creates one when the run
starts; a run that trained nothing must not look like a model)."""

from loguru import logger
from zenml import get_step_context
from zenml.client import Client


def discard_model_version() -> None:
    """The pipeline's failure hook: delete the model version this run created."""
    run = get_step_context().pipeline_run
    version = run.model_version
    if version is None:
        return
    Client().delete_model_version(version.id)
    logger.warning(
        f"Training run '{run.name}' failed: its model version {version.model.name} {version.name} was deleted."
    )

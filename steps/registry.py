"""The ZenML model registry (Model Control Plane) as the hand-off between training, evaluation and inference:
a version is addressed by number, by `latest`, or by a stage such as `production`, and its model folders are
read from the metadata training recorded on it (`llm_engineering.model.registry.TwinVersion`)."""

from __future__ import annotations

from typing import Any

from loguru import logger

from llm_engineering.model import TWIN_MODEL_NAME
from llm_engineering.model.evaluation.promotion import PromotionDecision, decide_promotion
from llm_engineering.model.registry import ModelVersionError, TwinVersion

STAGES = ("latest", "production", "staging", "archived")


def twin_model() -> Any:
    """The ZenML Model the training and evaluation pipelines declare. No version: a run makes a new one,
    unless its config's `model: version:` names an existing one (what `evaluate --model-version` sets)."""
    from zenml import Model

    return Model(
        name=TWIN_MODEL_NAME,
        description="The LLM Twin: a small open model fine-tuned (SFT then DPO, LoRA) to write like its author.",
        tags=["llm-twin", "lora", "sft", "dpo"],
    )


def version_selector(spec: str) -> Any:
    """What ZenML looks a version up by: a number, a stage, or else the version's name."""
    from zenml.enums import ModelStages

    value = spec.strip()
    if value.isdigit():
        return int(value)
    if value.lower() in STAGES:
        return ModelStages(value.lower())
    if not value:
        raise ModelVersionError(
            "--model-version is empty: give a number, `latest` or a stage (production, staging, archived)."
        )
    return value


def twin_version(spec: str | int, model_name: str = TWIN_MODEL_NAME) -> TwinVersion:
    """The registered version `spec` names; a clear error when the model or the version does not exist."""
    from zenml.client import Client

    client = Client()
    try:
        client.get_model(model_name)
    except KeyError:
        raise ModelVersionError(
            f"the model registry has no `{model_name}` model yet: train one with "
            "`poetry poe run-training-pipeline`, or pass --model-dir with a model folder."
        ) from None
    try:
        version = client.get_model_version(model_name, version_selector(str(spec)))
    except KeyError:
        raise ModelVersionError(
            f"`{model_name}` has no version `{spec}` ({_known_versions(client, model_name)}). Give a number, "
            "`latest` or a stage (production, staging, archived)."
        ) from None
    return to_twin_version(version)


def to_twin_version(version: Any) -> TwinVersion:
    """A ZenML model version response as a TwinVersion."""
    stage = getattr(version.stage, "value", version.stage)
    return TwinVersion.from_metadata(
        version.model.name, version.number, stage, dict(version.run_metadata or {})
    )


def version_by_id(model_version_id: Any) -> TwinVersion:
    """The version a pipeline run works on (its step context's `model.id`)."""
    from zenml.client import Client

    return to_twin_version(Client().get_model_version(model_version_name_or_number_or_id=model_version_id))


def _known_versions(client: Any, model_name: str) -> str:
    versions = list(client.list_model_versions(model=model_name, sort_by="desc:number", size=20))
    if not versions:
        return "it has no versions"
    listed = [f"{v.number}" + (f" ({v.stage})" if v.stage and v.stage != "none" else "") for v in versions]
    return "versions: " + ", ".join(listed)


def production_or_latest(model_name: str = TWIN_MODEL_NAME) -> TwinVersion | None:
    """The version a service serves by default: `production`, else the newest; None when none is registered."""
    for stage in ("production", "latest"):
        try:
            return twin_version(stage, model_name)
        except ModelVersionError:
            continue
    return None


def record_and_promote(model_version_id: Any, metadata: dict[str, Any]) -> PromotionDecision:
    """Attach the evaluation metadata to the version, then promote it when it beats production."""
    from zenml import log_metadata
    from zenml.client import Client
    from zenml.enums import ModelStages

    client = Client()
    log_metadata(metadata=metadata, model_version_id=model_version_id)
    version = client.get_model_version(model_version_name_or_number_or_id=model_version_id)
    name, number = version.model.name, str(version.number)
    try:
        production = client.get_model_version(name, ModelStages.PRODUCTION)
    except KeyError:
        production = None
    if production is not None and production.id == version.id:
        return PromotionDecision(
            promote=False,
            reason="already the production version",
            model_version=number,
            production_version=number,
        )
    decision = decide_promotion(
        metadata,
        dict(production.run_metadata) if production is not None else None,
        str(production.number) if production is not None else None,
    )
    decision.model_version = number
    if decision.promote:
        client.update_model_version(name, version.id, stage=ModelStages.PRODUCTION, force=True)
    logger.info(
        f"{name} version {number}: {'promoted to production' if decision.promote else 'not promoted'} ({decision.reason})"
    )
    return decision

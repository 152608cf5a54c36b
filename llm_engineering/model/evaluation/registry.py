"""The evaluated model's version in the ZenML Model Control Plane: finding it, recording the evaluation on
it and promoting it to `production` by the promotion rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from loguru import logger

from llm_engineering.model import TWIN_MODEL_NAME
from llm_engineering.model.evaluation.promotion import PromotionDecision, decide_promotion

TRAINING_METRICS_FILE = "metrics.json"  # a training output folder's summary (written by training)
# Metadata keys naming the folders a version's model lives in; never its base model's folder, which many
# versions share.
FOLDER_KEYS = ("adapter_dir", "output_dir", "merged_dir", "eval_model_dir")
VERSION_KEYS = ("model_version", "zenml_model_version")


def _version_from_training_output(model_dir: Path) -> str | None:
    """The version named in the metrics file of the training output the model folder is, or sits in."""
    for folder in (model_dir, *list(model_dir.parents)[:2]):
        metrics_file = folder / TRAINING_METRICS_FILE
        if metrics_file.is_file():
            try:
                metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                logger.warning(
                    f"{metrics_file} is not valid JSON; looking the model version up by path instead."
                )
                return None
            for key in VERSION_KEYS:
                if metrics.get(key) is not None:
                    return str(metrics[key])
    return None


def _names_folder(value: Any, model_dir: Path) -> bool:
    """Whether a metadata value is the model folder or the folder holding it (a training output folder
    holds its adapters)."""
    if not isinstance(value, str) or not value:
        return False
    candidate = Path(value).expanduser().resolve()
    return candidate in (model_dir, model_dir.parent)


def find_model_version(model_dir: str | Path, model_name: str = TWIN_MODEL_NAME) -> Any:
    """The model version that the training pipeline registered for `model_dir`: the one named in its
    training metrics file, else the newest whose metadata names that folder (or the training output
    folder holding it). A model that no training run
    registered (e.g. a merged folder made by hand) gets a new version, so its scores never land on
    another model's version."""
    from zenml.client import Client

    client = Client()
    folder = Path(model_dir).expanduser().resolve()
    version = _version_from_training_output(folder)
    if version is not None:
        try:
            return client.get_model_version(model_name, version)
        except KeyError:
            logger.warning(
                f"{model_name} version {version} named in the training metrics is not registered here."
            )
    try:
        client.get_model(model_name)
    except KeyError:
        client.create_model(name=model_name, description="The LLM twin: fine-tuned to write like its author.")
    else:
        for candidate in client.list_model_versions(
            model_name_or_id=model_name, sort_by="desc:number", size=50
        ):
            metadata = client.get_model_version(model_name, candidate.id).run_metadata
            if any(_names_folder(metadata.get(key), folder) for key in FOLDER_KEYS):
                return client.get_model_version(model_name, candidate.id)
    logger.info(f"No {model_name} version is registered for {folder}; creating one for this evaluation.")
    return client.create_model_version(
        model_name_or_id=model_name, description=f"Evaluated model at {folder} (not registered by training)."
    )


def record_and_promote(model_version: Any, metadata: dict[str, Any]) -> PromotionDecision:
    """Attach the evaluation metadata to the version, then promote it when it beats production."""
    from zenml import log_metadata
    from zenml.client import Client
    from zenml.enums import ModelStages

    client = Client()
    log_metadata(metadata=metadata, model_version_id=model_version.id)
    name, number = model_version.model.name, str(model_version.number)
    try:
        production = client.get_model_version(name, ModelStages.PRODUCTION)
    except KeyError:
        production = None
    if production is not None and production.id == model_version.id:
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
        client.update_model_version(name, model_version.id, stage=ModelStages.PRODUCTION, force=True)
    logger.info(
        f"{name} version {number}: {'promoted to production' if decision.promote else 'not promoted'} ({decision.reason})"
    )
    return decision

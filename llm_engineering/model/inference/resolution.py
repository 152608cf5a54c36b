"""Which model answers as the twin, from the settings, in this order:

1. `INFERENCE_LLM_BASE_URL`: an OpenAI-compatible endpoint serving `INFERENCE_LLM_MODEL_ID`;
2. `INFERENCE_LLM_MODEL_PATH`: a local model folder (merged, or base + LoRA adapter, or a training output);
3. the `llm_twin` model of the ZenML model registry: its `production` version, else its newest one, when
   that version's metadata names a model folder present on this machine;
4. the packaged small instruct model (SmolLM2-135M-Instruct), so a fresh clone answers with no server or key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loguru import logger
from pydantic import BaseModel

from llm_engineering.model import TWIN_MODEL_NAME
from llm_engineering.model.inference.generators import EndpointGenerator, Generator, LocalGenerator
from llm_engineering.settings import Settings, get_settings

# Metadata keys under which a model version may name its saved folder, most specific first.
MODEL_FOLDER_KEYS = ("merged_model_dir", "model_dir", "model_path", "adapter_dir", "output_dir")


class GeneratorChoice(BaseModel):
    kind: str  # "endpoint" | "local_path" | "registry" | "packaged"
    location: str | None
    description: str


def _registry_model_folder() -> tuple[str, str] | None:
    """(folder, 'llm_twin version X (stage)') of the production or newest registry version, if usable."""
    try:
        from zenml.client import Client
        from zenml.enums import ModelStages
    except ImportError:
        return None
    client = Client()
    for stage in (ModelStages.PRODUCTION, ModelStages.LATEST):
        try:
            version: Any = client.get_model_version(TWIN_MODEL_NAME, stage)
        except (KeyError, RuntimeError, ValueError):  # no such model, or no version in that stage
            continue
        metadata = dict(version.run_metadata or {})
        for key in MODEL_FOLDER_KEYS:
            value = metadata.get(key)
            if isinstance(value, str) and Path(value).is_dir():
                return value, f"{TWIN_MODEL_NAME} version {version.name} ({stage.value})"
        logger.info(
            f"{TWIN_MODEL_NAME} version {version.name} ({stage.value}) names no model folder on this machine "
            f"(metadata keys tried: {', '.join(MODEL_FOLDER_KEYS)})."
        )
    return None


def choose_generator(settings: Settings | None = None, use_registry: bool = True) -> GeneratorChoice:
    settings = settings or get_settings()
    if settings.INFERENCE_LLM_BASE_URL:
        return GeneratorChoice(
            kind="endpoint",
            location=settings.INFERENCE_LLM_BASE_URL,
            description=f"OpenAI-compatible endpoint {settings.INFERENCE_LLM_BASE_URL} "
            f"(model '{settings.INFERENCE_LLM_MODEL_ID}')",
        )
    if settings.INFERENCE_LLM_MODEL_PATH:
        path = settings.resolve_path(settings.INFERENCE_LLM_MODEL_PATH)
        if not path.is_dir():
            raise FileNotFoundError(
                f"INFERENCE_LLM_MODEL_PATH={settings.INFERENCE_LLM_MODEL_PATH} is not a folder. Point it at a "
                "merged model or LoRA adapter folder saved by training, or unset it."
            )
        return GeneratorChoice(
            kind="local_path", location=str(path), description=f"local model folder {path}"
        )
    if use_registry:
        found = _registry_model_folder()
        if found:
            return GeneratorChoice(
                kind="registry", location=found[0], description=f"{found[1]} at {found[0]}"
            )
    return GeneratorChoice(
        kind="packaged",
        location=None,
        description="packaged small instruct model SmolLM2-135M-Instruct (no fine-tuned twin configured: "
        "set INFERENCE_LLM_BASE_URL or INFERENCE_LLM_MODEL_PATH, or register an llm_twin model version)",
    )


def build_generator(choice: GeneratorChoice, settings: Settings | None = None) -> Generator:
    settings = settings or get_settings()
    if choice.kind == "endpoint":
        return EndpointGenerator(
            base_url=choice.location or "",
            model_id=settings.INFERENCE_LLM_MODEL_ID,
            api_key=settings.INFERENCE_LLM_API_KEY,
            timeout_s=settings.INFERENCE_LLM_TIMEOUT_S,
        )
    return LocalGenerator(choice.location, choice.description, device=settings.RAG_MODEL_DEVICE)

"""Which model answers as the twin, in this order:

1. `INFERENCE_LLM_BASE_URL`: an OpenAI-compatible endpoint serving `INFERENCE_LLM_MODEL_ID`;
2. `INFERENCE_LLM_MODEL_PATH`: a local model folder (merged, or base + LoRA adapter, or a training output);
3. a registered `llm_twin` version, when the caller looked one up (the CLI reads the model registry: the
   version `--model-version` names, else `production`, else the newest);
4. the packaged small instruct model (SmolLM2-135M-Instruct), so a fresh clone answers with no server or key.
"""

from __future__ import annotations

from loguru import logger
from pydantic import BaseModel

from llm_engineering.infrastructure.errors import ImproperlyConfigured
from llm_engineering.model.inference.generators import EndpointGenerator, Generator, LocalGenerator
from llm_engineering.model.registry import ModelVersionError, TwinVersion
from llm_engineering.settings import Settings, get_settings


class GeneratorChoice(BaseModel):
    kind: str  # "endpoint" | "local_path" | "registry" | "packaged"
    location: str | None
    description: str
    model_version: TwinVersion | None = None  # the registered version served (kind "registry")

    @classmethod
    def for_version(cls, version: TwinVersion) -> GeneratorChoice:
        """The version's merged model, else its adapter; ModelVersionError when neither is on this machine."""
        folder = version.folder_for_inference()
        return cls(
            kind="registry",
            location=folder,
            description=f"{version.label} at {folder}",
            model_version=version,
        )

    @classmethod
    def for_folder(cls, folder: str) -> GeneratorChoice:
        return cls(kind="local_path", location=folder, description=f"local model folder {folder}")


def choose_generator(
    settings: Settings | None = None, registered: TwinVersion | None = None
) -> GeneratorChoice:
    """The choice by the order above; `registered` is the registry's default version, if any."""
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
            raise ImproperlyConfigured(
                f"INFERENCE_LLM_MODEL_PATH={settings.INFERENCE_LLM_MODEL_PATH} is not a folder. Point it at a "
                "merged model or LoRA adapter folder saved by training, or unset it."
            )
        return GeneratorChoice.for_folder(str(path))
    if registered is not None:
        try:
            return GeneratorChoice.for_version(registered)
        except ModelVersionError as error:
            logger.warning(f"Not serving the registered twin: {error}")
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

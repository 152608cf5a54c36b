"""Which twin a command works on: a registered `llm_twin` version (`--model-version`: a number, `latest` or a
stage such as `production`) or a folder outside the registry (`--model-dir`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tools.cli_support import fail

if TYPE_CHECKING:
    from llm_engineering.model.inference.resolution import GeneratorChoice
    from llm_engineering.model.registry import TwinVersion


def registered_version(spec: str, model_name: str, for_inference: bool = False) -> TwinVersion:
    """The version `spec` addresses, with a model folder present on this machine; fails with the reason."""
    from llm_engineering.model.registry import ModelVersionError
    from steps.registry import twin_version

    try:
        version = twin_version(spec, model_name)
        version.folder_for_inference() if for_inference else version.folder_for_evaluation()
    except ModelVersionError as error:
        fail(str(error))
    return version


def model_folder(model_dir: Path) -> str:
    """`--model-dir` as an absolute folder; fails when it is not one."""
    folder = model_dir.expanduser()
    if not folder.is_dir():
        fail(
            f"--model-dir {model_dir} is not a folder; give a training output, adapter or merged model "
            "folder, or a registered version with --model-version."
        )
    return str(folder.resolve())


def serving_choice(model_version: str | None, model_dir: Path | None) -> GeneratorChoice:
    """The service's model: the version or folder asked for; else by the settings (endpoint, then
    INFERENCE_LLM_MODEL_PATH), then the registry's `production` or newest version, then the packaged model."""
    from llm_engineering.model import TWIN_MODEL_NAME
    from llm_engineering.model.inference.resolution import GeneratorChoice, choose_generator
    from llm_engineering.settings import get_settings
    from steps.registry import production_or_latest

    if model_version is not None and model_dir is not None:
        fail("give either --model-version (a registered version) or --model-dir (a folder), not both.")
    if model_version is not None:
        return GeneratorChoice.for_version(registered_version(model_version, TWIN_MODEL_NAME, True))
    if model_dir is not None:
        return GeneratorChoice.for_folder(model_folder(model_dir))
    settings = get_settings()
    if settings.INFERENCE_LLM_BASE_URL or settings.INFERENCE_LLM_MODEL_PATH:
        return choose_generator(settings)
    return choose_generator(settings, production_or_latest())

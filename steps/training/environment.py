"""Where a training stage runs (the GPU environment's Python, when configured) and what it is told."""

from __future__ import annotations

from llm_engineering.settings import get_settings


def training_python() -> str | None:
    return get_settings().TRAINING_GPU_PYTHON


def training_env() -> dict[str, str]:
    """Secrets the trainer's libraries read from the environment (Comet, the Hub), never logged."""
    settings = get_settings()
    env = {}
    if settings.COMET_API_KEY:
        env["COMET_API_KEY"] = settings.COMET_API_KEY.get_secret_value()
    if settings.HUGGINGFACE_ACCESS_TOKEN:
        env["HF_TOKEN"] = settings.HUGGINGFACE_ACCESS_TOKEN.get_secret_value()
    return env

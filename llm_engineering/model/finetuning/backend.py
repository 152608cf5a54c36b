"""Which backend trains: Unsloth (CUDA + unsloth importable), TRL + PEFT on CUDA (bf16), or on the CPU (fp32)."""

from __future__ import annotations

import importlib.util

from loguru import logger

from llm_engineering.infrastructure.errors import LLMTwinError
from llm_engineering.model.finetuning.config import Backend


class BackendUnavailable(LLMTwinError, RuntimeError):
    """The requested backend cannot run on this machine."""


def detect_backend(requested: str = "auto") -> Backend:
    import torch

    cuda = torch.cuda.is_available()
    unsloth = importlib.util.find_spec("unsloth") is not None
    if requested == "auto":
        backend: Backend = "unsloth" if cuda and unsloth else "cuda" if cuda else "cpu"
        logger.info(f"Training backend: {backend} (auto: CUDA {'yes' if cuda else 'no'}, Unsloth "
                    f"{'importable' if unsloth else 'not installed'})")  # fmt: skip
        return backend
    if requested in ("unsloth", "cuda") and not cuda:
        raise BackendUnavailable(
            f"backend '{requested}' needs a CUDA GPU and torch sees none: use backend 'cpu' or 'auto'"
        )
    if requested == "unsloth" and not unsloth:
        raise BackendUnavailable(
            "backend 'unsloth' needs the unsloth package: run the GPU job in its own environment "
            "(tools/gpu/requirements.txt) or use backend 'cuda'"
        )
    if requested not in ("unsloth", "cuda", "cpu"):
        raise BackendUnavailable(f"unknown backend '{requested}': use auto, unsloth, cuda or cpu")
    logger.info(f"Training backend: {requested} (requested)")
    return requested  # type: ignore[return-value]

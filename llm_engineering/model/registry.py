"""A version of the twin in the model registry, as the rest of the code sees it: its number, stage and the
folders its training run saved. Reading it from the registry is the job of `steps.registry` (ZenML stays out
of this package); this module only says which folder serves which purpose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from llm_engineering.infrastructure.errors import LLMTwinError
from llm_engineering.model import TWIN_MODEL_NAME

# The version metadata keys that training writes (steps/training/register_model.py).
ADAPTER_KEY = "adapter_dir"
MERGED_KEY = "merged_model_dir"
BASE_KEY = "base_model_path"


class ModelVersionError(LLMTwinError):
    """The asked model version does not exist, or names no model folder present on this machine."""


class TwinVersion(BaseModel):
    """One registered version: what `--model-version` resolves to."""

    name: str = TWIN_MODEL_NAME
    number: int
    stage: str | None = None
    adapter_dir: str | None = None  # the final LoRA adapter of the training run
    merged_model_dir: str | None = None  # the adapter merged into its base, when training saved one
    base_model_path: str | None = None

    @classmethod
    def from_metadata(
        cls, name: str, number: int, stage: str | None, metadata: dict[str, Any]
    ) -> TwinVersion:
        def text(key: str) -> str | None:
            value = metadata.get(key)
            return value if isinstance(value, str) and value else None

        return cls(
            name=name,
            number=number,
            stage=stage if stage and stage != "none" else None,
            adapter_dir=text(ADAPTER_KEY),
            merged_model_dir=text(MERGED_KEY),
            base_model_path=text(BASE_KEY),
        )

    @property
    def label(self) -> str:
        """'llm_twin version 3 (production)'."""
        return f"{self.name} version {self.number}" + (f" ({self.stage})" if self.stage else "")

    def folder_for_evaluation(self) -> str:
        """The adapter (it names its base, so the base model answers too), else the merged model."""
        return self._first_present([ADAPTER_KEY, MERGED_KEY])

    def folder_for_inference(self) -> str:
        """The merged model (nothing to merge at load time), else the adapter."""
        return self._first_present([MERGED_KEY, ADAPTER_KEY])

    def _first_present(self, keys: list[str]) -> str:
        named = {key: getattr(self, key) for key in keys if getattr(self, key)}
        for folder in named.values():
            if Path(folder).is_dir():
                return folder
        if not named:
            raise ModelVersionError(
                f"{self.label} names no model folder (metadata keys {', '.join(keys)} are absent): it was not "
                "registered by the training pipeline. Train one with `poetry poe run-training-pipeline`, or "
                "pass --model-dir with a model folder."
            )
        listed = ", ".join(f"{key}={value}" for key, value in named.items())
        raise ModelVersionError(
            f"{self.label} names {listed}, but no such folder is on this machine (trained elsewhere, or "
            "deleted). Copy the folder here, or pass --model-dir with a model folder."
        )

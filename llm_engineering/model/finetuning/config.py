"""The plain training config (from the YAML) and the job handed to the trainer (config + data + output)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PACKAGED_BASE_MODEL = "packaged"  # the packaged SmolLM2, resolved to its local folder before training

Backend = Literal["unsloth", "cuda", "cpu"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt YAML key is an error, not a silent default


class LoraSettings(_Strict):
    r: int = Field(16, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: list[str] = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


class StageSettings(_Strict):
    """Optimisation settings of one stage (SFT or DPO)."""

    learning_rate: float = Field(2e-4, gt=0)
    num_train_epochs: float = Field(1.0, gt=0)
    max_steps: int = -1  # > 0 overrides the epochs
    per_device_train_batch_size: int = Field(2, ge=1)
    per_device_eval_batch_size: int = Field(4, ge=1)
    gradient_accumulation_steps: int = Field(1, ge=1)
    warmup_steps: float = Field(0.0, ge=0.0)  # below 1: a fraction of the training steps
    lr_scheduler_type: str = "linear"
    weight_decay: float = Field(0.0, ge=0.0)
    logging_steps: int = Field(10, ge=1)


class DpoSettings(StageSettings):
    enabled: bool = True
    learning_rate: float = Field(2e-5, gt=0)
    beta: float = Field(0.1, gt=0)


class TrainingConfig(_Strict):
    """Everything that decides a training run; the `training` step's YAML parameters."""

    base_model: str = PACKAGED_BASE_MODEL  # a hub id, a local folder, or "packaged"
    backend: Literal["auto", "unsloth", "cuda", "cpu"] = "auto"
    load_in_4bit: bool = False  # QLoRA (bitsandbytes, CUDA only)
    lora: LoraSettings = LoraSettings()
    sft: StageSettings = StageSettings()
    dpo: DpoSettings = DpoSettings()
    max_length: int = Field(1024, ge=16)
    packing: bool = False
    gradient_checkpointing: bool = False
    seed: int = 42
    max_train_samples: int | None = Field(None, ge=1)  # caps on whatever dataset is passed
    max_eval_samples: int | None = Field(None, ge=1)
    min_eval_samples: int = Field(8, ge=1)  # a smaller test split falls back to a seeded slice of train
    eval_fallback_fraction: float = Field(0.1, gt=0.0, lt=1.0)
    save_merged: bool = False  # also save the final model merged (a plain transformers folder)
    push_to_hub: str | None = None  # a hub repository id for the final adapter


class DatasetFiles(BaseModel):
    """A dataset as JSON Lines files (one sample per line): what crosses into the GPU environment."""

    train: Path
    test: Path | None = None


class TrackingSettings(BaseModel):
    report_to: Literal["comet_ml", "none"] = "none"
    comet_project: str | None = None
    comet_workspace: str | None = None
    comet_offline_dir: Path | None = None  # set: Comet logs to this folder instead of its servers


class TrainingJob(BaseModel):
    """A complete, self-contained training job: written as JSON for the GPU environment."""

    config: TrainingConfig
    base_model_path: str  # config.base_model resolved (the packaged model's folder for "packaged")
    output_dir: Path
    instruct: DatasetFiles
    preference: DatasetFiles | None = None
    tracking: TrackingSettings = TrackingSettings()

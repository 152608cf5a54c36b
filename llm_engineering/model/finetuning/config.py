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
    r: int = Field(16, ge=1, description="LoRA rank.")
    alpha: int = Field(32, ge=1, description="LoRA scaling (alpha / r multiplies the update).")
    dropout: float = Field(0.05, ge=0.0, lt=1.0, description="Dropout on the LoRA layers.")
    target_modules: list[str] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        description="The projections that get adapters.",
    )


class StageSettings(_Strict):
    """Optimisation settings of one stage (SFT or DPO)."""

    learning_rate: float = Field(2e-4, gt=0, description="Peak learning rate.")
    num_train_epochs: float = Field(1.0, gt=0, description="Passes over the training split.")
    max_steps: int = Field(-1, description="Above 0: this many optimiser steps, whatever the epochs.")
    per_device_train_batch_size: int = Field(2, ge=1, description="Training samples per step and device.")
    per_device_eval_batch_size: int = Field(4, ge=1, description="Evaluation samples per step and device.")
    gradient_accumulation_steps: int = Field(1, ge=1, description="Steps summed before an update.")
    warmup_steps: float = Field(0.0, ge=0.0, description="Warm-up steps; below 1, a fraction of all steps.")
    lr_scheduler_type: str = Field("linear", description="transformers' scheduler name.")
    weight_decay: float = Field(0.0, ge=0.0, description="AdamW weight decay.")
    logging_steps: int = Field(10, ge=1, description="Log the loss every N steps.")


class DpoSettings(StageSettings):
    enabled: bool = Field(True, description="false: SFT only.")
    learning_rate: float = Field(2e-5, gt=0, description="Peak learning rate.")
    beta: float = Field(0.1, gt=0, description="DPO's beta: how far the policy may move from the SFT model.")


class TrainingConfig(_Strict):
    """Everything that decides a training run; the `training` step's YAML parameters."""

    base_model: str = Field(
        PACKAGED_BASE_MODEL,
        description='A Hub id, a local folder, or "packaged" (the packaged SmolLM2-135M).',
    )
    backend: Literal["auto", "unsloth", "cuda", "cpu"] = Field(
        "auto",
        description="auto: unsloth where it is installed and a GPU is seen, else cuda on a GPU, else cpu.",
    )
    load_in_4bit: bool = Field(False, description="QLoRA: a 4-bit NF4 base (bitsandbytes, CUDA only).")
    lora: LoraSettings = Field(default_factory=LoraSettings, description="The adapters.")
    sft: StageSettings = Field(default_factory=StageSettings, description="The SFT stage.")
    dpo: DpoSettings = Field(default_factory=DpoSettings, description="The DPO stage.")
    max_length: int = Field(1024, ge=16, description="Tokens per sample at most (longer ones are cut).")
    packing: bool = Field(False, description="Pack several SFT samples into one sequence.")
    gradient_checkpointing: bool = Field(False, description="Trade compute for memory.")
    seed: int = Field(
        42, description="Seeds the shuffles, the eval fallback and the adapters' initialisation."
    )
    max_train_samples: int | None = Field(None, ge=1, description="Cap on the training samples used.")
    max_eval_samples: int | None = Field(None, ge=1, description="Cap on the evaluation samples used.")
    min_eval_samples: int = Field(
        8, ge=1, description="A smaller test split falls back to a seeded slice of train."
    )
    eval_fallback_fraction: float = Field(0.1, gt=0.0, lt=1.0, description="That slice's share of train.")
    save_merged: bool = Field(
        False, description="Also save the final model merged (a plain transformers folder)."
    )
    push_to_hub: str | None = Field(None, description="A Hub repository id for the final adapter.")


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

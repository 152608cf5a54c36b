"""What a training run measured; saved as metrics.json in its output folder."""

from __future__ import annotations

from pydantic import BaseModel


class SftMetrics(BaseModel):
    train_samples: int
    eval_samples: int
    eval_from_train: bool
    eval_loss_before: float
    eval_loss_after: float
    train_loss: float
    train_tokens: int
    train_seconds: float
    tokens_per_s: float
    adapter_dir: str
    stage_seconds: float = 0.0  # the whole stage: loading, evaluating, training, saving


class DpoMetrics(BaseModel):
    train_samples: int
    eval_samples: int
    eval_from_train: bool
    eval_loss: float
    reward_accuracy: float  # share of eval pairs where the chosen answer out-scores the rejected one
    reward_margin: float  # mean (chosen - rejected) implicit reward
    train_loss: float
    train_seconds: float
    adapter_dir: str
    reference_model_dir: str  # the merged SFT model: DPO's starting point and its reference
    stage_seconds: float = 0.0  # the whole stage: merging, loading, training, evaluating, saving


class DpoStageResult(BaseModel):
    metrics: DpoMetrics | None = None  # None: DPO was disabled or there was no preference dataset


class TrainingMetrics(BaseModel):
    base_model: str
    backend: str
    seed: int
    sft: SftMetrics
    dpo: DpoMetrics | None = None
    final_adapter_dir: str  # relative to the output folder (what loading resolves a training output to)
    merged_model_dir: str | None = None
    total_seconds: float
    report_to: str

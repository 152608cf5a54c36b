"""The two training stages with TRL: SFT (completion-only loss) and DPO (a new LoRA on the merged SFT model)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from loguru import logger

from llm_engineering.model.finetuning.config import Backend, StageSettings, TrainingConfig
from llm_engineering.model.finetuning.metrics import DpoMetrics, SftMetrics


def _common_arguments(stage: StageSettings, config: TrainingConfig, backend: Backend, output_dir: Path,
                      report_to: str) -> dict[str, Any]:  # fmt: skip
    return {
        "output_dir": str(output_dir),
        "learning_rate": stage.learning_rate,
        "num_train_epochs": stage.num_train_epochs,
        "max_steps": stage.max_steps,
        "per_device_train_batch_size": stage.per_device_train_batch_size,
        "per_device_eval_batch_size": stage.per_device_eval_batch_size,
        "gradient_accumulation_steps": stage.gradient_accumulation_steps,
        "warmup_steps": stage.warmup_steps,
        "lr_scheduler_type": stage.lr_scheduler_type,
        "weight_decay": stage.weight_decay,
        "logging_steps": stage.logging_steps,
        "seed": config.seed,
        "max_length": config.max_length,
        "gradient_checkpointing": config.gradient_checkpointing and backend != "unsloth",
        "bf16": backend != "cpu",
        "fp16": False,
        "use_cpu": backend == "cpu",
        "save_strategy": "no",
        "eval_strategy": "no",
        "report_to": report_to,
        "dataloader_num_workers": 0,
    }


def trained_tokens(trainer: Any) -> int:
    """Non-padding tokens the trainer went through (TRL counts them for its `num_tokens` log)."""
    counted = getattr(trainer, "_total_train_tokens", None)
    if counted:
        return int(counted)
    logged = [entry["num_tokens"] for entry in trainer.state.log_history if "num_tokens" in entry]
    return int(max(logged)) if logged else 0


def build_sft_trainer(model: Any, tokenizer: Any, peft_config: Any, train: list[dict], test: list[dict],
                      config: TrainingConfig, backend: Backend, output_dir: Path, report_to: str) -> Any:  # fmt: skip
    """An SFTTrainer on prompt/completion conversations: the loss covers the completion tokens only."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    arguments = SFTConfig(
        **_common_arguments(config.sft, config, backend, output_dir / "sft_checkpoints", report_to),
        packing=config.packing,
        completion_only_loss=True,
    )
    return SFTTrainer(
        model=model,
        args=arguments,
        train_dataset=Dataset.from_list(train),
        eval_dataset=Dataset.from_list(test),
        processing_class=tokenizer,
        peft_config=peft_config,
    )


def run_sft(model: Any, tokenizer: Any, peft_config: Any, train: list[dict], test: list[dict], config: TrainingConfig,
            backend: Backend, output_dir: Path, report_to: str, eval_from_train: bool) -> SftMetrics:  # fmt: skip
    """Train the SFT LoRA; eval loss (completion tokens only) before and after; save the adapter + tokenizer."""
    trainer = build_sft_trainer(
        model, tokenizer, peft_config, train, test, config, backend, output_dir, report_to
    )
    before = trainer.evaluate()["eval_loss"]
    logger.info(f"SFT eval loss before training: {before:.4f}")
    result = trainer.train()
    after = trainer.evaluate()["eval_loss"]
    seconds = float(result.metrics["train_runtime"])
    tokens = trained_tokens(trainer)
    adapter_dir = output_dir / "sft_adapter"
    trainer.model.save_pretrained(adapter_dir)
    tokenizer.save_pretrained(adapter_dir)
    metrics = SftMetrics(
        train_samples=len(train),
        eval_samples=len(test),
        eval_from_train=eval_from_train,
        eval_loss_before=before,
        eval_loss_after=after,
        train_loss=float(result.training_loss),
        train_tokens=tokens,
        train_seconds=seconds,
        tokens_per_s=tokens / seconds if seconds > 0 else 0.0,
        adapter_dir=str(adapter_dir),
    )
    logger.info(
        f"SFT: eval loss {before:.4f} -> {after:.4f}, {metrics.tokens_per_s:.0f} tokens/s, {adapter_dir}"
    )
    _release(trainer)
    return metrics


def run_dpo(model: Any, tokenizer: Any, peft_config: Any, train: list[dict], test: list[dict], config: TrainingConfig,
            backend: Backend, output_dir: Path, report_to: str, eval_from_train: bool,
            reference_dir: Path) -> DpoMetrics:  # fmt: skip
    """Train a new LoRA with DPO on the merged SFT model; the reference is that same model (adapter off)."""
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    arguments = DPOConfig(
        **_common_arguments(config.dpo, config, backend, output_dir / "dpo_checkpoints", report_to),
        beta=config.dpo.beta,
    )
    trainer = DPOTrainer(
        model=model,
        ref_model=None,  # with a LoRA, the reference is the model with the adapter disabled: the SFT model
        args=arguments,
        train_dataset=Dataset.from_list(train),
        eval_dataset=Dataset.from_list(test),
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    result = trainer.train()  # no evaluation before: a fresh LoRA gives chosen and rejected the same reward
    after = trainer.evaluate()
    adapter_dir = output_dir / "dpo_adapter"
    trainer.model.save_pretrained(adapter_dir)
    tokenizer.save_pretrained(adapter_dir)
    metrics = DpoMetrics(
        train_samples=len(train),
        eval_samples=len(test),
        eval_from_train=eval_from_train,
        eval_loss=after["eval_loss"],
        reward_accuracy=after["eval_rewards/accuracies"],
        reward_margin=after["eval_rewards/margins"],
        train_loss=float(result.training_loss),
        train_seconds=float(result.metrics["train_runtime"]),
        adapter_dir=str(adapter_dir),
        reference_model_dir=str(reference_dir),
    )
    logger.info(
        f"DPO: eval loss {metrics.eval_loss:.4f}, reward accuracy {metrics.reward_accuracy:.3f}, "
        f"margin {metrics.reward_margin:.4f}, {adapter_dir}"
    )
    _release(trainer)
    return metrics


def _release(trainer: Any) -> None:
    """Free the stage's model before the next one loads (GPU memory)."""
    import torch

    del trainer
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()

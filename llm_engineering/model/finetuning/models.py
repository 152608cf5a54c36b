"""Models for training: the base (or merged SFT) model with a LoRA configuration, per backend; merging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loguru import logger

from llm_engineering.model.chat_template import END_OF_TURN, apply_chat_template
from llm_engineering.model.finetuning.config import Backend, TrainingConfig


def load_tokenizer(model_path: str) -> Any:
    from transformers import AutoTokenizer

    tokenizer = apply_chat_template(AutoTokenizer.from_pretrained(model_path))
    tokenizer.padding_side = "right"
    return tokenizer


def load_for_training(model_path: str, config: TrainingConfig, backend: Backend) -> tuple[Any, Any, Any]:
    """(model, tokenizer, peft_config): for TRL+PEFT the trainer wraps the model with `peft_config`; Unsloth
    returns the model already wrapped (peft_config None)."""
    if backend == "unsloth":
        return _load_with_unsloth(model_path, config)
    import torch
    from transformers import AutoModelForCausalLM

    tokenizer = load_tokenizer(model_path)
    kwargs: dict[str, Any] = {"dtype": torch.float32 if backend == "cpu" else torch.bfloat16}
    if config.load_in_4bit:
        if backend == "cpu":
            raise ValueError("load_in_4bit (QLoRA) needs a CUDA GPU: set load_in_4bit: false for the CPU")
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
    model = AutoModelForCausalLM.from_pretrained(model_path, **kwargs)
    added_tokens = _fit_embeddings(model, tokenizer)
    if config.load_in_4bit:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, config.gradient_checkpointing)
    return model, tokenizer, lora_config(config, train_embeddings=added_tokens)


def lora_config(config: TrainingConfig, train_embeddings: bool = False) -> Any:
    from peft import LoraConfig

    return LoraConfig(
        r=config.lora.r,
        lora_alpha=config.lora.alpha,
        lora_dropout=config.lora.dropout,
        target_modules=config.lora.target_modules,
        # New chat-template tokens start random: their embeddings and output rows must be trained too.
        modules_to_save=["embed_tokens", "lm_head"] if train_embeddings else None,
        bias="none",
        task_type="CAUSAL_LM",
    )


def _fit_embeddings(model: Any, tokenizer: Any) -> bool:
    """Grow the embeddings when the chat template added tokens to the tokenizer; True when it did."""
    if model.get_input_embeddings().num_embeddings >= len(tokenizer):
        return False
    logger.warning(
        f"The tokenizer gained the ChatML tokens: embeddings resized to {len(tokenizer)} and trained"
    )
    model.resize_token_embeddings(len(tokenizer))
    return True


def _load_with_unsloth(model_path: str, config: TrainingConfig) -> tuple[Any, Any, Any]:
    from unsloth import FastLanguageModel  # noqa: I001  (GPU environment only; must come before trl)

    model, tokenizer = FastLanguageModel.from_pretrained(
        model_name=model_path, max_seq_length=config.max_length, dtype=None, load_in_4bit=config.load_in_4bit
    )
    apply_chat_template(tokenizer)
    tokenizer.padding_side = "right"
    added_tokens = _fit_embeddings(model, tokenizer)
    model = FastLanguageModel.get_peft_model(
        model,
        r=config.lora.r,
        lora_alpha=config.lora.alpha,
        lora_dropout=config.lora.dropout,
        target_modules=config.lora.target_modules,
        modules_to_save=["embed_tokens", "lm_head"] if added_tokens else None,
        use_gradient_checkpointing="unsloth" if config.gradient_checkpointing else False,
        random_state=config.seed,
    )
    return model, tokenizer, None


def merge_adapter(base_model_path: str, adapter_dir: Path, output_dir: Path, backend: Backend) -> Path:
    """Merge a LoRA adapter into a fresh, unquantised copy of its base model and save it with the tokenizer.

    The base is reloaded rather than merged in place so a 4-bit (QLoRA) training model is never merged lossily.
    """
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    tokenizer = load_tokenizer(str(adapter_dir))
    dtype = torch.float32 if backend == "cpu" else torch.bfloat16
    model = AutoModelForCausalLM.from_pretrained(base_model_path, dtype=dtype)
    _fit_embeddings(model, tokenizer)
    merged = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
    merged.generation_config.eos_token_id = tokenizer.convert_tokens_to_ids(END_OF_TURN)
    merged.generation_config.pad_token_id = tokenizer.pad_token_id
    merged.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)
    logger.info(f"Merged {adapter_dir.name} into {base_model_path}: {output_dir}")
    return output_dir

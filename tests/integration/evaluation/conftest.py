"""A tiny Llama base model with a LoRA adapter on it, and a small instruction dataset in the handbook's
JSON format: what the evaluation pipeline needs, built in seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.model.tiny import tiny_model_dir  # noqa: F401  (a fixture)


@pytest.fixture(scope="session")
def tiny_adapter_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """A LoRA adapter (random, non-zero) on the tiny Llama, saved with its tokenizer: a trained twin's shape."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(1)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    config = LoraConfig(r=4, lora_alpha=16, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    folder = tmp_path_factory.mktemp("tiny-adapter")
    get_peft_model(model, config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_model_dir).save_pretrained(folder)
    return folder

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_engineering.model.loading import ModelLoadError, load_model_for_inference, resolve_model_path


@pytest.fixture(scope="module")
def adapter_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LoRA adapter on the tiny model with non-zero weights (so it changes the outputs), with its tokenizer."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(1)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    lora = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    peft_model = get_peft_model(model, lora)
    folder = tmp_path_factory.mktemp("adapter")
    peft_model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_model_dir).save_pretrained(folder)
    return folder


def _logits(model, tokenizer) -> object:
    import torch

    batch = tokenizer(["An LLM twin writes like its author."], return_tensors="pt")
    with torch.no_grad():
        return model(**batch).logits


def test_an_adapter_folder_loads_its_base_model_with_the_lora_merged(
    adapter_dir: Path, tiny_model_dir: Path
) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model, tokenizer, info = load_model_for_inference(adapter_dir)

    assert info.kind == "adapter"
    assert info.base_model == str(tiny_model_dir)
    assert info.adapter_dir == str(adapter_dir)
    assert tokenizer.padding_side == "left"
    expected = PeftModel.from_pretrained(
        AutoModelForCausalLM.from_pretrained(tiny_model_dir), adapter_dir
    ).eval()
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()
    assert torch.allclose(_logits(model, tokenizer), _logits(expected, tokenizer), atol=1e-4)
    assert not torch.allclose(_logits(model, tokenizer), _logits(base, tokenizer), atol=1e-4)


def test_a_training_output_folder_resolves_to_its_final_adapter(adapter_dir: Path, tmp_path: Path) -> None:
    import shutil

    output = tmp_path / "run"
    shutil.copytree(adapter_dir, output / "dpo_adapter")
    (output / "metrics.json").write_text(json.dumps({"final_adapter_dir": "dpo_adapter"}), encoding="utf-8")

    _, _, info = load_model_for_inference(output)

    assert info.kind == "training_output"
    assert info.adapter_dir == str(output / "dpo_adapter")


def test_a_merged_model_folder_loads_as_is(tiny_model_dir: Path) -> None:
    model, tokenizer, info = load_model_for_inference(tiny_model_dir)

    assert info.kind == "merged" and info.adapter_dir is None
    assert info.parameters == sum(p.numel() for p in model.parameters())
    assert model.generation_config.eos_token_id == tokenizer.convert_tokens_to_ids("<|im_end|>")


def test_a_folder_that_is_no_model_gets_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="neither adapter_config.json"):
        resolve_model_path(tmp_path)
    with pytest.raises(ModelLoadError, match="is not a folder"):
        resolve_model_path(tmp_path / "missing")


def test_an_adapter_whose_base_is_not_on_this_machine_says_so(adapter_dir: Path, tmp_path: Path) -> None:
    import shutil

    moved = tmp_path / "adapter"
    shutil.copytree(adapter_dir, moved)
    config = json.loads((moved / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = str(tmp_path / "gone")
    (moved / "adapter_config.json").write_text(json.dumps(config))

    with pytest.raises(ModelLoadError, match="not a folder on this machine"):
        load_model_for_inference(moved)

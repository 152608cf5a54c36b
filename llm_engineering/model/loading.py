"""Load the twin (or its base) for inference: a merged model, an adapter, a training output or the packaged model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from loguru import logger
from pydantic import BaseModel

from llm_engineering.infrastructure.errors import InvalidInput
from llm_engineering.model.chat_template import END_OF_TURN, apply_chat_template
from llm_engineering.model.packaged_model import PACKAGED_MODEL_ID, packaged_model_dir

TRAINING_METRICS_FILE = "metrics.json"  # a training output folder's summary; names its final adapter


class ModelInfo(BaseModel):
    """What `load_model_for_inference` loaded."""

    kind: Literal["packaged", "merged", "adapter", "training_output"]
    path: str
    base_model: str  # the model the weights start from (the adapter's base, or the model itself)
    adapter_dir: str | None = None  # the LoRA adapter merged into the base, if any
    parameters: int
    device: str


class ModelLoadError(InvalidInput):
    """The path is not a model, an adapter or a training output folder."""


def resolve_model_path(path: str | Path) -> tuple[Literal["merged", "adapter", "training_output"], Path]:
    """Say what a folder holds; a training output folder resolves to its final adapter."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ModelLoadError(
            f"{folder} is not a folder: give a merged model, an adapter or a training output folder"
        )
    if (folder / "adapter_config.json").is_file():
        return "adapter", folder
    if (folder / TRAINING_METRICS_FILE).is_file():
        metrics = json.loads((folder / TRAINING_METRICS_FILE).read_text(encoding="utf-8"))
        final = metrics.get("final_adapter_dir")
        if not final or not (folder / final / "adapter_config.json").is_file():
            raise ModelLoadError(
                f"{folder}/{TRAINING_METRICS_FILE} names no final adapter folder that exists"
            )
        return "training_output", folder / final
    if (folder / "config.json").is_file():
        return "merged", folder
    raise ModelLoadError(
        f"{folder} holds neither adapter_config.json (an adapter), {TRAINING_METRICS_FILE} (a training output) "
        "nor config.json (a merged model)"
    )


def load_model_for_inference(
    path: str | Path | None = None, device: str = "cpu"
) -> tuple[Any, Any, ModelInfo]:
    """(model, tokenizer, info), ready for generation with the one chat template.

    An adapter is merged into its base model (named in its adapter_config.json) for faster generation. The
    tokenizer is the adapter's own when saved with it, else the base model's; left padding for batches.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    dtype = torch.float32 if device == "cpu" else torch.bfloat16
    if path is None:
        kind, folder = "packaged", packaged_model_dir()
    else:
        kind, folder = resolve_model_path(path)
    adapter_dir: Path | None = None
    base_model = PACKAGED_MODEL_ID if kind == "packaged" else str(folder)
    if kind in ("adapter", "training_output"):
        adapter_dir = folder
        base_model = _adapter_base(adapter_dir)
        has_tokenizer = (adapter_dir / "tokenizer_config.json").is_file()
        tokenizer = AutoTokenizer.from_pretrained(adapter_dir if has_tokenizer else base_model)
        apply_chat_template(tokenizer)
        model = AutoModelForCausalLM.from_pretrained(base_model, dtype=dtype)
        if model.get_input_embeddings().num_embeddings < len(tokenizer):
            model.resize_token_embeddings(len(tokenizer))
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
    else:
        tokenizer = apply_chat_template(AutoTokenizer.from_pretrained(folder))
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype)
        if model.get_input_embeddings().num_embeddings < len(tokenizer):
            model.resize_token_embeddings(len(tokenizer))
    tokenizer.padding_side = "left"
    model.generation_config.eos_token_id = tokenizer.convert_tokens_to_ids(END_OF_TURN)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.to(device).eval()
    info = ModelInfo(
        kind=kind,
        path=str(folder),
        base_model=base_model,
        adapter_dir=str(adapter_dir) if adapter_dir else None,
        parameters=sum(p.numel() for p in model.parameters()),
        device=device,
    )
    logger.info(
        f"Loaded {info.kind} model from {info.path} (base {info.base_model}, {info.parameters:,} parameters)"
    )
    return model, tokenizer, info


def _adapter_base(adapter_dir: Path) -> str:
    config = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
    base = config.get("base_model_name_or_path")
    if not base:
        raise ModelLoadError(f"{adapter_dir}/adapter_config.json names no base_model_name_or_path")
    looks_local = base.startswith(("/", ".", "~")) or base.count("/") != 1
    if looks_local and not Path(base).expanduser().is_dir():
        raise ModelLoadError(
            f"the base model of {adapter_dir} is {base}, which is not a folder on this machine: copy the base "
            "model there, or load a merged model instead"
        )
    return base

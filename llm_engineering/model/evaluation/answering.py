"""Answering the test set with the evaluated model and with the base model it was trained from."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from loguru import logger

from llm_engineering.model.evaluation.generation import (
    GenerationConfig,
    generate_answers,
    reference_loss,
    torch_threads,
)
from llm_engineering.model.evaluation.results import GeneratedAnswers
from llm_engineering.model.evaluation.samples import EvaluationSet
from llm_engineering.model.loading import load_model_for_inference
from llm_engineering.model.packaged_model import PACKAGED_MODEL_ID


def _answer(
    path: str | None, test_set: EvaluationSet, config: GenerationConfig, device: str
) -> tuple[list[str], float, object]:
    with torch_threads(config.num_threads):
        model, tokenizer, info = load_model_for_inference(path, device=device)
        try:
            answers = generate_answers(model, tokenizer, test_set.instructions, config)
            references = [sample.reference_answer for sample in test_set.samples]
            loss = reference_loss(model, tokenizer, test_set.instructions, references, config.batch_size)
        finally:
            del model
            gc.collect()
    return answers, round(loss, 4), info


TRAINING_JOB_FILE = "training_job.json"  # written by the training pipeline into its output folder


def trained_from(model_dir: str | Path) -> str | None:
    """The model a training run started from, as its output folder records it (the folder itself, or the one
    holding the adapter). A DPO adapter's own base is the merged SFT model; the comparison is with the model
    before any training."""
    folder = Path(model_dir).expanduser()
    for candidate in (folder, folder.parent):
        job_file = candidate / TRAINING_JOB_FILE
        if job_file.is_file():
            base = json.loads(job_file.read_text(encoding="utf-8")).get("base_model_path")
            if base:
                return str(base)
    return None


def base_model_path(base_model: str) -> str | None:
    """The loader's argument for a base model: None for the packaged model, else the folder."""
    if base_model == PACKAGED_MODEL_ID:
        return None
    if not Path(base_model).expanduser().is_dir():
        raise ValueError(
            f"The base model '{base_model}' is not a folder on this machine, so its answers cannot be generated; "
            "set `base_model` under `generation:` in the evaluating config to a local copy of it."
        )
    return base_model


def answer_with_model_and_base(
    test_set: EvaluationSet,
    model_dir: str,
    config: GenerationConfig,
) -> GeneratedAnswers:
    """Both models' answers, one model in memory at a time. The base is `config.base_model` when given, else the
    model the training run started from, else an adapter's own base. A merged model outside a training
    output names no base: then only its own answers are generated (said in the log)."""
    device = config.device
    twin_answers, twin_loss, info = _answer(model_dir, test_set, config, device)
    base = config.base_model or trained_from(model_dir) or (info.base_model if info.adapter_dir else None)
    base_answers, base_loss = None, None
    if base is None:
        logger.warning(
            f"{model_dir} is a merged model that does not name its base; set `base_model` under `generation:` in the evaluating "
            "config to compare with it. Evaluating the model alone."
        )
    else:
        base_answers, base_loss, _ = _answer(base_model_path(base), test_set, config, device)
    return GeneratedAnswers(
        model_dir=str(Path(model_dir).expanduser().resolve()),
        model_kind=info.kind,
        base_model=base,
        twin_answers=twin_answers,
        base_answers=base_answers,
        eval_loss=twin_loss,
        base_eval_loss=base_loss,
    )

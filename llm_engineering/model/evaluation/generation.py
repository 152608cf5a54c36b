"""Batched greedy answers and the reference answers' loss, with the one chat template."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from llm_engineering.model.chat_template import format_prompt
from llm_engineering.model.generation_settings import GenerationSettings


class GenerationConfig(BaseModel):
    """How the evaluated model and its base answer the test instructions: greedy, with the one repetition guard
    and stop sequences of `GenerationSettings`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_new_tokens: int = Field(default=128, ge=1, description="An answer's token limit.")
    batch_size: int = Field(default=8, ge=1, description="Instructions answered at once.")
    # On a CPU that other jobs keep busy, fewer threads avoid waiting for descheduled ones.
    num_threads: int | None = Field(
        default=None, ge=1, description="torch CPU threads while answering (None: all cores)."
    )
    device: str = Field("cpu", description="Where the models run: cpu, cuda, cuda:1, ...")
    base_model: str | None = Field(
        None,
        description="The base model to compare with; needed only for a merged model (None: the adapter's).",
    )


@contextlib.contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run the block with `count` torch CPU threads (None: unchanged), then restore the previous count."""
    import torch

    previous = torch.get_num_threads()
    if count:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _batches_by_length(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (less padding); callers restore the input order."""
    order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def _pad_token_id(tokenizer: Any) -> int:
    if tokenizer.pad_token_id is not None:
        return int(tokenizer.pad_token_id)
    if tokenizer.eos_token_id is None:
        raise ValueError(
            "The tokenizer has neither a pad nor an eos token; save the model with its tokenizer."
        )
    return int(tokenizer.eos_token_id)


def generate_answers(
    model: Any, tokenizer: Any, instructions: Sequence[str], config: GenerationConfig
) -> list[str]:
    """Greedy answers to `instructions`, in their order, batched with left padding (a decoder-only model
    continues from the last real token of every row)."""
    import torch

    settings = GenerationSettings(max_new_tokens=config.max_new_tokens, temperature=0.0)

    prompts = [format_prompt(tokenizer, instruction) for instruction in instructions]
    answers = [""] * len(prompts)
    pad_id = _pad_token_id(tokenizer)
    device = next(model.parameters()).device
    previous_side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    try:
        for batch in _batches_by_length(prompts, config.batch_size):
            encoded = tokenizer(
                [prompts[index] for index in batch],
                return_tensors="pt",
                padding=True,
                add_special_tokens=False,
            ).to(device)
            with torch.inference_mode():
                output = model.generate(
                    **encoded,
                    **{
                        **settings.generate_kwargs(tokenizer, encoded["input_ids"].shape[1]),
                        "pad_token_id": pad_id,
                    },
                )
            new_tokens = output[:, encoded["input_ids"].shape[1] :]
            for index, tokens in zip(batch, new_tokens, strict=True):
                text = tokenizer.decode(tokens, skip_special_tokens=True)
                answers[index] = settings.cut_at_stop(text).strip()
    finally:
        tokenizer.padding_side = previous_side
    return answers


def reference_loss(
    model: Any, tokenizer: Any, instructions: Sequence[str], references: Sequence[str], batch_size: int = 8
) -> float:
    """Mean cross-entropy per answer token of the reference answers after their prompts (the prompt is not
    scored): the judge-free measure of how close the model is to the author's answers."""
    import torch

    device = next(model.parameters()).device
    rows: list[tuple[list[int], int]] = []
    for instruction, reference in zip(instructions, references, strict=True):
        prompt_ids = tokenizer(format_prompt(tokenizer, instruction), add_special_tokens=False)["input_ids"]
        answer_ids = tokenizer(reference, add_special_tokens=False)["input_ids"]
        if tokenizer.eos_token_id is not None:
            answer_ids = [*answer_ids, tokenizer.eos_token_id]
        rows.append((prompt_ids + answer_ids, len(prompt_ids)))
    pad_id = _pad_token_id(tokenizer)
    total_loss, total_tokens = 0.0, 0
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        width = max(len(ids) for ids, _ in batch)
        input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        labels = torch.full((len(batch), width), -100, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, (ids, prompt_length) in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention[row, : len(ids)] = 1
            labels[row, prompt_length : len(ids)] = torch.tensor(ids[prompt_length:])
        with torch.inference_mode():
            logits = model(input_ids=input_ids.to(device), attention_mask=attention.to(device)).logits.float()
        shifted_logits, shifted_labels = logits[:, :-1], labels[:, 1:].to(device)
        loss = torch.nn.functional.cross_entropy(
            shifted_logits.reshape(-1, shifted_logits.shape[-1]),
            shifted_labels.reshape(-1),
            ignore_index=-100,
            reduction="sum",
        )
        total_loss += float(loss)
        total_tokens += int((shifted_labels != -100).sum())
    return total_loss / total_tokens if total_tokens else math.nan

"""Batched generation and the reference loss on a tiny Llama: batching and padding must not change results."""

from pathlib import Path

import pytest

from llm_engineering.model.evaluation.generation import GenerationConfig, generate_answers, reference_loss
from llm_engineering.model.loading import load_model_for_inference

INSTRUCTIONS = [
    "What does LoRA train?",
    "Explain in a few sentences how an LLM twin learns the voice of its author from posts.",
    "Why?",
]
REFERENCES = ["Small matrices.", "It reads their articles and posts and learns their voice.", "Because."]


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path):
    model, tokenizer, _ = load_model_for_inference(tiny_model_dir)
    return model, tokenizer


def test_batched_left_padded_answers_equal_one_by_one(tiny) -> None:
    model, tokenizer = tiny
    batched = generate_answers(
        model, tokenizer, INSTRUCTIONS, GenerationConfig(max_new_tokens=6, batch_size=3)
    )
    single = generate_answers(
        model, tokenizer, INSTRUCTIONS, GenerationConfig(max_new_tokens=6, batch_size=1)
    )
    assert batched == single
    assert all(isinstance(answer, str) for answer in batched) and any(batched)
    assert tokenizer.padding_side == "left"  # restored


def test_reference_loss_ignores_padding_and_scores_answers_only(tiny) -> None:
    model, tokenizer = tiny
    batched = reference_loss(model, tokenizer, INSTRUCTIONS, REFERENCES, batch_size=3)
    single = reference_loss(model, tokenizer, INSTRUCTIONS, REFERENCES, batch_size=1)
    assert batched == pytest.approx(single, rel=1e-4)
    assert 0 < batched < 20  # a random model over a ~400-token vocabulary: about ln(400) = 6
    other = reference_loss(model, tokenizer, INSTRUCTIONS, ["Paris.", "Paris.", "Paris."], batch_size=3)
    assert other != pytest.approx(batched)

"""Batched generation and the reference loss on a tiny Llama: batching and padding must not change results."""

from pathlib import Path

import pytest

from llm_engineering.model.evaluation.answering import (
    answer_with_model_and_base,
    base_model_path,
    trained_from,
)
from llm_engineering.model.evaluation.generation import (
    GenerationConfig,
    generate_answers,
    reference_loss,
    torch_threads,
)
from llm_engineering.model.evaluation.samples import build_evaluation_set
from llm_engineering.model.loading import load_model_for_inference
from llm_engineering.model.packaged_model import PACKAGED_MODEL_ID

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


TEST_SET = build_evaluation_set(
    [{"instruction": q, "answer": a} for q, a in zip(INSTRUCTIONS, REFERENCES, strict=True)], "rows", 3
)


def test_a_merged_model_is_evaluated_alone_unless_its_base_is_given(tiny_model_dir: Path) -> None:
    config = GenerationConfig(max_new_tokens=4, batch_size=3)
    alone = answer_with_model_and_base(TEST_SET, str(tiny_model_dir), config)
    assert alone.model_kind == "merged" and alone.base_model is None and alone.base_answers is None
    assert len(alone.twin_answers) == 3 and alone.eval_loss > 0 and alone.base_eval_loss is None
    with_base = config.model_copy(update={"base_model": str(tiny_model_dir)})
    compared = answer_with_model_and_base(TEST_SET, str(tiny_model_dir), with_base)
    assert compared.base_answers == compared.twin_answers and compared.base_eval_loss == compared.eval_loss


def test_a_base_model_that_is_not_here_says_how_to_fix_it() -> None:
    assert base_model_path(PACKAGED_MODEL_ID) is None  # the packaged model: the loader fetches it
    with pytest.raises(ValueError, match="set `base_model` under `generation:` in the evaluating config"):
        base_model_path("someone/some-model-not-on-this-machine")


def test_the_thread_count_is_set_for_the_block_and_restored() -> None:
    import torch

    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before


def test_the_base_of_a_training_output_is_the_model_it_started_from(tmp_path: Path) -> None:
    output = tmp_path / "run"
    (output / "dpo_adapter").mkdir(parents=True)
    (output / "training_job.json").write_text('{"base_model_path": "/models/smollm2"}', encoding="utf-8")
    assert trained_from(output) == trained_from(output / "dpo_adapter") == "/models/smollm2"
    assert trained_from(tmp_path) is None

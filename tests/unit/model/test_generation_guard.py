"""The repetition guard and stop sequences of GenerationSettings, on a real tiny Llama that loops when left
alone (random weights of a seed that loops under greedy decoding), through the evaluation answers and the
service's generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_engineering.model.chat_template import format_prompt
from llm_engineering.model.evaluation.generation import GenerationConfig, generate_answers
from llm_engineering.model.generation_settings import GenerationSettings
from llm_engineering.model.inference.generators import LocalGenerator, _until_stop
from llm_engineering.model.loading import load_model_for_inference

QUESTION = "Explain how an LLM Twin can enhance communication efficiency in a few sentences."
N = 5
UNGUARDED = GenerationSettings(max_new_tokens=48, repetition_penalty=1.0, no_repeat_ngram_size=0)


LOOPING_SEED = 2  # this seed's tiny Llama repeats itself for 48 tokens without the guard


@pytest.fixture(scope="module")
def looping_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from llm_engineering.model.chat_template import apply_chat_template
    from tests.fixtures.model.tiny import build_tiny_llama, build_tiny_tokenizer

    folder = tmp_path_factory.mktemp("looping-llama")
    tokenizer = apply_chat_template(build_tiny_tokenizer())
    build_tiny_llama(len(tokenizer), seed=LOOPING_SEED).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny(looping_model_dir: Path):
    model, tokenizer, _ = load_model_for_inference(looping_model_dir)
    return model, tokenizer


def answer_tokens(model, tokenizer, settings: GenerationSettings) -> list[int]:
    import torch

    encoded = tokenizer(format_prompt(tokenizer, QUESTION), return_tensors="pt", add_special_tokens=False)
    length = encoded["input_ids"].shape[1]
    with torch.inference_mode():
        output = model.generate(**encoded, **settings.generate_kwargs(tokenizer, length))
    return output[0, length:].tolist()


def repeated_ngrams(tokens: list[int], n: int = N) -> int:
    grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return len(grams) - len(set(grams))


@pytest.fixture(scope="module")
def generations(tiny) -> dict[str, list[int]]:
    """The answer's tokens without and with the guard (greedy, 48 tokens at most)."""
    model, tokenizer = tiny
    return {
        "loose": answer_tokens(model, tokenizer, UNGUARDED),
        "guarded": answer_tokens(model, tokenizer, GenerationSettings(max_new_tokens=48)),
    }


def test_a_looping_generation_is_cut_by_the_guard(generations) -> None:
    loose, guarded = generations["loose"], generations["guarded"]
    assert repeated_ngrams(loose) > 10, "the unguarded tiny model should loop (the premise of this test)"
    assert len(guarded) == 48 and repeated_ngrams(guarded) == 0


def test_evaluation_answers_and_the_service_use_the_guard(tiny, generations, looping_model_dir: Path) -> None:
    model, tokenizer = tiny
    guarded = tokenizer.decode(generations["guarded"], skip_special_tokens=True)
    assert guarded != tokenizer.decode(generations["loose"], skip_special_tokens=True)

    [answer] = generate_answers(model, tokenizer, [QUESTION], GenerationConfig(max_new_tokens=48))
    assert answer == guarded.strip()

    generator = LocalGenerator(looping_model_dir, "tiny", settings=GenerationSettings())
    # The service's prompt: the twin's system prompt (the one training used) and the question.
    assert generator.generate("", QUESTION, max_new_tokens=48, temperature=0.0) == guarded


def test_a_streamed_answer_stops_at_a_stop_sequence() -> None:
    text = "The answer is yes. The answer is no.<|im_start|>user\nAgain?"
    pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
    assert "".join(_until_stop(iter(pieces), GenerationSettings())) == "The answer is yes. The answer is no."
    settings = GenerationSettings(stop_sequences=["is no", "<|im_end|>"])
    assert "".join(_until_stop(iter(pieces), settings)) == "The answer is yes. The answer "
    assert settings.cut_at_stop(text) == "The answer is yes. The answer "

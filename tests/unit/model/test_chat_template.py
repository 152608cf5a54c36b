from __future__ import annotations

from pathlib import Path

from llm_engineering.model.chat_template import (
    CHAT_TEMPLATE,
    DEFAULT_SYSTEM_PROMPT,
    apply_chat_template,
    build_messages,
    format_prompt,
)
from tests.fixtures.model.tiny import build_tiny_tokenizer


def test_format_prompt_is_chatml_with_the_twin_system_prompt(tiny_model_dir: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    assert tokenizer.chat_template == CHAT_TEMPLATE  # saved with the tokenizer, read back

    prompt = format_prompt(tokenizer, "What is an LLM twin?")

    assert prompt == (
        f"<|im_start|>system\n{DEFAULT_SYSTEM_PROMPT}<|im_end|>\n"
        "<|im_start|>user\nWhat is an LLM twin?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    custom = format_prompt(tokenizer, "Hi", system="Be brief.")
    assert custom.startswith("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")


def test_a_full_conversation_extends_its_generation_prompt_and_round_trips_through_tokens() -> None:
    tokenizer = apply_chat_template(build_tiny_tokenizer())
    prompt = format_prompt(tokenizer, "Explain LoRA.")
    full = tokenizer.apply_chat_template(
        build_messages("Explain LoRA.", "Small low-rank matrices."), tokenize=False
    )

    # Completion-only loss relies on this: the prompt is an exact prefix of the rendered conversation.
    assert full == prompt + "Small low-rank matrices.<|im_end|>\n"
    ids = tokenizer(full, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids) == full
    assert ids.count(tokenizer.convert_tokens_to_ids("<|im_end|>")) == 3  # system, user, assistant turns
    assert tokenizer.eos_token == "<|im_end|>"


def test_a_tokenizer_without_chatml_markers_gets_them_as_special_tokens() -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel()
    raw.train_from_iterator(["plain words only"] * 3, trainers.BpeTrainer(vocab_size=300))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw)
    size_before = len(tokenizer)

    apply_chat_template(tokenizer)

    assert len(tokenizer) == size_before + 2
    ids = tokenizer("<|im_start|>user", add_special_tokens=False)["input_ids"]
    assert ids[0] == tokenizer.convert_tokens_to_ids("<|im_start|>")
    assert tokenizer.pad_token == "<|im_end|>"

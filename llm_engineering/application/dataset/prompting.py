"""Generation prompts: the template of the dataset type with the extract really in it."""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel

from llm_engineering.application.dataset.extracts import Extract
from llm_engineering.application.dataset.responses import InstructionAnswerPairs, PreferenceTriples
from llm_engineering.application.dataset.templates import render
from llm_engineering.domain.dataset import DatasetType
from llm_engineering.infrastructure.llm import ChatMessage

RESPONSE_MODELS: dict[DatasetType, type[BaseModel]] = {
    DatasetType.INSTRUCTION: InstructionAnswerPairs,
    DatasetType.PREFERENCE: PreferenceTriples,
}
# About what five samples of one paragraph each come to; only for the dry run's estimate.
EXPECTED_OUTPUT_TOKENS = {DatasetType.INSTRUCTION: 700, DatasetType.PREFERENCE: 900}


class GenerationPrompt(BaseModel):
    extract: Extract
    messages: list[ChatMessage]


class GenerationPrompts(BaseModel):
    dataset_type: DatasetType
    prompts: list[GenerationPrompt]
    too_short_documents: int = 0


def build_prompt(extract: Extract, dataset_type: DatasetType) -> GenerationPrompt:
    user = render(dataset_type.value, extract=extract.text, author=extract.author_full_name)
    messages = [ChatMessage(role="system", content=render("system")), ChatMessage(role="user", content=user)]
    return GenerationPrompt(extract=extract, messages=messages)


def build_prompts(extracts: Sequence[Extract], dataset_type: DatasetType) -> list[GenerationPrompt]:
    return [build_prompt(extract, dataset_type) for extract in extracts]


def estimate_tokens(text: str) -> int:
    """About four characters per token in English; a real tokenizer would need a download."""
    return math.ceil(len(text) / 4)


def estimate_prompt_tokens(prompts: Sequence[GenerationPrompt]) -> int:
    return sum(estimate_tokens(message.content) for prompt in prompts for message in prompt.messages)

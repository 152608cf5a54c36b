"""LLM-as-judge: feedback on a sample's strengths and weaknesses, then a score from 1 to 4."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from llm_engineering.application.dataset.curation.items import CurationItem
from llm_engineering.application.dataset.templates import render
from llm_engineering.infrastructure.llm import ChatMessage, LLMClient, LLMResult


class JudgeVerdict(BaseModel):
    feedback: str = Field(description="Strengths and weaknesses of the answer, in two or three sentences.")
    score: int = Field(description="1 irrelevant, 2 misses important aspects, 3 helpful, 4 excellent.")


def judge_prompt(item: CurationItem) -> list[ChatMessage]:
    return [
        ChatMessage(role="user", content=render("judge", instruction=item.instruction, answer=item.response))
    ]


def judge_items(
    items: Sequence[CurationItem], client: LLMClient, temperature: float = 0.0
) -> list[LLMResult[JudgeVerdict]]:
    prompts = [judge_prompt(item) for item in items]
    return client.structured_many(prompts, JudgeVerdict, temperature=temperature, progress="judging samples")

"""The LLM judge: per-answer accuracy and style scores, and a pairwise twin-versus-base comparison whose
answer order is randomised per sample (judges tend to favour the first answer they read)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from llm_engineering.infrastructure.llm import ChatMessage, LLMClient, LLMResult

Score = Literal[1, 2, 3]
Preference = Literal["twin", "base", "tie"]

JUDGE_SYSTEM = (
    "You are a strict evaluator of answers written for a personal blog or social media. You read one "
    "instruction and one answer and reply with JSON only."
)
SCORE_RUBRIC = """Score the answer on two criteria, each from 1 to 3.
Accuracy (is the content factually right and does it address the instruction):
  1 = factually wrong or irrelevant; 2 = mostly accurate, with gaps or small errors; 3 = accurate and complete.
Style (does it read like an accessible blog post or social media post by its author):
  1 = too formal, academic or verbose; 2 = mostly fitting, with some stiff or wordy passages;
  3 = reads like the author's own accessible writing: direct, plain words, technical terms only where needed.
First write a short analysis (2-4 sentences), then give both scores."""

# With excerpts of the author's own writing, style is judged against them rather than a generic blog style.
STYLE_REFERENCE_RUBRIC = """Score the answer on two criteria, each from 1 to 3.
Accuracy (is the content factually right and does it address the instruction):
  1 = factually wrong or irrelevant; 2 = mostly accurate, with gaps or small errors; 3 = accurate and complete.
Style (does it read as if the author of the excerpts below wrote it: their vocabulary, sentence length and
rhythm, person and tone, punctuation and formatting habits; not the voice of a generic AI assistant):
  1 = nothing like the excerpts (e.g. a generic assistant's or an academic voice);
  2 = some of the author's habits, mixed with a voice that is not theirs;
  3 = could pass for a passage of the excerpts' author.
The excerpts show how the author writes; judge accuracy on the instruction, not on the excerpts.
First write a short analysis (2-4 sentences), then give both scores."""

PAIRWISE_RUBRIC = """Two answers, A and B, respond to the same instruction. Decide which one is better overall:
more accurate and complete first, then more fitting for a blog or social media post (accessible, direct,
not too formal or verbose). The order in which they are shown says nothing about their quality.
Write a short analysis (2-4 sentences), then the winner: "A", "B", or "tie" when neither is better."""


class AnswerScore(BaseModel):
    analysis: str = Field(description="A short analysis of the answer's accuracy and style.")
    accuracy: Score = Field(
        description="1 wrong or irrelevant, 2 mostly accurate with gaps, 3 accurate and complete."
    )
    style: Score = Field(
        description="1 too formal or verbose, 2 mostly fitting, 3 reads like the author's own writing."
    )


class PairwiseVerdict(BaseModel):
    analysis: str = Field(description="A short comparison of the two answers.")
    winner: Literal["A", "B", "tie"]


class JudgeConfig(BaseModel):
    """The LLM judge: an OpenAI-compatible endpoint (OPENAI_* settings); None keeps the client's setting."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = Field(None, description="The judge model (None: OPENAI_MODEL_ID).")
    concurrency: int | None = Field(None, ge=1, description="Requests at once (None: OPENAI_CONCURRENCY).")
    cache_dir: str | None = Field(None, description="The answer cache (None: LLM_CACHE_DIR).")
    max_tokens: int = Field(default=400, ge=16, description="A judge answer's token limit.")
    seed: int = Field(42, description="Seeds the pairwise answer order.")


class JudgeOutcome(BaseModel):
    """What the judge said, per sample in the test set's order; None where it gave no valid answer. Without
    a judge configured: `judge_model` None and empty lists."""

    judge_model: str | None = None
    twin_scores: list[AnswerScore | None] = Field(default_factory=list)
    twin_errors: list[str | None] = Field(default_factory=list)
    base_scores: list[AnswerScore | None] = Field(default_factory=list)
    base_errors: list[str | None] = Field(default_factory=list)
    twin_first: list[bool] = Field(default_factory=list)
    pairwise: list[Preference | None] = Field(default_factory=list)
    pairwise_analyses: list[str | None] = Field(default_factory=list)
    pairwise_errors: list[str | None] = Field(default_factory=list)
    usage: dict = Field(default_factory=dict)

    @property
    def judged(self) -> bool:
        return self.judge_model is not None


def score_messages(
    instruction: str, answer: str, style_excerpts: Sequence[str] | None = None
) -> list[ChatMessage]:
    """The score prompt; with `style_excerpts` (the author's own writing) style is judged against them."""
    if style_excerpts:
        excerpts = "\n\n".join(f"Excerpt {n}:\n{text}" for n, text in enumerate(style_excerpts, start=1))
        rubric = f"{STYLE_REFERENCE_RUBRIC}\n\nExcerpts of the author's own writing (the style reference):\n{excerpts}"
    else:
        rubric = SCORE_RUBRIC
    return [
        ChatMessage(role="system", content=JUDGE_SYSTEM),
        ChatMessage(role="user", content=f"{rubric}\n\nInstruction:\n{instruction}\n\nAnswer:\n{answer}"),
    ]


def pairwise_messages(instruction: str, answer_a: str, answer_b: str) -> list[ChatMessage]:
    return [
        ChatMessage(role="system", content=JUDGE_SYSTEM),
        ChatMessage(
            role="user",
            content=f"{PAIRWISE_RUBRIC}\n\nInstruction:\n{instruction}\n\nAnswer A:\n{answer_a}\n\n"
            f"Answer B:\n{answer_b}",
        ),
    ]


def pairwise_orders(count: int, seed: int) -> list[bool]:
    """Per sample, whether the twin's answer is shown first (as A): a seeded coin flip, so a rerun asks the
    same prompts (and hits the judge cache) while the twin is first in about half of them."""
    generator = random.Random(seed)
    return [generator.random() < 0.5 for _ in range(count)]


def preference_for_twin(winner: Literal["A", "B", "tie"], twin_first: bool) -> Preference:
    if winner == "tie":
        return "tie"
    twin_won = (winner == "A") == twin_first
    return "twin" if twin_won else "base"


def _values(results: Sequence[LLMResult]) -> tuple[list, list[str | None]]:
    return [result.value for result in results], [result.error for result in results]


def run_judge(
    client: LLMClient,
    instructions: Sequence[str],
    twin_answers: Sequence[str],
    base_answers: Sequence[str] | None,
    config: JudgeConfig,
    style_excerpts: Sequence[Sequence[str]] | None = None,
) -> JudgeOutcome:
    """Score every twin answer (and base answer), and compare each pair when base answers exist. A prompt
    whose answer stays invalid after the client's retries is recorded with its error, not scored.
    `style_excerpts` (per instruction, the author's own writing) become the style criterion's reference."""
    options = {"temperature": 0.0, "max_tokens": config.max_tokens}
    count = len(instructions)
    # Twin and base answers in one batch, so the client keeps its concurrency busy.
    excerpts = list(style_excerpts) if style_excerpts else [[] for _ in instructions]
    score_prompts = [
        score_messages(i, a, e) for i, a, e in zip(instructions, twin_answers, excerpts, strict=True)
    ]
    if base_answers is not None:
        score_prompts += [
            score_messages(i, a, e) for i, a, e in zip(instructions, base_answers, excerpts, strict=True)
        ]
    scores = client.structured_many(score_prompts, AnswerScore, progress="judge: scores", **options)
    twin_scores, twin_errors = _values(scores[:count])
    outcome = JudgeOutcome(
        judge_model=client.config.model,
        twin_scores=twin_scores,
        twin_errors=twin_errors,
        base_scores=[None] * count,
        base_errors=[None] * count,
        twin_first=pairwise_orders(count, config.seed),
        pairwise=[None] * count,
        pairwise_analyses=[None] * count,
        pairwise_errors=[None] * count,
    )
    if base_answers is not None:
        outcome.base_scores, outcome.base_errors = _values(scores[count:])
        prompts = [
            pairwise_messages(i, t, b) if first else pairwise_messages(i, b, t)
            for i, t, b, first in zip(
                instructions, twin_answers, base_answers, outcome.twin_first, strict=True
            )
        ]
        verdicts = client.structured_many(prompts, PairwiseVerdict, progress="judge: pairwise", **options)
        outcome.pairwise = [
            preference_for_twin(result.value.winner, first) if result.value else None
            for result, first in zip(verdicts, outcome.twin_first, strict=True)
        ]
        outcome.pairwise_analyses = [result.value.analysis if result.value else None for result in verdicts]
        outcome.pairwise_errors = [result.error for result in verdicts]
    outcome.usage = client.usage.model_dump(mode="json")
    return outcome

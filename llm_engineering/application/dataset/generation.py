"""Asking the teacher for samples: one request per extract, bounded concurrency, every prompt answered or
counted. The samples keep their extract's document, author, category, link and text."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence

from loguru import logger
from pydantic import BaseModel, ConfigDict, Field

from llm_engineering.application.dataset.prompting import RESPONSE_MODELS, GenerationPrompt
from llm_engineering.application.dataset.responses import InstructionAnswerPairs, PreferenceTriples
from llm_engineering.domain.dataset import DatasetType, InstructDatasetSample, PreferenceDatasetSample
from llm_engineering.domain.exceptions import LLMTwinError
from llm_engineering.infrastructure.llm import LLMClient

Sample = InstructDatasetSample | PreferenceDatasetSample


class SampleSet(BaseModel):
    dataset_type: DatasetType
    samples: list[Sample] = Field(default_factory=list)


class TeacherSettings(BaseModel):
    """How the teacher is asked (the endpoint and model are settings: OPENAI_*)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    temperature: float = Field(0.7, ge=0.0, le=2.0, description="The teacher's sampling temperature.")
    max_tokens: int | None = Field(None, ge=1, description="An answer's token limit (None: the endpoint's).")
    concurrency: int | None = Field(None, ge=1, description="Requests at once (None: OPENAI_CONCURRENCY).")


DEFAULT_GENERATION = TeacherSettings()


class GenerationStats(BaseModel):
    """How the teacher's answers went: counts, failures by reason and the client's usage summary."""

    model: str | None = None
    prompts: int
    answered: int
    failed: int
    from_cache: int  # answered prompts whose answer came from the cache (part of `answered`)
    failed_from_cache: int = 0  # failed prompts whose failure an earlier run recorded (part of `failed`)
    failures_by_reason: dict[str, int]
    failure_examples: list[str]
    usage: dict

    def counts_line(self) -> str:
        """'Prompts: P, answered A (C from the cache), lost L (...)': A + L = P and C <= A."""
        detail = (
            [", ".join(f"{k}={v}" for k, v in self.failures_by_reason.items())]
            if self.failures_by_reason
            else []
        )
        if self.failed_from_cache:
            detail.append(
                f"{self.failed_from_cache} failed in an earlier run; --retry-failed asks them again"
            )
        return (
            f"Prompts: {self.prompts}, answered {self.answered} ({self.from_cache} from the cache), "
            f"lost {self.failed}" + (f" ({'; '.join(detail)})" if self.failed else "")
        )

    def lines(self) -> list[str]:
        usage = self.usage
        cost = usage.get("cost_usd")
        return [
            self.counts_line(),
            f"LLM ({self.model}): {usage.get('requests', 0)} requests, {usage.get('retries', 0)} retries, "
            f"{usage.get('reasks', 0)} re-asks, {usage.get('input_tokens', 0):,} input / "
            f"{usage.get('output_tokens', 0):,} output tokens, "
            + (f"${cost:.4f}" if cost is not None else "cost unknown (set OPENAI_PRICE_PER_1M_*_TOKENS)"),
        ]


class GenerationReport(GenerationStats):
    samples: SampleSet

    def stats(self) -> GenerationStats:
        return GenerationStats.model_validate(self.model_dump(exclude={"samples"}))


class AllPromptsFailed(LLMTwinError, RuntimeError):
    """Not one prompt got a valid answer: nothing to make a dataset from."""


def sample_id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def to_samples(prompt: GenerationPrompt, answer: BaseModel, dataset_type: DatasetType) -> list[Sample]:
    extract = prompt.extract
    source = {
        "document_id": extract.document_id,
        "author_full_name": extract.author_full_name,
        "category": extract.category,
        "link": extract.link,
        "extract": extract.text,
    }
    key = (extract.document_id, str(extract.index))
    if dataset_type == DatasetType.INSTRUCTION:
        assert isinstance(answer, InstructionAnswerPairs)
        return [
            InstructDatasetSample(
                id=sample_id(*key, p.instruction, p.answer),
                instruction=p.instruction,
                answer=p.answer,
                **source,
            )
            for p in answer.instruction_answer_pairs
        ]
    assert isinstance(answer, PreferenceTriples)
    return [
        PreferenceDatasetSample(
            id=sample_id(*key, t.instruction, t.extracted_answer),
            instruction=t.instruction,
            chosen=t.extracted_answer,
            rejected=t.generated_answer,
            **source,
        )
        for t in answer.preference_triples
    ]


def generate_samples(
    prompts: Sequence[GenerationPrompt],
    dataset_type: DatasetType,
    client: LLMClient,
    *,
    temperature: float = DEFAULT_GENERATION.temperature,
    max_tokens: int | None = DEFAULT_GENERATION.max_tokens,
    use_cache: bool = True,
    retry_failed: bool = False,
) -> GenerationReport:
    """Every prompt's samples; failed prompts are counted with their reasons. Raises AllPromptsFailed
    when none succeeded."""
    results = client.structured_many(
        [prompt.messages for prompt in prompts],
        RESPONSE_MODELS[dataset_type],
        temperature=temperature,
        max_tokens=max_tokens,
        use_cache=use_cache,
        retry_failed=retry_failed,
        progress=f"generating {dataset_type.value} samples",
        cache_scope=f"dataset_type={dataset_type.value}",  # an answer never serves the other dataset type
    )
    samples: list[Sample] = []
    errors = []
    for prompt, result in zip(prompts, results, strict=True):
        if result.value is None:
            errors.append(f"{prompt.extract.document_id}#{prompt.extract.index}: {result.error}")
        else:
            samples += to_samples(prompt, result.value, dataset_type)
    usage = client.usage.summary()
    report = GenerationReport(
        samples=SampleSet(dataset_type=dataset_type, samples=samples),
        prompts=len(prompts),
        answered=len(prompts) - len(errors),
        failed=len(errors),
        from_cache=sum(1 for result in results if result.cached and result.value is not None),
        failed_from_cache=sum(1 for result in results if result.cached and result.value is None),
        failures_by_reason=dict(Counter(usage["failures_by_reason"])),
        failure_examples=errors[:10],
        usage=usage,
    )
    logger.info(
        f"Generated {len(samples)} {dataset_type.value} samples from {report.answered}/{len(prompts)} prompts "
        f"({report.from_cache} from the cache); failed: {report.failures_by_reason or 'none'}."
    )
    if prompts and not report.answered:
        raise AllPromptsFailed(
            f"All {len(prompts)} prompts failed ({report.failures_by_reason}); e.g. {errors[0]}. "
            "Check the endpoint (OPENAI_BASE_URL, OPENAI_MODEL_ID) and run again: answers are cached."
        )
    return report

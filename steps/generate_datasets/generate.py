from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.dataset.generation import (
    GenerationStats,
    SampleSet,
    TeacherSettings,
    generate_samples,
)
from llm_engineering.application.dataset.prompting import GenerationPrompts
from llm_engineering.application.dataset.summaries import count_by_author_and_category
from llm_engineering.infrastructure.llm import LLMClient


@step
def generate(
    prompts: GenerationPrompts,
    settings: TeacherSettings,
    use_cache: bool,
    retry_failed: bool,
) -> tuple[Annotated[SampleSet, "generated_samples"], Annotated[GenerationStats, "generation_stats"]]:
    """Ask the teacher (the configured OpenAI-compatible endpoint) for the samples of every prompt; failed
    prompts are counted by reason, and the step fails only when none succeeded."""
    overrides = {"concurrency": settings.concurrency} if settings.concurrency else {}
    client = LLMClient.from_settings(**overrides)
    report = generate_samples(
        prompts.prompts,
        prompts.dataset_type,
        client,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        use_cache=use_cache,
        retry_failed=retry_failed,
    )
    metadata = count_by_author_and_category(report.samples.samples)
    metadata.update(
        prompts=report.prompts,
        answered=report.answered,
        failed=report.failed,
        from_cache=report.from_cache,
        failed_from_cache=report.failed_from_cache,
        failures_by_reason=report.failures_by_reason,
        failure_examples=report.failure_examples,
        usage=report.usage,
        model=client.config.model,
    )
    get_step_context().add_output_metadata(output_name="generated_samples", metadata=metadata)
    report.model = client.config.model
    return report.samples, report.stats()

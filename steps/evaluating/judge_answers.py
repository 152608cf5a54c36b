from typing import Annotated

from loguru import logger
from zenml import get_step_context, step

from llm_engineering.domain.likeness import StyleReferences
from llm_engineering.infrastructure.llm import LLMClient
from llm_engineering.model.evaluation.judge import JudgeConfig, JudgeOutcome, run_judge
from llm_engineering.model.evaluation.results import GeneratedAnswers
from llm_engineering.model.evaluation.samples import EvaluationSet
from llm_engineering.settings import resolve_path


@step
def judge_answers(
    test_set: EvaluationSet,
    answers: GeneratedAnswers,
    config: JudgeConfig,
    style_references: StyleReferences | None = None,
) -> Annotated[JudgeOutcome, "judge_results"]:
    """The LLM judge's scores and pairwise verdicts; an empty outcome (and the judge-free metrics only) when no judge
    endpoint is configured (OPENAI_API_KEY or OPENAI_BASE_URL). With `style_references` (excerpts of the
    author's writing per instruction) the style score compares each answer with the author's own writing."""
    if not LLMClient.is_configured():
        logger.info(
            "No LLM judge configured (set OPENAI_API_KEY or OPENAI_BASE_URL): judge-free metrics only."
        )
        get_step_context().add_output_metadata(output_name="judge_results", metadata={"judge": "none"})
        return JudgeOutcome()
    # None keeps the client's settings (OPENAI_MODEL_ID, OPENAI_CONCURRENCY, LLM_CACHE_DIR).
    overrides = {"model": config.model, "concurrency": config.concurrency, "cache_dir": config.cache_dir}
    overrides = {key: value for key, value in overrides.items() if value is not None}
    if config.cache_dir is not None:
        overrides["cache_dir"] = resolve_path(config.cache_dir)
    client = LLMClient.from_settings(**overrides)
    outcome = run_judge(
        client,
        test_set.instructions,
        answers.twin_answers,
        answers.base_answers,
        config,
        style_references.excerpts if style_references is not None else None,
    )
    failures = {
        "twin_scores": sum(error is not None for error in outcome.twin_errors),
        "base_scores": sum(error is not None for error in outcome.base_errors),
        "pairwise": sum(error is not None for error in outcome.pairwise_errors),
    }
    if answers.twin_answers and failures["twin_scores"] == len(answers.twin_answers):
        raise RuntimeError(
            f"The judge gave no valid score for any of the {len(answers.twin_answers)} answers; first error: "
            f"{outcome.twin_errors[0]}. Check the judge endpoint and model (OPENAI_BASE_URL, OPENAI_MODEL_ID)."
        )
    get_step_context().add_output_metadata(
        output_name="judge_results",
        metadata={
            "judge_model": outcome.judge_model,
            "failed": failures,
            "usage": outcome.usage,
            "style_reference_author": (style_references.author if style_references else None) or "none",
        },
    )
    return outcome

from pathlib import Path
from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.domain.likeness import AuthorLikenessReport
from llm_engineering.model import TWIN_MODEL_NAME
from llm_engineering.model.evaluation.judge import JudgeOutcome
from llm_engineering.model.evaluation.promotion import PromotionDecision
from llm_engineering.model.evaluation.registry import find_model_version, record_and_promote
from llm_engineering.model.evaluation.results import (
    EvaluationSummary,
    GeneratedAnswers,
    SimilarityScores,
    build_records,
    save_results,
    summarize,
)
from llm_engineering.model.evaluation.samples import EvaluationSet


@step
def save_and_promote(
    test_set: EvaluationSet,
    answers: GeneratedAnswers,
    judge_results: JudgeOutcome,
    similarity: SimilarityScores,
    results_subdir: str = "evaluation",
    model_name: str = TWIN_MODEL_NAME,
    author_likeness: AuthorLikenessReport | None = None,
) -> tuple[Annotated[EvaluationSummary, "evaluation_summary"], Annotated[PromotionDecision, "promotion"]]:
    """Save the answers and scores next to the model (`<model_dir>/<results_subdir>`), put the means on the
    model's version of `model_name` and promote it to production when it beats the current one."""
    records = build_records(test_set, answers, judge_results, similarity, author_likeness)
    summary = summarize(
        records,
        test_set,
        answers,
        judge_results.judge_model,
        similarity.embedding_model_id,
        author_likeness,
    )
    summary.results_dir = str(save_results(records, summary, Path(answers.model_dir) / results_subdir))
    decision = record_and_promote(find_model_version(answers.model_dir, model_name), summary.metadata())
    context = get_step_context()
    context.add_output_metadata(output_name="evaluation_summary", metadata=summary.metadata())
    context.add_output_metadata(output_name="promotion", metadata=decision.model_dump(exclude_none=True))
    return summary, decision

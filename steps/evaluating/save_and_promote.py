from pathlib import Path
from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.domain.likeness import AuthorLikenessReport
from llm_engineering.model.evaluation.judge import JudgeOutcome
from llm_engineering.model.evaluation.promotion import PromotionDecision
from llm_engineering.model.evaluation.results import (
    EvaluationSummary,
    GeneratedAnswers,
    SimilarityScores,
    build_records,
    save_results,
    summarize,
)
from llm_engineering.model.evaluation.samples import EvaluationSet
from steps.registry import record_and_promote


@step
def save_and_promote(
    test_set: EvaluationSet,
    answers: GeneratedAnswers,
    judge_results: JudgeOutcome,
    similarity: SimilarityScores,
    results_subdir: str = "evaluation",
    author_likeness: AuthorLikenessReport | None = None,
) -> tuple[Annotated[EvaluationSummary, "evaluation_summary"], Annotated[PromotionDecision, "promotion"]]:
    """Save the answers and scores next to the model (`<model_dir>/<results_subdir>`), put the means on the
    run's model version (the pipeline's `llm_twin` model) and promote it to production when it beats its
    base model and the current production version."""
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
    context = get_step_context()
    decision = record_and_promote(context.model.id, summary.metadata())
    context.add_output_metadata(output_name="evaluation_summary", metadata=summary.metadata())
    context.add_output_metadata(output_name="promotion", metadata=decision.model_dump(exclude_none=True))
    return summary, decision

from typing import Annotated

from loguru import logger
from zenml import get_step_context, step

from llm_engineering.application.dataset.io import load_dataset_dict
from llm_engineering.application.likeness.corpus import author_to_measure, store_documents
from llm_engineering.application.likeness.evaluation import measure_answers
from llm_engineering.domain.likeness import AuthorLikenessReport
from llm_engineering.model.evaluation.results import GeneratedAnswers
from llm_engineering.model.evaluation.samples import EvaluationSet


@step
def score_author_likeness(
    test_set: EvaluationSet, answers: GeneratedAnswers, dataset: str, author_full_name: str | None = None
) -> Annotated[AuthorLikenessReport, "author_likeness"]:
    """Judge-free: how much the twin's, the base model's and the reference answers read like the author
    (a stylometric scorer fitted on the author's writing in the warehouse against other writing, including
    the dataset's train-split answers, which an LLM wrote). Not measured, with the reason, when no author
    is named and the warehouse does not hold exactly one."""
    documents = store_documents()
    author, reason = author_to_measure(author_full_name, documents)
    if author is None:
        logger.warning(f"Author likeness not measured: {reason}")
        get_step_context().add_output_metadata(output_name="author_likeness", metadata={"measured": False})
        return AuthorLikenessReport(reason=reason)
    teacher = [str(answer) for answer in load_dataset_dict(dataset, "instruct")["train"]["answer"] if answer]
    report = measure_answers(
        author,
        documents,
        answers.twin_answers,
        answers.base_answers,
        [sample.reference_answer for sample in test_set.samples],
        teacher,
    )
    get_step_context().add_output_metadata(
        output_name="author_likeness",
        metadata={
            "measured": True,
            "author": author,
            "fingerprint": report.fingerprint or "n/a",
            "ceiling": report.ceiling if report.ceiling is not None else "n/a",
            "floor": report.floor if report.floor is not None else "n/a",
        },
    )
    return report

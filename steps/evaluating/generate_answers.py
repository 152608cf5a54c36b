import time
from typing import Annotated

from loguru import logger
from zenml import get_step_context, step

from llm_engineering.model.evaluation.answering import answer_with_model_and_base
from llm_engineering.model.evaluation.generation import GenerationConfig
from llm_engineering.model.evaluation.results import GeneratedAnswers
from llm_engineering.model.evaluation.samples import EvaluationSet
from steps.registry import version_by_id


@step
def generate_answers(
    test_set: EvaluationSet,
    model_dir: str | None,
    config: GenerationConfig,
) -> Annotated[GeneratedAnswers, "answers"]:
    """Greedy answers of the evaluated model and of its base model, and both models' loss on the reference
    answers. The model is `model_dir` when given (a folder outside the registry), else the folder that the
    run's model version names. `config.base_model` overrides the base (needed for a merged model, which does
    not name its base)."""
    if not model_dir:
        version = version_by_id(get_step_context().model.id)
        model_dir = version.folder_for_evaluation()
        logger.info(f"Evaluating {version.label}: {model_dir}")
    started = time.perf_counter()
    answers = answer_with_model_and_base(test_set, model_dir, config)
    answers.generation_s = round(time.perf_counter() - started, 1)
    logger.info(f"Answered {len(test_set.samples)} instructions in {answers.generation_s} s.")
    get_step_context().add_output_metadata(
        output_name="answers",
        metadata={
            "model_kind": answers.model_kind,
            "base_model": answers.base_model or "none",
            "samples": len(answers.twin_answers),
            "empty_answers": sum(1 for answer in answers.twin_answers if not answer),
            "eval_loss": answers.eval_loss if answers.eval_loss is not None else "n/a",
            "base_eval_loss": answers.base_eval_loss if answers.base_eval_loss is not None else "n/a",
            "generation_s": answers.generation_s,
        },
    )
    return answers

from zenml import pipeline

from pipelines.config import EvaluatingConfig
from steps.evaluating import (
    embedding_similarity,
    generate_answers,
    judge_answers,
    load_test_set,
    retrieve_style_excerpts,
    save_and_promote,
    score_author_likeness,
)
from steps.registry import twin_model


# No step caching: the model folder's content and the judge endpoint can change between runs under the same
# parameters (the judge's answers are cached by the LLM client instead). The run works on one version of the
# `llm_twin` model: the one the config's `model: version:` names (the CLI's --model-version), or a new one
# for a folder outside the registry (`model_dir`).
@pipeline(enable_cache=False, model=twin_model())
def evaluating(config: EvaluatingConfig) -> None:
    """Answer the test split's instructions with the twin and its base model, score the answers with an LLM
    judge (its style reference: excerpts of the author's writing) and judge-free metrics (author likeness,
    eval loss, similarity), save the results next to the model, record the means on the run's `llm_twin`
    version and promote it when it beats its base model and production."""
    test_set = load_test_set(config.dataset, config.max_samples)
    answers = generate_answers(test_set, config.model_dir, config=config.generation)
    style_references = retrieve_style_excerpts(test_set, config.author_full_name)
    judge_results = judge_answers(test_set, answers, config=config.judge, style_references=style_references)
    similarity = embedding_similarity(test_set, answers)
    likeness = score_author_likeness(test_set, answers, config.dataset, config.author_full_name)
    save_and_promote(test_set, answers, judge_results, similarity, author_likeness=likeness)

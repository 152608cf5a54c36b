from zenml import pipeline

from steps.evaluating import (
    embedding_similarity,
    generate_answers,
    judge_answers,
    load_test_set,
    save_and_promote,
)
from steps.registry import twin_model


# No step caching: the model folder's content and the judge endpoint can change between runs under the same
# parameters (the judge's answers are cached by the LLM client instead). The run works on one version of the
# `llm_twin` model: the one the config's `model: version:` names (the CLI's --model-version), or a new one
# for a folder outside the registry (`model_dir`).
@pipeline(enable_cache=False, model=twin_model())
def evaluating(dataset: str, model_dir: str | None = None, max_samples: int = 20) -> None:
    """Answer the test split's instructions with the twin and its base model, score the answers with an LLM
    judge (or judge-free metrics), save the results next to the model, record the means on the run's
    `llm_twin` version and promote it when it beats production."""
    test_set = load_test_set(dataset, max_samples)
    answers = generate_answers(test_set, model_dir)
    judge_results = judge_answers(test_set, answers)
    similarity = embedding_similarity(test_set, answers)
    save_and_promote(test_set, answers, judge_results, similarity)

from zenml import pipeline

from pipelines.config import EvaluatingConfig
from steps.evaluating import (
    embedding_similarity,
    generate_answers,
    judge_answers,
    load_test_set,
    save_and_promote,
)


# No step caching: the model folder's content and the judge endpoint can change between runs under the same
# parameters (the judge's answers are cached by the LLM client instead).
@pipeline(enable_cache=False)
def evaluating(config: EvaluatingConfig) -> None:
    """Answer the test split's instructions with the twin and its base model, score the answers with an LLM
    judge (or judge-free metrics), save the results next to the model, record the means on its `llm_twin`
    version and promote it when it beats production."""
    test_set = load_test_set(config.dataset, config.max_samples)
    answers = generate_answers(test_set, config.model_dir, config=config.generation)
    judge_results = judge_answers(test_set, answers, config=config.judge)
    similarity = embedding_similarity(test_set, answers)
    save_and_promote(test_set, answers, judge_results, similarity)

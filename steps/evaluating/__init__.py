from steps.evaluating.embedding_similarity import embedding_similarity
from steps.evaluating.generate_answers import generate_answers
from steps.evaluating.judge_answers import judge_answers
from steps.evaluating.load_test_set import load_test_set
from steps.evaluating.save_and_promote import save_and_promote

__all__ = ["embedding_similarity", "generate_answers", "judge_answers", "load_test_set", "save_and_promote"]

from steps.evaluating.author_likeness import score_author_likeness
from steps.evaluating.embedding_similarity import embedding_similarity
from steps.evaluating.generate_answers import generate_answers
from steps.evaluating.judge_answers import judge_answers
from steps.evaluating.load_test_set import load_test_set
from steps.evaluating.save_and_promote import save_and_promote
from steps.evaluating.style_excerpts import retrieve_style_excerpts

__all__ = [
    "embedding_similarity",
    "generate_answers",
    "judge_answers",
    "load_test_set",
    "retrieve_style_excerpts",
    "save_and_promote",
    "score_author_likeness",
]

import numpy as np
import pytest

from llm_engineering.model.evaluation.similarity import cosine_similarities


def test_row_wise_cosine_with_empty_rows_at_zero() -> None:
    answers = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    references = np.array([[2.0, 0.0], [-1.0, -1.0], [1.0, 0.0]])
    assert cosine_similarities(answers, references) == [1.0, -1.0, 0.0]


def test_shapes_must_match() -> None:
    with pytest.raises(ValueError, match="differ in shape"):
        cosine_similarities(np.zeros((2, 3)), np.zeros((3, 3)))

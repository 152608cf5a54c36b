"""Judge-free style measure: how close an answer's embedding is to the reference answer's."""

from __future__ import annotations

import numpy as np


def cosine_similarities(answers: np.ndarray, references: np.ndarray) -> list[float]:
    """Row-wise cosine similarity of two (n, d) arrays; an all-zero row (an empty answer) scores 0."""
    if answers.shape != references.shape:
        raise ValueError(f"answers {answers.shape} and references {references.shape} differ in shape")
    norms = np.linalg.norm(answers, axis=1) * np.linalg.norm(references, axis=1)
    dots = np.einsum("ij,ij->i", answers, references)
    values = np.divide(dots, norms, out=np.zeros_like(dots, dtype=np.float64), where=norms > 0)
    return [round(float(value), 4) for value in values]

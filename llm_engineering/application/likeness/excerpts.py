"""Short excerpts of the author's writing retrieved for an instruction: the judge's style reference.

Retrieval is lexical (TF-IDF cosine over the author's prose passages): deterministic, needs no vector
store, and an excerpt on the instruction's subject shows how the author writes about that subject."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from llm_engineering.application.likeness.corpus import CorpusDocument
from llm_engineering.application.likeness.passages import training_passages

EXCERPT_WORDS = 60
EXCERPTS_PER_INSTRUCTION = 3


def author_excerpt_pool(author: str, documents: Sequence[CorpusDocument]) -> list[str]:
    return [
        passage
        for document in documents
        if document.author == author
        for passage in training_passages(document.text, EXCERPT_WORDS)
    ]


def retrieve_excerpts(
    instructions: Sequence[str], pool: Sequence[str], k: int = EXCERPTS_PER_INSTRUCTION
) -> list[list[str]]:
    """Per instruction, the `k` passages of `pool` closest to it (ties and no overlap: pool order)."""
    if not pool or not instructions:
        return [[] for _ in instructions]
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    passages = vectorizer.fit_transform(pool)
    similarities = (vectorizer.transform(list(instructions)) @ passages.T).toarray()
    excerpts = []
    for row in similarities:
        best = np.argsort(-row, kind="stable")[:k]
        excerpts.append([pool[index] for index in best])
    return excerpts

"""Train/test split by source document: all samples of a document land on the same side, so the test set
never shares an extract with training."""

from __future__ import annotations

import random
from collections.abc import Sequence

from llm_engineering.application.dataset.generation import Sample


def split_by_document(
    samples: Sequence[Sample], test_size: float, seed: int
) -> tuple[list[Sample], list[Sample]]:
    """(train, test). About `test_size` of the documents go to test (seeded), at least one whenever there
    are two or more and test_size > 0, never all of them."""
    if not 0 <= test_size < 1:
        raise ValueError(f"test_split_size must be in [0, 1), got {test_size}.")
    documents = sorted({sample.document_id or sample.id or "" for sample in samples})
    random.Random(seed).shuffle(documents)
    count = 0
    if test_size > 0 and len(documents) >= 2:
        count = min(len(documents) - 1, max(1, round(test_size * len(documents))))
    test_documents = set(documents[:count])
    train = [s for s in samples if (s.document_id or s.id or "") not in test_documents]
    test = [s for s in samples if (s.document_id or s.id or "") in test_documents]
    return train, test

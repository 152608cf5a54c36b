"""Counts and statistics for step metadata and logs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np


def count_by_category_and_author(items: Iterable[Any]) -> dict[str, Any]:
    items = list(items)
    return {
        "total": len(items),
        "per_category": dict(Counter(str(item.category) for item in items)),
        "per_author": dict(Counter(item.author_full_name for item in items)),
    }


def distribution(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    array = np.asarray(values, dtype=float)
    return {
        "count": int(array.size),
        "min": float(array.min()),
        "mean": round(float(array.mean()), 1),
        "p50": float(np.percentile(array, 50)),
        "p95": float(np.percentile(array, 95)),
        "max": float(array.max()),
    }


def chunk_statistics(chunks: Sequence[Any]) -> dict[str, Any]:
    """Counts per category and author, plus chunk lengths in model tokens and in characters."""
    return {
        **count_by_category_and_author(chunks),
        "chunk_tokens": distribution([chunk.metadata.get("token_count", 0) for chunk in chunks]),
        "chunk_chars": distribution([len(chunk.content) for chunk in chunks]),
    }

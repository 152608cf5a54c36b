"""Counts for step metadata and the CLI summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol


class HasSource(Protocol):
    author_full_name: str | None
    category: str | None


def count_by_author_and_category(items: Iterable[Any]) -> dict[str, Any]:
    items = list(items)
    by_author = Counter(item.author_full_name or "unknown" for item in items)
    by_category = Counter(item.category or "unknown" for item in items)
    return {"count": len(items), "by_author": dict(by_author), "by_category": dict(by_category)}

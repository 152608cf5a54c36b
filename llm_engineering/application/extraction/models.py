"""What extraction returns, and the error it raises when a page holds no article."""

from __future__ import annotations

from dataclasses import dataclass

from llm_engineering.domain.exceptions import LLMTwinError


class ExtractionError(LLMTwinError, ValueError):
    """No article text could be found in a page (empty, binary, or nothing but boilerplate)."""


@dataclass(frozen=True)
class ExtractedArticle:
    title: str | None
    subtitle: str | None
    content: str
    language: str | None
    description: str | None
    author: str | None


# Below this many characters the page holds no article worth keeping.
MIN_CONTENT_CHARS = 40

"""Main-text extraction: HTML in, the article (title, subtitle, text, metadata) out. No I/O."""

from llm_engineering.application.extraction.article import (
    extract_article,
    extract_medium_article,
    extract_substack_article,
)
from llm_engineering.application.extraction.models import ExtractedArticle, ExtractionError

__all__ = [
    "ExtractedArticle",
    "ExtractionError",
    "extract_article",
    "extract_medium_article",
    "extract_substack_article",
]

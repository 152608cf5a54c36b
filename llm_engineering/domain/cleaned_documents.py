"""Cleaned documents: a raw document's text after cleaning, stored in Qdrant collections without vectors
(`cleaned_articles`, `cleaned_posts`, `cleaned_repositories`: one per category).

A cleaned document keeps its raw document's id, so re-cleaning overwrites it. What describes the text
(title, platform, publication date, link) travels beside it as fields, never folded into `content`, so
chunks and retrieved passages can show it. `content_hash` (the raw document's hash) and
`feature_fingerprint` (the cleaning/chunking/embedding settings it was processed with) let the next run
tell new, changed and unchanged documents apart; they are written last, after the document's chunks, so a
crash mid-run makes the next run redo the document.
"""

from __future__ import annotations

from pydantic import UUID4

from llm_engineering.domain.base.vector import VectorBaseDocument
from llm_engineering.domain.types import DataCategory


class CleanedDocument(VectorBaseDocument):
    category: DataCategory
    content: str
    title: str | None = None  # an article's or post's title, a repository's name
    platform: str
    publication_date: str | None = None  # as the source gave it, when it did
    author_id: UUID4
    author_full_name: str
    link: str | None = None
    content_hash: str
    feature_fingerprint: str

    class Settings:
        name = "cleaned_{category}"
        use_vector_index = False

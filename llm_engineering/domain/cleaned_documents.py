"""Cleaned documents: a raw document's text after cleaning, stored in Qdrant collections without vectors.

A cleaned document keeps its raw document's id, so re-cleaning overwrites it. `content_hash` (the raw
document's hash) and `feature_fingerprint` (the cleaning/chunking/embedding settings it was processed with)
let the next run tell new, changed and unchanged documents apart; they are written last, after the
document's chunks, so a crash mid-run makes the next run redo the document.
"""

from __future__ import annotations

from abc import ABC

from pydantic import UUID4

from llm_engineering.domain.base.vector import VectorBaseDocument
from llm_engineering.domain.types import DataCategory


class CleanedDocument(VectorBaseDocument, ABC):
    content: str
    platform: str
    author_id: UUID4
    author_full_name: str
    link: str | None = None
    content_hash: str
    feature_fingerprint: str


class CleanedPostDocument(CleanedDocument):
    image: str | None = None

    class Settings:
        name = "cleaned_posts"
        category = DataCategory.POSTS
        use_vector_index = False


class CleanedArticleDocument(CleanedDocument):
    class Settings:
        name = "cleaned_articles"
        category = DataCategory.ARTICLES
        use_vector_index = False


class CleanedRepositoryDocument(CleanedDocument):
    name: str

    class Settings:
        name = "cleaned_repositories"
        category = DataCategory.REPOSITORIES
        use_vector_index = False


CLEANED_DOCUMENT_CLASSES: dict[DataCategory, type[CleanedDocument]] = {
    DataCategory.POSTS: CleanedPostDocument,
    DataCategory.ARTICLES: CleanedArticleDocument,
    DataCategory.REPOSITORIES: CleanedRepositoryDocument,
}

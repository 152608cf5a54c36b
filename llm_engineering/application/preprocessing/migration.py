"""Rebuilding chunk collections stored with an older vector layout.

Embedded chunk collections hold two named vectors (`dense` and sparse `bm25`). A collection built before
(one unnamed dense vector) cannot take the new points, and patching it point by point would leave it half
migrated if a run stopped midway. So such a category is rebuilt whole: its chunk collection and its cleaned
documents are dropped, and the change detection that follows sees every document of it as new.
"""

from __future__ import annotations

from loguru import logger

from llm_engineering.application.preprocessing.config import FEATURE_CATEGORIES
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.embedded_chunks import EmbeddedChunk
from llm_engineering.domain.types import DataCategory


def rebuild_outdated_collections() -> list[DataCategory]:
    """Drop the features of every category whose chunk collection has an outdated vector layout; returns
    those categories (their documents are then processed again by this run)."""
    rebuilt = []
    for category in FEATURE_CATEGORIES:
        if not EmbeddedChunk.has_outdated_layout(category):
            continue
        chunks = EmbeddedChunk.count(category)
        logger.warning(
            f"Feature store: '{EmbeddedChunk.get_collection_name(category)}' was built with an older vector layout "
            f"({chunks} chunk(s)); rebuilding the {category} features: its chunks and cleaned documents are "
            "dropped and every document of it is processed again in this run."
        )
        # Cleaned documents first: they mark documents as done. Were the chunks dropped first and the run
        # stopped in between, the next run would find no outdated collection and skip every document.
        CleanedDocument.drop_collection(category)
        EmbeddedChunk.drop_collection(category)
        rebuilt.append(category)
    return rebuilt

"""The authors' cleaned documents from the feature store, as the dataset generation reads them."""

from __future__ import annotations

from collections.abc import Sequence

from loguru import logger
from pydantic import BaseModel

from llm_engineering.application.preprocessing.warehouse_query import warehouse_author_names
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.documents import DOCUMENT_CATEGORIES
from llm_engineering.domain.exceptions import InvalidInput

FEATURE_PIPELINE_COMMAND = "poetry poe run-feature-engineering-pipeline"


class NoCleanedDocuments(InvalidInput):
    """An author has nothing in the feature store to make a dataset from."""


class SourceDocument(BaseModel):
    id: str
    content: str
    author_full_name: str
    category: str
    link: str | None = None
    title: str | None = None


class SourceDocuments(BaseModel):
    documents: list[SourceDocument]


def fetch_cleaned_documents(author_full_names: Sequence[str] | None, page_size: int = 256) -> SourceDocuments:
    """Every cleaned post, article and repository of the authors (paged scrolls), in a stable order.

    Authors named: one without any is an error naming the feature pipeline command that makes them. None
    named: every author in the data warehouse, skipping (with a warning) those the feature pipeline has not
    processed; an error only when none has any."""
    every_author = not author_full_names
    authors = warehouse_author_names() if every_author else list(author_full_names or [])
    documents: list[SourceDocument] = []
    missing = []
    for author in authors:
        found = 0
        for category in DOCUMENT_CATEGORIES:
            for document in CleanedDocument.scroll(page_size, category=category, author_full_name=author):
                documents.append(
                    SourceDocument(
                        id=str(document.id),
                        content=document.content,
                        author_full_name=document.author_full_name,
                        category=category.value,
                        link=document.link,
                        title=document.title,
                    )
                )
                found += 1
        if not found:
            missing.append(author)
    if every_author and missing and len(missing) < len(authors):
        logger.warning(f"No cleaned documents for {missing} yet (run the feature pipeline); skipping them.")
    elif missing:
        raise NoCleanedDocuments(
            f"No cleaned documents in the feature store for {missing}. Run the feature pipeline for them first "
            f"(`{FEATURE_PIPELINE_COMMAND}` with the author in its config), after the ETL has crawled their links."
        )
    documents.sort(key=lambda document: (document.author_full_name, document.category, document.id))
    return SourceDocuments(documents=documents)

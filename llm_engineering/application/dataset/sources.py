"""The authors' cleaned documents from the feature store, as the dataset generation reads them."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from llm_engineering.domain.cleaned_documents import CLEANED_DOCUMENT_CLASSES
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


class SourceDocuments(BaseModel):
    documents: list[SourceDocument]


def fetch_cleaned_documents(author_full_names: Sequence[str], page_size: int = 256) -> SourceDocuments:
    """Every cleaned post, article and repository of the authors (paged scrolls), in a stable order.

    An author without any is an error naming the feature pipeline command that makes them."""
    if not author_full_names:
        raise ValueError("author_full_names is empty: name at least one author in the config's parameters.")
    documents: list[SourceDocument] = []
    missing = []
    for author in author_full_names:
        found = 0
        for category, document_class in CLEANED_DOCUMENT_CLASSES.items():
            for document in document_class.scroll(page_size=page_size, author_full_name=author):
                documents.append(
                    SourceDocument(
                        id=str(document.id),
                        content=document.content,
                        author_full_name=document.author_full_name,
                        category=category.value,
                        link=document.link,
                    )
                )
                found += 1
        if not found:
            missing.append(author)
    if missing:
        raise NoCleanedDocuments(
            f"No cleaned documents in the feature store for {missing}. Run the feature pipeline for them first "
            f"(`{FEATURE_PIPELINE_COMMAND}` with the author in its config), after the ETL has crawled their links."
        )
    documents.sort(key=lambda document: (document.author_full_name, document.category, document.id))
    return SourceDocuments(documents=documents)

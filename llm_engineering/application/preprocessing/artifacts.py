"""What the feature pipeline's steps hand each other: typed, small (documents, ids and counts; never vectors,
which go straight to Qdrant), and readable in the ZenML dashboard."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from llm_engineering.application.preprocessing.hygiene import HygieneReport
from llm_engineering.domain.cleaned_documents import (
    CleanedArticleDocument,
    CleanedDocument,
    CleanedPostDocument,
    CleanedRepositoryDocument,
)
from llm_engineering.domain.documents import ArticleDocument, Document, PostDocument, RepositoryDocument


class WarehouseDocuments(BaseModel):
    """The authors asked for (full name -> id, also those without documents: their stored features may
    have to go) and their documents, one list per category."""

    authors: dict[str, uuid.UUID]
    articles: list[ArticleDocument] = Field(default_factory=list)
    posts: list[PostDocument] = Field(default_factory=list)
    repositories: list[RepositoryDocument] = Field(default_factory=list)

    @classmethod
    def collect(cls, authors: dict[str, uuid.UUID], documents: Iterable[Document]) -> WarehouseDocuments:
        grouped = cls(authors=authors)
        for document in documents:
            getattr(grouped, document.get_collection_name()).append(document)
        return grouped

    def documents(self) -> list[Document]:
        return [*self.articles, *self.posts, *self.repositories]


class CleanedDocuments(BaseModel):
    """The documents cleaned by this run (new or changed ones), one list per category."""

    articles: list[CleanedArticleDocument] = Field(default_factory=list)
    posts: list[CleanedPostDocument] = Field(default_factory=list)
    repositories: list[CleanedRepositoryDocument] = Field(default_factory=list)
    hygiene: HygieneReport = Field(default_factory=HygieneReport)  # what masking and chrome removal did

    @classmethod
    def collect(
        cls, documents: Iterable[CleanedDocument], hygiene: HygieneReport | None = None
    ) -> CleanedDocuments:
        grouped = cls(hygiene=hygiene or HygieneReport())
        for document in documents:
            getattr(grouped, document.get_category().value).append(document)
        return grouped

    def documents(self) -> list[CleanedDocument]:
        return [*self.articles, *self.posts, *self.repositories]


class WrittenChunks(BaseModel):
    """The ids of the embedded chunks written to Qdrant (dense and sparse vectors), by document id."""

    by_document: dict[uuid.UUID, list[uuid.UUID]] = Field(default_factory=dict)

    @classmethod
    def from_ids(cls, chunk_ids: dict[str, Sequence[str]]) -> WrittenChunks:
        return cls(by_document={uuid.UUID(d): [uuid.UUID(c) for c in ids] for d, ids in chunk_ids.items()})

    def chunk_ids(self) -> set[str]:
        return {str(chunk_id) for ids in self.by_document.values() for chunk_id in ids}

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.by_document.values())


class CommitReport(BaseModel):
    """What the last step wrote and deleted, after the chunks were written."""

    embedded_chunks_written: int = 0  # by the step before, counted here for one complete report
    stale_chunks_deleted: int = 0
    cleaned_documents_written: int = 0
    removed_documents_deleted: int = 0

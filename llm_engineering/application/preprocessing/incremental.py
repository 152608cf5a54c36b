"""Change detection: which warehouse documents are new, changed, unchanged or gone since the last run.

Each cleaned document stored in Qdrant carries the hash of the raw document it was made from and the
fingerprint of the settings it was processed with. Comparing them with the warehouse tells what to do,
without reading any chunk or vector.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

from llm_engineering.application.preprocessing.config import FEATURE_CATEGORIES
from llm_engineering.application.preprocessing.feature_store import scroll_records
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.documents import Document
from llm_engineering.domain.types import DataCategory


class ChangeKind(StrEnum):
    NEW = "new"  # never processed
    CHANGED = "changed"  # its content (or link, title, ...) changed in the warehouse
    SETTINGS_CHANGED = "settings_changed"  # same content, other chunking settings or embedding model
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class StoredState:
    content_hash: str | None
    feature_fingerprint: str | None


def content_hash(document: Document) -> str:
    """A hash of everything the features are made from: the document as stored but its id (content, link,
    platform, author, ...)."""
    fields = {key: value for key, value in document.to_mongo().items() if key != "_id"}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def classify(stored: StoredState | None, document_hash: str, fingerprint: str) -> ChangeKind:
    if stored is None:
        return ChangeKind.NEW
    if stored.content_hash != document_hash:
        return ChangeKind.CHANGED
    if stored.feature_fingerprint != fingerprint:
        return ChangeKind.SETTINGS_CHANGED
    return ChangeKind.UNCHANGED


class DocumentChanges(BaseModel):
    """Document ids by what happened to them since the last run (a ZenML artifact between steps)."""

    new: list[uuid.UUID] = Field(default_factory=list)
    changed: list[uuid.UUID] = Field(default_factory=list)
    settings_changed: list[uuid.UUID] = Field(default_factory=list)
    unchanged: list[uuid.UUID] = Field(default_factory=list)
    removed: dict[DataCategory, list[uuid.UUID]] = Field(default_factory=dict)  # no longer in the warehouse
    rebuilt: list[DataCategory] = Field(default_factory=list)  # outdated collections rebuilt from scratch

    def add(self, kind: ChangeKind, document_id: uuid.UUID) -> None:
        getattr(self, kind.value).append(document_id)

    def counts(self) -> dict[str, int]:
        return {
            **{kind.value: len(getattr(self, kind.value)) for kind in ChangeKind},
            "removed": sum(len(ids) for ids in self.removed.values()),
            "rebuilt_categories": len(self.rebuilt),
        }

    def removed_ids(self) -> dict[DataCategory, list[str]]:
        return {category: [str(i) for i in ids] for category, ids in self.removed.items()}


def stored_states(category: DataCategory, author_ids: list[str]) -> dict[str, StoredState]:
    """The state of every stored cleaned document of these authors, by document id."""
    records = scroll_records(
        CleanedDocument,
        {"category": category, "author_id": author_ids},
        payload=["content_hash", "feature_fingerprint"],
    )
    return {
        str(record.id): StoredState(
            record.payload.get("content_hash"), record.payload.get("feature_fingerprint")
        )
        for record in records
    }


def detect_changes(
    documents: list[Document],
    author_ids: list[str],
    hashes: dict[uuid.UUID, str],
    fingerprints: dict[DataCategory, str],
) -> DocumentChanges:
    """Classify every document; stored documents of these authors missing from `documents` are `removed`."""
    changes = DocumentChanges()
    by_category: dict[DataCategory, list[Document]] = {category: [] for category in FEATURE_CATEGORIES}
    for document in documents:
        by_category[document.category].append(document)
    for category, group in by_category.items():
        stored = stored_states(category, author_ids)
        for document in group:
            changes.add(
                classify(stored.get(str(document.id)), hashes[document.id], fingerprints[category]),
                document.id,
            )
        seen = {str(document.id) for document in group}
        gone = [uuid.UUID(document_id) for document_id in stored if document_id not in seen]
        if gone:
            changes.removed[category] = gone
    return changes

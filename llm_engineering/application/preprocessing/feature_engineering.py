"""The feature pipeline's work, shared by the ZenML steps and the benchmark.

`run_feature_engineering` runs it all in one process: warehouse -> clean -> chunk -> embed -> Qdrant,
incrementally (only new or changed documents are processed). The ZenML steps call the same stage functions
one by one and pass artifacts between them. In both, `embed_and_write` writes the embedded chunks to Qdrant
on a background thread while the next slice is encoded, and `commit_documents` comes last.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from loguru import logger

from llm_engineering.application.networks.embeddings import EmbeddingModel, get_embedding_model
from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.application.preprocessing.config import FEATURE_CATEGORIES, FeatureEngineeringConfig
from llm_engineering.application.preprocessing.dispatchers import (
    ChunkingDispatcher,
    CleaningDispatcher,
    EmbeddingDispatcher,
    document_category,
)
from llm_engineering.application.preprocessing.feature_store import BackgroundWriter, commit_documents
from llm_engineering.application.preprocessing.incremental import (
    DocumentChanges,
    content_hash,
    detect_changes,
)
from llm_engineering.application.preprocessing.migration import rebuild_outdated_collections
from llm_engineering.application.preprocessing.warehouse_query import fetch_author_documents, find_authors
from llm_engineering.domain.chunks import Chunk
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.documents import Document


def clean_changed_documents(
    documents: Sequence[Document],
    author_ids: Sequence[str],
    config: FeatureEngineeringConfig,
    embedding_model_id: str,
) -> tuple[DocumentChanges, list[CleanedDocument]]:
    """Classify the documents against the feature store and clean those that need processing.

    `author_ids` are all the authors asked for, not only those of `documents`: an author whose every
    document left the warehouse still has stored features to remove.
    """
    rebuild_outdated_collections()
    sparse_encoder = get_sparse_encoder().fingerprint
    fingerprints = {
        category: config.fingerprint(category, embedding_model_id, sparse_encoder)
        for category in FEATURE_CATEGORIES
    }
    hashes = {document.id: content_hash(document) for document in documents}
    changes = detect_changes(list(documents), [str(i) for i in author_ids], hashes, fingerprints)
    skip = set(changes.unchanged)
    cleaned = [
        CleaningDispatcher.dispatch(
            document,
            content_hash=hashes[document.id],
            feature_fingerprint=fingerprints[document_category(document)],
        )
        for document in documents
        if document.id not in skip
    ]
    logger.info(f"Cleaning: {changes.counts()}; {len(cleaned)} document(s) cleaned.")
    return changes, cleaned


def chunk_documents(
    documents: Sequence[CleanedDocument], config: FeatureEngineeringConfig, model: EmbeddingModel
) -> list[Chunk]:
    if not documents:
        return []  # nothing to do: do not load the model just for its tokenizer
    chunks = ChunkingDispatcher.dispatch(documents, config, model)
    logger.info(f"Chunking: {len(chunks)} chunk(s) from {len(documents)} document(s).")
    return chunks


def embed_and_write(chunks: Sequence[Chunk], model: EmbeddingModel, batch_size: int) -> dict[str, list[str]]:
    """Embed the chunks and upsert them into Qdrant as they come (writes overlap the encoding of the next
    slice). Returns the ids of the chunks written, by document id. Upserts by deterministic id: a re-run
    after a crash rewrites the same points."""
    chunk_ids: dict[str, list[str]] = {}
    with BackgroundWriter() as writer:
        for embedded in EmbeddingDispatcher.stream(chunks, model, batch_size):
            writer.submit(embedded)
            for chunk in embedded:
                chunk_ids.setdefault(str(chunk.document_id), []).append(str(chunk.id))
    return chunk_ids


@dataclass
class FeatureEngineeringReport:
    authors: list[str]
    documents: int
    changes: dict[str, int]
    cleaned_documents: int
    empty_documents: int
    chunks: int
    embedded_chunks: int
    stale_chunks_deleted: int
    removed_documents_deleted: int
    embedding_model_id: str
    batch_size: int
    timings_s: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"Feature pipeline for {', '.join(self.authors)}: {self.documents} document(s) {self.changes}, "
            f"{self.chunks} chunk(s) embedded, {self.stale_chunks_deleted} stale chunk(s) deleted "
            f"in {self.timings_s.get('total', 0):.1f} s."
        )


def run_feature_engineering(
    author_full_names: list[str],
    config: FeatureEngineeringConfig | None = None,
    model: EmbeddingModel | None = None,
) -> FeatureEngineeringReport:
    """Bring the feature store up to date with the authors' documents in the warehouse."""
    config = config or FeatureEngineeringConfig()
    model = model or get_embedding_model()
    timings: dict[str, float] = {}
    started = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[name] = round(now - last, 3)
        last = now

    authors = find_authors(author_full_names)
    documents = fetch_author_documents(authors)
    lap("query")
    changes, cleaned = clean_changed_documents(
        documents, [str(a.id) for a in authors], config, model.model_id
    )
    lap("clean")
    chunks = chunk_documents(cleaned, config, model)
    lap("chunk")
    written = embed_and_write(chunks, model, config.batch_size)
    lap("embed_and_write")
    commit = commit_documents(cleaned, changes.removed_ids(), {i for ids in written.values() for i in ids})
    lap("commit")
    timings["total"] = round(time.perf_counter() - started, 3)
    report = FeatureEngineeringReport(
        authors=[author.full_name for author in authors],
        documents=len(documents),
        changes=changes.counts(),
        cleaned_documents=len(cleaned),
        empty_documents=sum(1 for document in cleaned if not document.content.strip()),
        chunks=len(chunks),
        embedded_chunks=sum(len(ids) for ids in written.values()),
        stale_chunks_deleted=commit.stale_chunks_deleted,
        removed_documents_deleted=commit.removed_documents_deleted,
        embedding_model_id=model.model_id,
        batch_size=config.batch_size,
        timings_s=timings,
    )
    logger.info(report.summary())
    return report

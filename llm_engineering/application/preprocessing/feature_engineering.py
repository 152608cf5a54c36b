"""The feature pipeline's stages, each called by one ZenML step (steps/feature_engineering/):

query the warehouse -> clean the new or changed documents -> chunk, embed (dense and BM25) and write the
chunks to Qdrant -> commit: stale chunks out, cleaned documents in (last: they mark their documents as done).
The ZenML pipeline is the one orchestration; these functions are what it wires, unit-testable without it.
"""

from __future__ import annotations

from collections.abc import Sequence

from loguru import logger

from llm_engineering.application.networks.embeddings import EmbeddingModel
from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.application.preprocessing.artifacts import (
    CleanedDocuments,
    CommitReport,
    WarehouseDocuments,
    WrittenChunks,
)
from llm_engineering.application.preprocessing.config import FEATURE_CATEGORIES, FeatureEngineeringConfig
from llm_engineering.application.preprocessing.dispatchers import (
    ChunkingDispatcher,
    CleaningDispatcher,
    EmbeddingDispatcher,
)
from llm_engineering.application.preprocessing.feature_store import BackgroundWriter, commit_documents
from llm_engineering.application.preprocessing.hygiene import TextHygiene
from llm_engineering.application.preprocessing.incremental import (
    DocumentChanges,
    content_hash,
    detect_changes,
)
from llm_engineering.application.preprocessing.migration import rebuild_outdated_collections
from llm_engineering.application.preprocessing.warehouse_query import fetch_author_documents, find_authors
from llm_engineering.domain.chunks import Chunk
from llm_engineering.domain.cleaned_documents import CleanedDocument


def query_warehouse(author_full_names: Sequence[str] | None) -> WarehouseDocuments:
    """The authors (none given: every author in the warehouse; an unknown one is an error naming them) and
    all their documents."""
    authors = find_authors(list(author_full_names or []))
    documents = fetch_author_documents(authors)
    return WarehouseDocuments(
        authors={author.full_name: author.id for author in authors}, documents=documents
    )


def clean_changed_documents(
    warehouse: WarehouseDocuments, config: FeatureEngineeringConfig, embedding_model_id: str
) -> tuple[DocumentChanges, CleanedDocuments]:
    """Classify the documents against the feature store and clean those that need processing.

    Categories whose chunk collection has an outdated vector layout are rebuilt first (their documents then
    count as new). Every author asked for is compared, also one whose every document left the warehouse.
    """
    rebuilt = rebuild_outdated_collections()
    sparse_encoder = get_sparse_encoder().fingerprint
    fingerprints = {
        category: config.fingerprint(category, embedding_model_id, sparse_encoder)
        for category in FEATURE_CATEGORIES
    }
    documents = warehouse.documents
    hashes = {document.id: content_hash(document) for document in documents}
    author_ids = [str(author_id) for author_id in warehouse.authors.values()]
    changes = detect_changes(documents, author_ids, hashes, fingerprints)
    changes.rebuilt = rebuilt
    skip = set(changes.unchanged)
    hygiene = TextHygiene(config.hygiene)
    cleaned = [
        CleaningDispatcher.dispatch(
            document,
            content_hash=hashes[document.id],
            feature_fingerprint=fingerprints[document.category],
            hygiene=hygiene,
        )
        for document in documents
        if document.id not in skip
    ]
    if changes.settings_changed:
        logger.info(
            f"Cleaning: {len(changes.settings_changed)} document(s) were processed with other settings or an "
            "older processing version (e.g. before titles became fields of their own): processing them again."
        )
    report = hygiene.report()
    logger.info(
        f"Cleaning: {changes.counts()}; {len(cleaned)} document(s) cleaned; hygiene: {report.summary()}."
    )
    return changes, CleanedDocuments(documents=cleaned, hygiene=report)


def chunk_documents(
    documents: Sequence[CleanedDocument], config: FeatureEngineeringConfig, model: EmbeddingModel
) -> list[Chunk]:
    if not documents:
        return []  # nothing to do: do not load the model just for its tokenizer
    chunks = ChunkingDispatcher.dispatch(documents, config, model)
    logger.info(f"Chunking: {len(chunks)} chunk(s) from {len(documents)} document(s).")
    return chunks


def embed_and_write(chunks: Sequence[Chunk], model: EmbeddingModel, batch_size: int) -> WrittenChunks:
    """Embed the chunks (dense and sparse vectors) and upsert them into Qdrant as they come (writes overlap
    the encoding of the next slice). Upserts by deterministic id: a re-run after a crash rewrites the same
    points."""
    chunk_ids: dict[str, list[str]] = {}
    with BackgroundWriter() as writer:
        for embedded in EmbeddingDispatcher.stream(chunks, model, batch_size):
            writer.submit(embedded)
            for chunk in embedded:
                chunk_ids.setdefault(str(chunk.document_id), []).append(str(chunk.id))
    return WrittenChunks.from_ids(chunk_ids)


def commit_features(
    cleaned: CleanedDocuments, written: WrittenChunks, changes: DocumentChanges
) -> CommitReport:
    """After the chunks are written: stale chunks out, cleaned documents in, removed documents out."""
    report = commit_documents(cleaned.documents, changes.removed_ids(), written.chunk_ids())
    report.embedded_chunks_written = written.total
    logger.info(f"Feature store: {report.model_dump()}.")
    return report

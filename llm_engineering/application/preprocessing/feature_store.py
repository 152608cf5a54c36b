"""Writing features to Qdrant (the logical feature store), and reading back what is stored.

Order of writes per run, so that a crash mid-run never leaves a document looking done when it is not:
embedded chunks first (upserts by deterministic id), then the removal of chunks that no longer exist,
then the cleaned documents, whose stored content hash tells the next run that the document is done.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from loguru import logger

from llm_engineering.application.preprocessing.artifacts import CommitReport
from llm_engineering.domain.base.vector import VectorBaseDocument
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.embedded_chunks import EmbeddedChunk
from llm_engineering.domain.types import DataCategory

SCROLL_PAGE_SIZE = 1000


def scroll_records(
    document_class: type[VectorBaseDocument], filters: dict[str, Any], payload: list[str] | bool = False
) -> Iterator[Any]:
    """Every stored point of `document_class` matching `filters` (which name the category of a class
    stored per category), as raw records with only the `payload` fields asked for (no payload: ids only)."""
    # A field list (or none) makes `scroll` yield raw records; `True` would build whole documents.
    fields: list[str] | bool = list(payload) if isinstance(payload, list | tuple) else False
    if payload is True:
        fields = list(document_class.model_fields)
    return document_class.scroll(page_size=SCROLL_PAGE_SIZE, payload=fields, **filters)


def write_documents(documents: Sequence[VectorBaseDocument]) -> int:
    """Upsert documents of one class, each into its collection (its category's, for a class stored per
    category)."""
    return type(documents[0]).bulk_insert(documents) if documents else 0


class BackgroundWriter:
    """Writes submitted batches in order on one background thread, so writing overlaps the caller's work
    (encoding). The first write error stops further writes and is raised by `close()` or the next `submit()`."""

    _STOP = object()

    def __init__(self, write: Callable[[Sequence[Any]], int] = write_documents, max_pending: int = 4) -> None:
        self._write = write
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_pending)
        self._error: BaseException | None = None
        self.written = 0
        self._thread = threading.Thread(target=self._run, name="feature-store-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not self._STOP:
            if self._error is None:  # after an error, keep draining so submit() never blocks forever
                try:
                    self.written += self._write(batch)
                except BaseException as error:
                    self._error = error

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"Writing to the vector DB failed: {self._error}") from self._error

    def submit(self, batch: Sequence[Any]) -> None:
        self._raise_if_failed()
        self._queue.put(batch)

    def close(self) -> int:
        """Wait for every submitted batch to be written; returns how many documents were written."""
        if self._thread.is_alive():
            self._queue.put(self._STOP)
            self._thread.join()
        self._raise_if_failed()
        return self.written

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc is None:
            self.close()
        elif self._thread.is_alive():  # the caller failed: stop the thread, keep the caller's error
            self._queue.put(self._STOP)
            self._thread.join()


def stored_chunk_ids(category: DataCategory, document_ids: Iterable[str]) -> set[str]:
    document_ids = [str(i) for i in document_ids]
    if not document_ids:
        return set()
    records = scroll_records(EmbeddedChunk, {"category": category, "document_id": document_ids})
    return {str(record.id) for record in records}


def commit_documents(
    cleaned_documents: Sequence[CleanedDocument],
    removed: dict[DataCategory, list[str]],
    written_chunk_ids: set[str],
) -> CommitReport:
    """After the chunks are written: drop the chunks of these documents that were not written this time
    (stale), then store the cleaned documents (marking them done), then forget removed documents."""
    report = CommitReport()
    processed: dict[DataCategory, list[str]] = {}
    for document in cleaned_documents:
        processed.setdefault(document.category, []).append(str(document.id))
    for category in set(processed) | set(removed):
        document_ids = processed.get(category, []) + [str(i) for i in removed.get(category, [])]
        stale = stored_chunk_ids(category, document_ids) - written_chunk_ids
        if stale:
            EmbeddedChunk.delete(ids=sorted(stale), category=category)
            report.stale_chunks_deleted += len(stale)
    report.cleaned_documents_written = write_documents(cleaned_documents)
    for category, document_ids in removed.items():
        if document_ids:
            CleanedDocument.delete(ids=[str(i) for i in document_ids], category=category)
            report.removed_documents_deleted += len(document_ids)
    if report.stale_chunks_deleted or report.removed_documents_deleted:
        logger.info(
            f"Feature store: {report.stale_chunks_deleted} stale chunk(s) and "
            f"{report.removed_documents_deleted} removed document(s) deleted."
        )
    return report

"""Copy the embedded stores into servers: the litemongo warehouse into MongoDB, Qdrant's local mode into a
Qdrant server (or cloud). Both copies are idempotent: documents are upserted by `_id` and points by id, so
running a copy again, or after new pipeline runs, brings the server up to date without duplicates.

The targets are the configured stores (DATABASE_HOST, QDRANT_DATABASE_HOST / USE_QDRANT_CLOUD), reached
through the project's connection factories; the sources are the embedded folders.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_engineering.domain.exceptions import LLMTwinError
from llm_engineering.infrastructure.db.mongo import get_database
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client, is_local_mode
from llm_engineering.settings import DEFAULT_DATA_DIR, get_settings

DEFAULT_WAREHOUSE_DIR = DEFAULT_DATA_DIR / "warehouse"
DEFAULT_QDRANT_DIR = DEFAULT_DATA_DIR / "qdrant"


class MigrationError(LLMTwinError, RuntimeError):
    """A copy that cannot start or go on; the message says what to change."""


@dataclass
class CollectionCopy:
    collection: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    in_target: int = 0


def copy_warehouse(
    source_dir: Path = DEFAULT_WAREHOUSE_DIR, source_database: str | None = None, batch_size: int = 500
) -> list[CollectionCopy]:
    """Upsert every document (and create every index) of the embedded warehouse in the MongoDB server.

    The source database defaults to DATABASE_NAME; the target is DATABASE_NAME on the server."""
    import litemongo
    from pymongo import ReplaceOne

    settings = get_settings()
    if not settings.uses_mongodb_server:
        raise MigrationError(
            "DATABASE_HOST is not a mongodb:// URI, so there is no server to copy to. Set DATABASE_HOST to "
            "the server (e.g. mongodb://user:password@host:27017) and run again."
        )
    name = source_database or settings.DATABASE_NAME
    if not source_dir.is_dir():
        raise MigrationError(f"no embedded warehouse at {source_dir}; pass --source with its folder.")
    source_client = litemongo.connect(str(source_dir))
    try:
        if name not in source_client.list_database_names():
            found = ", ".join(source_client.list_database_names()) or "none"
            raise MigrationError(
                f"{source_dir} has no database '{name}' (found: {found}); pass --source-database."
            )
        source, target = source_client[name], get_database()
        copies = []
        for collection in sorted(source.list_collection_names()):
            copies.append(_copy_collection(source[collection], target[collection], batch_size, ReplaceOne))
        return copies
    finally:
        source_client.close()


def _copy_collection(source: Any, target: Any, batch_size: int, replace_one: Any) -> CollectionCopy:
    report = CollectionCopy(collection=source.name)
    # Indexes first: the unique keys keep the server as strict as the embedded store for later writes.
    for index_name, info in source.index_information().items():
        if index_name != "_id_":
            target.create_index(info["key"], name=index_name, unique=bool(info.get("unique", False)))
    batch: list[Any] = []

    def flush() -> None:
        if batch:
            result = target.bulk_write(batch, ordered=False)
            report.inserted += result.upserted_count
            report.updated += result.modified_count
            report.unchanged += result.matched_count - result.modified_count
            batch.clear()

    for document in source.find():
        report.read += 1
        batch.append(replace_one({"_id": document["_id"]}, document, upsert=True))
        if len(batch) >= batch_size:
            flush()
    flush()
    report.in_target = target.count_documents({})
    return report


def copy_vectors(source_dir: Path = DEFAULT_QDRANT_DIR, batch_size: int = 256) -> list[CollectionCopy]:
    """Create every collection (same dense and sparse vector settings) and upsert every point."""
    from qdrant_client import QdrantClient

    settings = get_settings()
    target_host = settings.QDRANT_DATABASE_HOST
    same_store = target_host != ":memory:" and settings.resolve_path(target_host) == source_dir.resolve()
    if not settings.USE_QDRANT_CLOUD and is_local_mode(target_host) and same_store:
        raise MigrationError(
            f"QDRANT_DATABASE_HOST points at the embedded store itself ({source_dir}). Set it to the "
            "server's host name or URL (or USE_QDRANT_CLOUD=true) and run again."
        )
    if not (source_dir / "collection").is_dir():
        raise MigrationError(f"no local Qdrant store at {source_dir}; pass --source with its folder.")
    source = QdrantClient(path=str(source_dir))
    try:
        target = get_qdrant_client()
        return [
            _copy_points(source, target, c.name, batch_size)
            for c in sorted(source.get_collections().collections, key=lambda c: c.name)
        ]
    finally:
        source.close()


def _copy_points(source: Any, target: Any, name: str, batch_size: int) -> CollectionCopy:
    from qdrant_client import models

    params = source.get_collection(name).config.params
    if not target.collection_exists(name):
        target.create_collection(
            name, vectors_config=params.vectors, sparse_vectors_config=params.sparse_vectors
        )
    else:
        existing = target.get_collection(name).config.params
        if existing.vectors != params.vectors or existing.sparse_vectors != params.sparse_vectors:
            raise MigrationError(
                f"the target's collection '{name}' has other vector settings than the embedded one "
                f"({existing.vectors} vs {params.vectors}). Delete it on the server, or re-run the feature "
                "pipeline against the server instead of copying."
            )
    report = CollectionCopy(collection=name)
    offset = None
    while True:
        points, offset = source.scroll(
            name, limit=batch_size, offset=offset, with_payload=True, with_vectors=True
        )
        if points:
            target.upsert(
                name,
                points=[models.PointStruct(id=p.id, vector=p.vector, payload=p.payload) for p in points],
                wait=True,
            )
            report.read += len(points)
        if offset is None:
            break
    report.in_target = target.count(name, exact=True).count
    return report

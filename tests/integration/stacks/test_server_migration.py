"""Copying the embedded stores into servers: litemongo -> a real MongoDB wire-protocol server (SecantusDB),
Qdrant local mode -> another Qdrant (a second local store: no Qdrant server can be installed here; the same
code path as a server, through the project's connection factory)."""

import uuid
from pathlib import Path

import pytest
from qdrant_client import QdrantClient, models

from llm_engineering.domain.documents import ArticleDocument, UserDocument
from llm_engineering.infrastructure.db.mongo import get_database, reset_connections
from llm_engineering.infrastructure.db.qdrant import reset_qdrant_client
from llm_engineering.settings import get_settings
from tests.integration.test_data_warehouse import write_export
from tools.data_warehouse import import_from_json
from tools.server_migration import MigrationError, copy_vectors, copy_warehouse


def _use(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_connections()
    reset_qdrant_client()
    get_settings.cache_clear()


def test_warehouse_copy_to_a_mongodb_server_is_complete_and_idempotent(
    stores: Path, mongo_server_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    links = [f"https://e.com/{i}" for i in range(3)]
    import_from_json(write_export(tmp_path / "in", str(uuid.uuid4()), links))
    source_articles = {d.id: d for d in ArticleDocument.bulk_find()}
    _use(monkeypatch, DATABASE_HOST=mongo_server_uri, DATABASE_NAME=f"migr_{uuid.uuid4().hex[:8]}")

    first = {c.collection: c for c in copy_warehouse(stores / "warehouse", source_database="twin_test")}
    assert first["articles"].read == first["articles"].inserted == first["articles"].in_target == 3
    assert first["users"].inserted == 1
    # Read back through the project's ODM over the wire: the same documents, field for field.
    assert {d.id: d for d in ArticleDocument.bulk_find()} == source_articles
    assert UserDocument.count() == 1
    indexes = get_database()["articles"].index_information()
    assert any(info.get("unique") and info["key"] == [("link", 1)] for info in indexes.values()), indexes

    again = {c.collection: c for c in copy_warehouse(stores / "warehouse", source_database="twin_test")}
    assert again["articles"].inserted == again["articles"].updated == 0
    assert again["articles"].unchanged == 3 and ArticleDocument.count() == 3


def test_warehouse_copy_needs_a_server_target(stores: Path) -> None:
    with pytest.raises(MigrationError, match="DATABASE_HOST is not a mongodb:// URI"):
        copy_warehouse(stores / "warehouse")


def _local_store_with_points(path: Path, count: int) -> None:
    client = QdrantClient(path=str(path))
    client.create_collection(
        "embedded_articles",
        vectors_config={"dense": models.VectorParams(size=4, distance=models.Distance.COSINE)},
        sparse_vectors_config={"bm25": models.SparseVectorParams(modifier=models.Modifier.IDF)},
    )
    client.upsert(
        "embedded_articles",
        points=[
            models.PointStruct(
                id=str(uuid.UUID(int=i + 1)),
                vector={
                    "dense": [1.0, i / count, 0.5, 0.1],
                    "bm25": models.SparseVector(indices=[i % 7, 100 + i], values=[1.0, 2.0]),
                },
                payload={"content": f"chunk {i}", "author_full_name": "Ada Writer"},
            )
            for i in range(count)
        ],
    )
    client.close()


def test_vector_copy_keeps_vectors_settings_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "qdrant-embedded"
    _local_store_with_points(source, 40)
    _use(monkeypatch, QDRANT_DATABASE_HOST=str(tmp_path / "qdrant-target"), USE_QDRANT_CLOUD="false")
    try:
        (copy,) = copy_vectors(source, batch_size=16)  # three batches
        assert copy.read == copy.in_target == 40
        (again,) = copy_vectors(source, batch_size=16)  # three batches
        assert again.read == again.in_target == 40
    finally:
        reset_qdrant_client()
    target = QdrantClient(path=str(tmp_path / "qdrant-target"))
    embedded = QdrantClient(path=str(source))
    try:
        params = target.get_collection("embedded_articles").config.params
        assert params.sparse_vectors["bm25"].modifier == models.Modifier.IDF
        assert params.vectors["dense"].size == 4
        point_id = str(uuid.UUID(int=17))
        (copied,) = target.retrieve("embedded_articles", [point_id], with_vectors=True)
        (original,) = embedded.retrieve("embedded_articles", [point_id], with_vectors=True)
        assert copied.vector == original.vector and copied.payload == original.payload
        query = models.SparseVector(indices=[3], values=[1.0])
        hits = [target.query_points("embedded_articles", query=query, using="bm25", limit=5).points]
        hits.append(embedded.query_points("embedded_articles", query=query, using="bm25", limit=5).points)
        assert [p.id for p in hits[0]] == [p.id for p in hits[1]] and hits[0]
    finally:
        target.close()
        embedded.close()


def test_vector_copy_refuses_the_embedded_store_as_its_own_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "qdrant-embedded"
    _local_store_with_points(source, 3)
    _use(monkeypatch, QDRANT_DATABASE_HOST=str(source), USE_QDRANT_CLOUD="false")
    with pytest.raises(MigrationError, match="points at the embedded store itself"):
        copy_vectors(source)

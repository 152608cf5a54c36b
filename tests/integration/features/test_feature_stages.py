"""The application functions the feature pipeline wires, called directly (no ZenML), on real stores."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from qdrant_client.http import models as qm

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.preprocessing.artifacts import (
    CleanedDocuments,
    WarehouseDocuments,
    WrittenChunks,
)
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.feature_engineering import (
    chunk_documents,
    clean_changed_documents,
    commit_features,
    embed_and_write,
    query_warehouse,
)
from llm_engineering.application.preprocessing.migration import rebuild_outdated_collections
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.content import ArticleContent, PostContent, RepositoryContent
from llm_engineering.domain.documents import UserDocument
from llm_engineering.domain.embedded_chunks import EmbeddedChunk
from llm_engineering.domain.exceptions import DocumentNotFoundError
from llm_engineering.domain.types import DataCategory
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client
from tests.fixtures.features.samples import ARTICLES, POSTS
from tests.support.features import (
    AUTHORS,
    SAMPLE_DOCUMENTS,
    TEST_CHUNKING,
    seed_sample_warehouse,
)

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


@pytest.fixture
def warehouse(stores) -> dict[str, UserDocument]:
    return seed_sample_warehouse()


def test_query_warehouse_finds_every_category_and_names_unknown_authors(warehouse) -> None:
    found = query_warehouse(AUTHORS)
    assert found.authors == {name: user.id for name, user in warehouse.items()}
    categories = Counter(document.category for document in found.documents)
    assert categories[DataCategory.ARTICLES] == sum(len(a) for a in ARTICLES.values())
    assert categories[DataCategory.POSTS] == len(POSTS) and categories[DataCategory.REPOSITORIES] == 1
    assert len(found.documents) == SAMPLE_DOCUMENTS
    users = UserDocument.count()
    with pytest.raises(DocumentNotFoundError, match="'Ada Nobody', 'Bob Nobody'") as error:
        query_warehouse(["Paul Iusztin", "Ada Nobody", "Bob Nobody"])
    # Only the missing names are reported missing (the message goes on to list the warehouse's authors).
    assert str(error.value).startswith("Author(s) 'Ada Nobody', 'Bob Nobody' not")
    assert UserDocument.count() == users


def test_the_artifacts_survive_a_json_round_trip(warehouse) -> None:
    """ZenML stores pydantic artifacts as JSON: every document must come back with its category's content."""
    found = query_warehouse(AUTHORS)
    assert WarehouseDocuments.model_validate_json(found.model_dump_json()) == found
    _, cleaned = clean_changed_documents(found, FeatureEngineeringConfig(), MODEL_ID)
    again = CleanedDocuments.model_validate_json(cleaned.model_dump_json())
    assert again == cleaned and {d.category for d in again.documents} == {
        DataCategory.ARTICLES,
        DataCategory.POSTS,
        DataCategory.REPOSITORIES,
    }
    assert {type(d.content) for d in found.documents} == {ArticleContent, PostContent, RepositoryContent}
    written = WrittenChunks.from_ids({str(uuid.uuid4()): [str(uuid.uuid4()), str(uuid.uuid4())]})
    assert WrittenChunks.model_validate_json(written.model_dump_json()).chunk_ids() == written.chunk_ids()


def test_the_stages_in_order_then_a_second_pass_finds_nothing_to_do(warehouse) -> None:
    config = FeatureEngineeringConfig.from_overrides(TEST_CHUNKING, batch_size=16)
    model = get_embedding_model()
    found = query_warehouse(AUTHORS)
    changes, cleaned = clean_changed_documents(found, config, model.model_id)
    assert len(changes.new) == SAMPLE_DOCUMENTS and len(cleaned.documents) == SAMPLE_DOCUMENTS
    chunks = chunk_documents(cleaned.documents, config, model)
    written = embed_and_write(chunks, model, config.batch_size)
    assert (
        written.total == len(chunks) and CleanedDocument.count(category=DataCategory.ARTICLES) == 0
    )  # not committed yet
    report = commit_features(cleaned, written, changes)
    assert report.cleaned_documents_written == SAMPLE_DOCUMENTS and report.embedded_chunks_written == len(
        chunks
    )

    changes, cleaned = clean_changed_documents(query_warehouse(AUTHORS), config, model.model_id)
    assert len(changes.unchanged) == SAMPLE_DOCUMENTS and cleaned.documents == []
    assert chunk_documents([], config, model) == []


def test_an_outdated_chunk_collection_and_its_cleaned_documents_are_dropped(stores) -> None:
    client = get_qdrant_client()
    client.create_collection(
        EmbeddedChunk.get_collection_name(category=DataCategory.ARTICLES),
        vectors_config=qm.VectorParams(size=4, distance=qm.Distance.COSINE),
    )
    author = uuid.uuid4()
    CleanedDocument.bulk_insert(
        [
            CleanedDocument(
                category=DataCategory.ARTICLES,
                content="old",
                platform="x",
                author_id=author,
                author_full_name="A B",
                content_hash="h",
                feature_fingerprint="f",
            )
        ]
    )
    post = CleanedDocument(
        category=DataCategory.POSTS,
        content="kept",
        platform="x",
        author_id=author,
        author_full_name="A B",
        content_hash="h",
        feature_fingerprint="f",
    )
    CleanedDocument.bulk_insert([post])
    EmbeddedChunk.create_collection(vector_size=4, category=DataCategory.POSTS)  # current layout: left alone

    assert rebuild_outdated_collections() == [DataCategory.ARTICLES]

    assert not client.collection_exists(EmbeddedChunk.get_collection_name(category=DataCategory.ARTICLES))
    assert (
        CleanedDocument.count(category=DataCategory.ARTICLES) == 0
        and CleanedDocument.count(category=DataCategory.POSTS) == 1
    )
    assert client.collection_exists(EmbeddedChunk.get_collection_name(category=DataCategory.POSTS))
    assert rebuild_outdated_collections() == []

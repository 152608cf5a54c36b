"""The feature pipeline as users run it (the ZenML pipeline), on real parts: the packaged embedding model,
Qdrant local mode and the embedded warehouse, loaded with our own sample documents (no ../shared needed).

One first run per session (fixture `first_run`); each test gets a copy of its stores and runs the pipeline
again only when it needs to.
"""

from __future__ import annotations

import numpy as np
import pytest
from loguru import logger
from qdrant_client.http import models as qm

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.dispatchers import ChunkingDispatcher
from llm_engineering.domain.base.vector import HybridFusion
from llm_engineering.domain.cleaned_documents import (
    CleanedArticleDocument,
    CleanedPostDocument,
    CleanedRepositoryDocument,
)
from llm_engineering.domain.documents import ArticleDocument, PostDocument, RepositoryDocument, UserDocument
from llm_engineering.domain.embedded_chunks import (
    EmbeddedArticleChunk,
    EmbeddedChunk,
    EmbeddedPostChunk,
    EmbeddedRepositoryChunk,
)
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client
from tests.fixtures.features.samples import ARTICLES, POSTS, REPOSITORY, SHORT_POST
from tests.support.features import SAMPLE_DOCUMENTS, TEST_CHUNKING

EMBEDDED_CLASSES = (EmbeddedArticleChunk, EmbeddedPostChunk, EmbeddedRepositoryChunk)
ARTICLE_COUNT = sum(len(articles) for articles in ARTICLES.values())


def stored_chunks() -> list[EmbeddedChunk]:
    return [chunk for cls in EMBEDDED_CLASSES for chunk in cls.find_all(with_vectors=True)]


def snapshot() -> dict[str, tuple[str, list[float]]]:
    return {str(chunk.id): (chunk.content, chunk.embedding) for chunk in stored_chunks()}


def metadata(run, step: str, output: str) -> dict:
    return dict(run.steps[step].outputs[output][0].run_metadata)


def artifact(run, step: str, output: str):
    return run.steps[step].outputs[output][0].load()


def test_the_first_run_writes_every_category_with_dense_and_sparse_vectors(first_run, feature_stores) -> None:
    run = first_run.run()
    assert run.status == "completed"
    assert list(run.steps) == [
        "query_data_warehouse",
        "clean_documents",
        "chunk_embed_and_write",
        "commit_documents",
    ]
    assert metadata(run, "query_data_warehouse", "warehouse_documents")["per_author"] == {
        "Maxime Labonne": len(ARTICLES["Maxime Labonne"]) + 1,
        "Paul Iusztin": len(ARTICLES["Paul Iusztin"]) + len(POSTS),
    }
    changes = metadata(run, "clean_documents", "document_changes")
    assert changes["new"] == SAMPLE_DOCUMENTS and changes["unchanged"] == 0 and changes["rebuilt"] == []
    cleaned_metadata = metadata(run, "clean_documents", "cleaned_documents")
    assert cleaned_metadata["empty_documents"] == 1
    # The sample post's e-mail and phone, the sample repository's two tokens; the post's share widget.
    hygiene = cleaned_metadata["hygiene"]
    assert hygiene["masked"] == {"[EMAIL]": 1, "[PHONE]": 1, "[SECRET]": 2} and hygiene["total_masked"] == 4
    assert hygiene["documents_masked"] == 2 and hygiene["documents_with_chrome"] == 1

    chunks = stored_chunks()
    written = artifact(run, "chunk_embed_and_write", "written_chunks")
    assert written.chunk_ids() == {str(chunk.id) for chunk in chunks}  # ids, not vectors
    embedded = metadata(run, "chunk_embed_and_write", "written_chunks")
    model, encoder = get_embedding_model(), get_sparse_encoder()
    assert embedded["embedding_model_id"] == model.model_id and embedded["embedding_size"] == 384
    assert embedded["sparse_encoder"] == encoder.fingerprint and embedded["batch_size"] == 16
    assert embedded["chunking"]["articles"]["chunk_size"] == TEST_CHUNKING["articles"]["chunk_size"]
    report = artifact(run, "commit_documents", "commit_report")
    assert report.embedded_chunks_written == embedded["total"] == len(chunks)
    assert report.cleaned_documents_written == SAMPLE_DOCUMENTS and report.stale_chunks_deleted == 0
    assert report.model_dump().items() <= metadata(run, "commit_documents", "commit_report").items()

    assert CleanedArticleDocument.count() == ARTICLE_COUNT and CleanedPostDocument.count() == len(POSTS)
    assert CleanedRepositoryDocument.count() == 1
    assert {type(chunk) for chunk in chunks} == set(EMBEDDED_CLASSES)
    users = {user.full_name: user.id for user in UserDocument.bulk_find()}
    sources = {
        d.id: d for cls in (ArticleDocument, PostDocument, RepositoryDocument) for d in cls.bulk_find()
    }
    for chunk in chunks:
        source = sources[chunk.document_id]
        assert chunk.author_id == source.author_id == users[chunk.author_full_name]
        assert chunk.platform == source.platform and chunk.link == source.link
        assert len(chunk.embedding) == model.embedding_size
        assert chunk.sparse_embedding == encoder.encode_document(chunk.content) and len(
            chunk.sparse_embedding
        )
        assert (
            chunk.metadata["token_count"] <= TEST_CHUNKING[chunk.get_category().value]["chunk_size"]
            if (chunk.get_category().value in TEST_CHUNKING)
            else chunk.metadata["token_count"] + 2 <= model.max_input_length
        )
        assert 0 <= chunk.metadata["chunk_index"] < chunk.metadata["chunk_count"]
    assert len(EmbeddedArticleChunk.find_all(link=ARTICLES["Maxime Labonne"][0]["link"])) >= 3


def test_posts_and_code_keep_what_matters(feature_stores) -> None:
    posts = {post.link: post for post in PostDocument.bulk_find()}
    post_chunks = EmbeddedPostChunk.find_all()
    short = [c for c in post_chunks if c.document_id == posts[POSTS[1]["link"]].id]
    assert [c.content for c in short] == [SHORT_POST]  # a short post is not dropped
    assert not [c for c in post_chunks if c.document_id == posts[POSTS[2]["link"]].id]  # the empty one
    long_post = sorted(
        (c for c in post_chunks if c.document_id == posts[POSTS[0]["link"]].id),
        key=lambda c: c.metadata["chunk_index"],
    )
    assert len(long_post) >= 2
    assert long_post[0].content.startswith("LLM Twin course, lesson 4")  # mathematical bold read as letters
    assert all("🔥" not in c.content and "𝘵" not in c.content for c in long_post)
    code = "".join(c.content for c in EmbeddedRepositoryChunk.find_all())
    assert "    dot = (u0 * u1).sum().clamp(-1.0, 1.0)\n    if dot.abs() > 0.9995:" in code
    # Masked before chunking: no address, number, token or share widget reaches a chunk or a vector.
    post_text = " ".join(c.content for c in long_post)
    assert "Write to [EMAIL] or call [PHONE]." in post_text and "example.com" not in post_text
    assert "Share this post" not in post_text and "Copy link" not in post_text
    assert 'HF_TOKEN = "[SECRET]"' in code and '"Bearer [SECRET]"' in code and "hf_aB3" not in code
    assert all(c.name == REPOSITORY["name"] for c in EmbeddedRepositoryChunk.find_all())


def test_dense_sparse_and_hybrid_search_find_the_authors_passage(feature_stores) -> None:
    maxime = UserDocument.find(first_name="Maxime", last_name="Labonne")
    question = "What does TIES-Merging do with the sign of every parameter?"
    dense = get_embedding_model().encode([question])[0]
    sparse = get_sparse_encoder().encode_query(question)
    searches = {
        "dense": EmbeddedArticleChunk.search(dense, limit=3, author_id=str(maxime.id)),
        "sparse": EmbeddedArticleChunk.search(sparse_vector=sparse, limit=3, author_id=str(maxime.id)),
        "hybrid": EmbeddedArticleChunk.search(dense, 3, sparse_vector=sparse, author_id=str(maxime.id)),
        "dbsf": EmbeddedArticleChunk.search(
            dense, 3, sparse_vector=sparse, fusion=HybridFusion(method="dbsf"), author_id=str(maxime.id)
        ),
    }
    for name, hits in searches.items():
        assert hits and all(hit.author_id == maxime.id for hit in hits), name
        assert "TIES-Merging" in hits[0].content, (name, hits[0].content)
        assert hits[0].score is not None and hits[0].score >= hits[-1].score
    paul_hits = EmbeddedArticleChunk.search(dense, 3, sparse_vector=sparse, author_full_name="Paul Iusztin")
    assert paul_hits and {hit.author_full_name for hit in paul_hits} == {"Paul Iusztin"}


def test_a_rerun_without_changes_reembeds_nothing_and_keeps_the_same_points(feature_stores, rerun) -> None:
    before = snapshot()

    run = rerun()

    changes = metadata(run, "clean_documents", "document_changes")
    assert changes["unchanged"] == SAMPLE_DOCUMENTS and changes["new"] == changes["changed"] == 0
    assert artifact(run, "chunk_embed_and_write", "written_chunks").total == 0
    report = artifact(run, "commit_documents", "commit_report")
    assert report.model_dump() == {
        "embedded_chunks_written": 0,
        "stale_chunks_deleted": 0,
        "cleaned_documents_written": 0,
        "removed_documents_deleted": 0,
    }
    after = snapshot()
    assert after.keys() == before.keys()
    assert all(after[i][0] == before[i][0] and np.allclose(after[i][1], before[i][1]) for i in before)


def test_new_chunk_settings_reprocess_only_that_category(feature_stores, rerun) -> None:
    others_before = {
        i: v for i, v in snapshot().items() if i not in {str(c.id) for c in EmbeddedPostChunk.find_all()}
    }

    run = rerun(
        chunking={**TEST_CHUNKING, "posts": {"chunk_size": 40, "chunk_overlap": 4, "min_chunk_size": 8}}
    )

    changes = metadata(run, "clean_documents", "document_changes")
    assert changes["settings_changed"] == len(POSTS) and changes["unchanged"] == SAMPLE_DOCUMENTS - len(POSTS)
    post_chunks = EmbeddedPostChunk.find_all()
    assert artifact(run, "chunk_embed_and_write", "written_chunks").total == len(post_chunks)
    assert max(c.metadata["token_count"] for c in post_chunks) <= 40
    after = snapshot()
    assert {i: after[i][0] for i in others_before} == {i: v[0] for i, v in others_before.items()}


def test_a_changed_document_alone_is_reembedded_and_a_removed_one_leaves(feature_stores, rerun) -> None:
    before = snapshot()
    article = ArticleDocument.find(link=ARTICLES["Maxime Labonne"][0]["link"])
    old_article_ids = {str(c.id) for c in EmbeddedArticleChunk.find_all(document_id=str(article.id))}
    post = PostDocument.find(link=POSTS[0]["link"])
    old_post_ids = {str(c.id) for c in EmbeddedPostChunk.find_all(document_id=str(post.id))}
    assert len(old_article_ids) > 2 and old_post_ids
    new_text = "Rewritten: this article now holds a single short paragraph about tensors."
    ArticleDocument.collection().update_one(
        {"_id": str(article.id)}, {"$set": {"content": {**article.content, "Content": new_text}}}
    )
    PostDocument.collection().delete_one({"_id": str(post.id)})

    run = rerun()

    changes = metadata(run, "clean_documents", "document_changes")
    assert changes["changed"] == 1 and changes["removed"] == 1 and changes["new"] == 0
    written = artifact(run, "chunk_embed_and_write", "written_chunks")
    assert list(written.by_document) == [article.id]  # only the changed document was embedded
    mine = EmbeddedArticleChunk.find_all(document_id=str(article.id))
    assert {str(c.id) for c in mine} == written.chunk_ids()
    (cleaned,) = [d for d in CleanedArticleDocument.find_all() if d.id == article.id]
    assert new_text in cleaned.content
    config = FeatureEngineeringConfig.from_overrides(TEST_CHUNKING)
    expected = ChunkingDispatcher.dispatch([cleaned], config, get_embedding_model())
    assert sorted(c.content for c in mine) == sorted(c.content for c in expected)
    assert all(new_text in c.content or c.content in new_text for c in mine)
    report = artifact(run, "commit_documents", "commit_report")
    stale = old_article_ids - {str(c.id) for c in mine}
    assert report.stale_chunks_deleted == len(stale) + len(old_post_ids)
    assert report.removed_documents_deleted == 1 and report.cleaned_documents_written == 1
    after = snapshot()
    others = {i: v for i, v in before.items() if i not in old_article_ids | old_post_ids}
    assert set(after) == set(others) | {str(c.id) for c in mine}
    assert all(after[i][0] == v[0] and np.allclose(after[i][1], v[1]) for i, v in others.items())
    assert EmbeddedPostChunk.count(document_id=str(post.id)) == 0
    assert post.id not in {d.id for d in CleanedPostDocument.find_all()}


def test_a_collection_built_before_the_sparse_vectors_is_rebuilt(feature_stores, rerun) -> None:
    """An articles collection with one unnamed dense vector (the layout before) and its cleaned documents
    marking every article done: the next run says so, drops the category and re-processes it whole."""
    old_points = EmbeddedArticleChunk.find_all(with_vectors=True)
    client, name = get_qdrant_client(), EmbeddedArticleChunk.get_collection_name()
    client.delete_collection(name)
    client.create_collection(name, vectors_config=qm.VectorParams(size=384, distance=qm.Distance.COSINE))
    client.upsert(
        name,
        points=[
            qm.PointStruct(
                id=str(c.id),
                vector=c.embedding,
                payload=c.model_dump(mode="json", exclude={"id", "embedding", "sparse_embedding", "score"}),
            )
            for c in old_points
        ],
        wait=True,
    )
    assert EmbeddedArticleChunk.has_outdated_layout()
    logs: list[str] = []
    sink = logger.add(lambda message: logs.append(str(message)), level="WARNING")
    try:
        run = rerun()
    finally:
        logger.remove(sink)

    changes = metadata(run, "clean_documents", "document_changes")
    assert changes["rebuilt"] == ["articles"]
    assert changes["new"] == ARTICLE_COUNT and changes["unchanged"] == SAMPLE_DOCUMENTS - ARTICLE_COUNT
    assert any("older vector layout" in line and name in line for line in logs), logs
    assert not EmbeddedArticleChunk.has_outdated_layout()
    rebuilt = EmbeddedArticleChunk.find_all(with_vectors=True)
    assert sorted(c.id for c in rebuilt) == sorted(c.id for c in old_points)
    assert all(len(c.sparse_embedding) > 0 for c in rebuilt)
    assert CleanedArticleDocument.count() == ARTICLE_COUNT


def test_an_unknown_author_fails_the_run_naming_them_and_creates_no_user(feature_stores, rerun) -> None:
    from zenml.client import Client

    users_before = UserDocument.count()
    with pytest.raises(RuntimeError, match="query_data_warehouse"):
        rerun(author_full_names=["Paul Iusztin", "Ada Nobody"])
    (failed,) = Client().list_pipeline_runs(sort_by="desc:created", size=1).items
    step = Client().get_pipeline_run(failed.id).steps["query_data_warehouse"]
    assert step.status == "failed" and "'Ada Nobody'" in step.exception_info.message
    assert "'Paul Iusztin'" not in step.exception_info.message
    assert UserDocument.count() == users_before


def test_a_bad_config_fails_before_any_step_runs(feature_stores, rerun) -> None:
    with pytest.raises(ValueError, match="Unknown chunking category 'queries'"):
        rerun(chunking={"queries": {"chunk_size": 10}})
    with pytest.raises(ValueError, match="batch_size"):
        rerun(batch_size=0)

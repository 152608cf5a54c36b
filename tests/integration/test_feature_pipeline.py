"""The feature pipeline on real parts: the packaged embedding model, Qdrant local mode and the embedded
warehouse in temp dirs, loaded with a slice of the real export plus our own posts and repository."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.dispatchers import ChunkingDispatcher, CleaningDispatcher
from llm_engineering.application.preprocessing.feature_engineering import run_feature_engineering
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
from llm_engineering.domain.exceptions import DocumentNotFoundError
from tests.fixtures.features.samples import POSTS, REPOSITORY, SHORT_POST
from tools.data_warehouse import import_from_json

pytestmark = pytest.mark.shared

AUTHORS = ["Maxime Labonne", "Paul Iusztin"]
ARTICLES_PER_AUTHOR = 2
EMBEDDED_CLASSES = (EmbeddedArticleChunk, EmbeddedPostChunk, EmbeddedRepositoryChunk)


def write_export_slice(source: Path, target: Path, per_author: int) -> None:
    """The users and each author's `per_author` shortest articles, in the export's own format."""
    target.mkdir()
    articles = json.loads((source / "ArticleDocument.json").read_text(encoding="utf-8"))
    articles.sort(key=lambda article: len(article["content"]["Content"]))
    kept = []
    for author in AUTHORS:
        kept += [a for a in articles if a["author_full_name"] == author][:per_author]
    (target / "ArticleDocument.json").write_text(json.dumps(kept), encoding="utf-8")
    (target / "UserDocument.json").write_bytes((source / "UserDocument.json").read_bytes())


@pytest.fixture
def warehouse(stores: Path, shared_warehouse_dir: Path) -> dict[str, UserDocument]:
    """Articles from the real export; Paul's posts (long, short, empty) and Maxime's repository are ours."""
    export = stores / "export"
    write_export_slice(shared_warehouse_dir, export, ARTICLES_PER_AUTHOR)
    import_from_json(export)
    users = {
        name: UserDocument.find(**dict(zip(("first_name", "last_name"), name.split(), strict=True)))
        for name in AUTHORS
    }
    paul, maxime = users["Paul Iusztin"], users["Maxime Labonne"]
    for post in POSTS:
        PostDocument(platform="linkedin", author_id=paul.id, author_full_name=paul.full_name, **post).save()
    RepositoryDocument(
        platform="github", author_id=maxime.id, author_full_name=maxime.full_name, **REPOSITORY
    ).save()
    return users


def stored_chunks() -> list[EmbeddedChunk]:
    return [chunk for cls in EMBEDDED_CLASSES for chunk in cls.find_all(with_vectors=True)]


def snapshot() -> dict[str, tuple[str, list[float]]]:
    return {str(chunk.id): (chunk.content, chunk.embedding) for chunk in stored_chunks()}


def test_every_category_end_to_end(warehouse: dict[str, UserDocument]) -> None:
    report = run_feature_engineering(AUTHORS)

    documents = 2 * ARTICLES_PER_AUTHOR + len(POSTS) + 1
    assert report.documents == documents
    assert report.changes == {
        "new": documents,
        "changed": 0,
        "settings_changed": 0,
        "unchanged": 0,
        "removed": 0,
    }
    assert report.empty_documents == 1
    assert CleanedArticleDocument.count() == 2 * ARTICLES_PER_AUTHOR
    assert CleanedPostDocument.count() == len(POSTS)
    assert CleanedRepositoryDocument.count() == 1
    chunks = stored_chunks()
    assert len(chunks) == report.chunks == report.embedded_chunks
    assert {type(chunk) for chunk in chunks} == set(EMBEDDED_CLASSES)

    ids_by_author = {user.full_name: user.id for user in warehouse.values()}
    model = get_embedding_model()
    documents_by_id = {
        d.id: d for cls in (ArticleDocument, PostDocument, RepositoryDocument) for d in cls.bulk_find()
    }
    for chunk in chunks:
        source = documents_by_id[chunk.document_id]
        assert chunk.author_id == source.author_id == ids_by_author[chunk.author_full_name]
        assert chunk.platform == source.platform and chunk.link == source.link
        assert len(chunk.embedding) == model.embedding_size
        assert chunk.metadata["embedding_model_id"] == model.model_id
        assert chunk.metadata["token_count"] + 2 <= model.max_input_length
        assert 0 <= chunk.metadata["chunk_index"] < chunk.metadata["chunk_count"]

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
    assert all(c.name == REPOSITORY["name"] for c in EmbeddedRepositoryChunk.find_all())


def test_a_rerun_without_changes_reembeds_nothing_and_keeps_the_same_points(warehouse) -> None:
    run_feature_engineering(AUTHORS)
    before = snapshot()

    report = run_feature_engineering(AUTHORS)

    assert report.chunks == report.embedded_chunks == report.cleaned_documents == 0
    assert report.changes["unchanged"] == report.documents
    after = snapshot()
    assert after.keys() == before.keys()
    assert all(after[i][0] == before[i][0] and np.allclose(after[i][1], before[i][1]) for i in before)


def test_new_chunk_settings_reprocess_only_that_category(warehouse) -> None:
    run_feature_engineering(AUTHORS)
    articles_before = snapshot()
    config = FeatureEngineeringConfig.from_overrides({"posts": {"chunk_size": 40, "chunk_overlap": 4}})

    report = run_feature_engineering(AUTHORS, config)

    assert report.changes["settings_changed"] == len(POSTS)
    assert report.changes["unchanged"] == report.documents - len(POSTS)
    post_chunks = EmbeddedPostChunk.find_all()
    assert len(post_chunks) == report.chunks and max(c.metadata["token_count"] for c in post_chunks) <= 40
    assert {i for i in snapshot() if i not in {str(c.id) for c in post_chunks}} <= set(articles_before)


def test_a_changed_document_alone_is_reembedded_and_its_stale_chunks_go(warehouse) -> None:
    run_feature_engineering(AUTHORS)
    before = snapshot()
    article = max(ArticleDocument.bulk_find(), key=lambda a: len(a.content["Content"]))
    old_ids = {str(chunk.id) for chunk in EmbeddedArticleChunk.find_all(document_id=str(article.id))}
    assert len(old_ids) > 1
    new_text = "Rewritten: this article now holds a single short paragraph about tensors."
    ArticleDocument.collection().update_one(
        {"_id": str(article.id)}, {"$set": {"content": {**article.content, "Content": new_text}}}
    )

    report = run_feature_engineering(AUTHORS)

    assert report.changes["changed"] == 1 and report.changes["unchanged"] == report.documents - 1
    assert report.cleaned_documents == 1
    mine = EmbeddedArticleChunk.find_all(document_id=str(article.id))
    assert report.chunks == len(mine) == 1
    assert new_text in mine[0].content
    assert report.stale_chunks_deleted == len(old_ids) - 1
    after = snapshot()
    others = {i: v for i, v in before.items() if i not in old_ids}
    assert {i: after[i][0] for i in others} == {i: v[0] for i, v in others.items()}  # untouched
    assert set(after) == set(others) | {str(mine[0].id)}
    cleaned = {document.id: document for document in CleanedArticleDocument.find_all()}
    assert new_text in cleaned[article.id].content


def test_a_document_removed_from_the_warehouse_leaves_the_feature_store(warehouse) -> None:
    run_feature_engineering(AUTHORS)
    post = PostDocument.find(link=POSTS[0]["link"])
    PostDocument.collection().delete_one({"_id": str(post.id)})

    report = run_feature_engineering(AUTHORS)

    assert report.changes["removed"] == 1 and report.removed_documents_deleted == 1
    assert EmbeddedPostChunk.count(document_id=str(post.id)) == 0
    assert post.id not in {d.id for d in CleanedPostDocument.find_all()}


def test_an_unknown_author_is_an_error_naming_them_and_creates_no_user(warehouse) -> None:
    users_before = UserDocument.count()
    with pytest.raises(DocumentNotFoundError, match="'Ada Nobody'") as error:
        run_feature_engineering(["Paul Iusztin", "Ada Nobody"])
    assert "Paul Iusztin" not in str(error.value)
    assert UserDocument.count() == users_before


def test_similarity_search_returns_the_filtered_authors_chunks(warehouse) -> None:
    run_feature_engineering(AUTHORS)
    model = get_embedding_model()
    query = model.encode(["What is a tensor in machine learning?"])[0]
    maxime, paul = warehouse["Maxime Labonne"], warehouse["Paul Iusztin"]

    hits = EmbeddedArticleChunk.search(query, limit=5, author_id=str(maxime.id))
    assert hits and all(hit.author_id == maxime.id for hit in hits)
    assert "tensor" in hits[0].content.lower()
    paul_hits = EmbeddedArticleChunk.search(query, limit=5, author_id=str(paul.id))
    assert paul_hits and all(hit.author_full_name == "Paul Iusztin" for hit in paul_hits)


def test_the_zenml_pipeline_runs_in_an_isolated_config(warehouse, tmp_path: Path, zenml_client) -> None:
    from pipelines.feature_engineering import feature_engineering

    assert Path(os.environ["ZENML_CONFIG_PATH"]).is_relative_to(tempfile.gettempdir())  # not the user's ZenML
    config = tmp_path / "features.yaml"
    config.write_text(
        "parameters:\n  author_full_names: [Maxime Labonne, Paul Iusztin]\n"
        "  chunking: {articles: {chunk_size: 200}}\n"
        "steps:\n  chunk_and_embed:\n    parameters: {batch_size: 16}\n",
        encoding="utf-8",
    )

    run = feature_engineering.with_options(config_path=str(config))()

    run = zenml_client.get_pipeline_run(run.id)
    assert run.status == "completed"

    def metadata(step: str, output: str) -> dict:
        return dict(run.steps[step].outputs[output][0].run_metadata)

    documents = 2 * ARTICLES_PER_AUTHOR + len(POSTS) + 1
    assert metadata("query_data_warehouse", "raw_documents")["per_author"] == {
        "Maxime Labonne": ARTICLES_PER_AUTHOR + 1,
        "Paul Iusztin": ARTICLES_PER_AUTHOR + len(POSTS),
    }
    assert metadata("clean_documents", "document_changes")["new"] == documents
    embedded = metadata("chunk_and_embed", "embedded_chunks")
    assert (
        embedded["embedding_model_id"] == get_embedding_model().model_id and embedded["embedding_size"] == 384
    )
    assert embedded["chunking"]["articles"]["chunk_size"] == 200 and embedded["batch_size"] == 16
    assert max(chunk.metadata["token_count"] for chunk in EmbeddedArticleChunk.find_all()) <= 200
    loaded = metadata("load_to_vector_db", "load_report")
    assert (
        loaded["embedded_chunks_written"] == embedded["total"] == sum(cls.count() for cls in EMBEDDED_CLASSES)
    )
    # the artifact is the chunk ids written, by document (the chunks themselves are in Qdrant)
    chunk_ids = run.steps["chunk_and_embed"].outputs["embedded_chunks"][0].load()
    assert {i for ids in chunk_ids.values() for i in ids} == {str(c.id) for c in stored_chunks()}
    assert loaded["cleaned_documents_written"] == documents

    again = zenml_client.get_pipeline_run(feature_engineering.with_options(config_path=str(config))().id)
    changes = dict(again.steps["clean_documents"].outputs["document_changes"][0].run_metadata)
    assert changes["unchanged"] == documents and changes["new"] == 0


def test_the_zenml_pipeline_reembeds_only_a_changed_document_and_drops_removed_ones(
    warehouse, tmp_path: Path, zenml_client
) -> None:
    from pipelines.feature_engineering import feature_engineering

    config = tmp_path / "features.yaml"
    config.write_text("parameters:\n  author_full_names: [Maxime Labonne, Paul Iusztin]\n", encoding="utf-8")
    feature_engineering.with_options(config_path=str(config))()
    before = snapshot()
    article = max(ArticleDocument.bulk_find(), key=lambda a: len(a.content["Content"]))
    old_article_ids = {str(c.id) for c in EmbeddedArticleChunk.find_all(document_id=str(article.id))}
    post = PostDocument.find(link=POSTS[0]["link"])
    old_post_ids = {str(c.id) for c in EmbeddedPostChunk.find_all(document_id=str(post.id))}
    assert len(old_article_ids) > 2 and old_post_ids
    new_text = "\n\n".join(
        f"Section {i}. "
        + " ".join(f"Tensors of rank {i} hold {n} numbers along each axis." for n in range(30))
        for i in range(3)
    )
    ArticleDocument.collection().update_one(
        {"_id": str(article.id)}, {"$set": {"content": {**article.content, "Content": new_text}}}
    )
    PostDocument.collection().delete_one({"_id": str(post.id)})

    run = zenml_client.get_pipeline_run(feature_engineering.with_options(config_path=str(config))().id)

    assert run.status == "completed"
    changes = dict(run.steps["clean_documents"].outputs["document_changes"][0].run_metadata)
    assert changes["changed"] == 1 and changes["removed"] == 1 and changes["new"] == 0
    written = run.steps["chunk_and_embed"].outputs["embedded_chunks"][0].load()
    assert list(written) == [str(article.id)]  # only the changed document was embedded
    mine = EmbeddedArticleChunk.find_all(document_id=str(article.id))
    assert {str(c.id) for c in mine} == set(written[str(article.id)])
    # as many chunks as its new content makes, all of it new content
    (cleaned,) = [d for d in CleanedArticleDocument.find_all() if d.id == article.id]
    assert "Section 2." in cleaned.content
    expected = ChunkingDispatcher.dispatch([cleaned], FeatureEngineeringConfig(), get_embedding_model())
    assert len(mine) == len(expected) > 1
    assert sorted(c.content for c in mine) == sorted(c.content for c in expected)
    assert all("Tensors of rank" in c.content for c in mine)
    loaded = dict(run.steps["load_to_vector_db"].outputs["load_report"][0].run_metadata)
    stale = old_article_ids - {str(c.id) for c in mine}
    assert loaded["stale_chunks_deleted"] == len(stale) + len(old_post_ids)
    assert loaded["removed_documents_deleted"] == 1
    # no stale chunk left; every other document's points untouched (same ids, text and vectors)
    after = snapshot()
    others = {i: v for i, v in before.items() if i not in old_article_ids | old_post_ids}
    assert set(after) == set(others) | {str(c.id) for c in mine}
    assert all(after[i][0] == v[0] and np.allclose(after[i][1], v[1]) for i, v in others.items())
    assert EmbeddedPostChunk.count(document_id=str(post.id)) == 0
    assert post.id not in {d.id for d in CleanedPostDocument.find_all()}


@pytest.mark.parametrize("overrides", [None, {"articles": {"chunk_size": 2000, "chunk_overlap": 64}}])
def test_no_chunk_of_the_real_corpus_exceeds_what_the_model_reads(
    stores, shared_warehouse_dir, overrides
) -> None:
    """Re-tokenise every chunk of the whole normalised export with the model's own tokenizer (special
    tokens included) instead of trusting the chunker's token counts; also with sizes above the model's."""
    import_from_json(shared_warehouse_dir)
    model = get_embedding_model()
    config = FeatureEngineeringConfig.from_overrides(overrides)
    articles = ArticleDocument.bulk_find()
    assert len(articles) >= 70
    cleaned = [CleaningDispatcher.dispatch(a, content_hash="", feature_fingerprint="") for a in articles]
    assert any("𝗛" in a.content["Content"] for a in articles) and not any("𝗛" in c.content for c in cleaned)
    chunks = ChunkingDispatcher.dispatch(cleaned, config, model)
    lengths = [
        len(ids)
        for ids in model.tokenizer([c.content for c in chunks], add_special_tokens=True, truncation=False)[
            "input_ids"
        ]
    ]
    assert len(chunks) > len(articles)
    assert max(lengths) <= model.max_input_length, max(lengths)

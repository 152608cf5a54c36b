"""The feature pipeline on real writing: the shared warehouse export (../shared, always present in CI;
these tests skip on a fresh clone without it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.dispatchers import ChunkingDispatcher, CleaningDispatcher
from llm_engineering.domain.documents import ArticleDocument, UserDocument
from llm_engineering.domain.embedded_chunks import EmbeddedArticleChunk
from tests.support.features import AUTHORS, run_feature_pipeline
from tools.data_warehouse import import_from_json

pytestmark = pytest.mark.shared

ARTICLES_PER_AUTHOR = 2


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


@pytest.mark.slow
def test_real_articles_through_the_pipeline_are_found_by_dense_and_bm25_search(
    stores: Path, shared_warehouse_dir: Path
) -> None:
    write_export_slice(shared_warehouse_dir, stores / "export", ARTICLES_PER_AUTHOR)
    import_from_json(stores / "export")
    config = stores / "features.yaml"
    config.write_text(f"parameters:\n  author_full_names: {json.dumps(AUTHORS)}\n", encoding="utf-8")

    run = run_feature_pipeline(config)

    assert run.status == "completed"
    changes = dict(run.steps["clean_documents"].outputs["document_changes"][0].run_metadata)
    assert changes["new"] == 2 * ARTICLES_PER_AUTHOR
    chunks = EmbeddedArticleChunk.find_all(with_vectors=True)
    report = run.steps["commit_documents"].outputs["commit_report"][0].load()
    assert report.embedded_chunks_written == len(chunks) > 2 * ARTICLES_PER_AUTHOR
    assert all(len(chunk.embedding) == 384 and len(chunk.sparse_embedding) > 0 for chunk in chunks)

    maxime = UserDocument.find(first_name="Maxime", last_name="Labonne")
    question = "What is a tensor in machine learning?"
    dense = get_embedding_model().encode([question])[0]
    sparse = get_sparse_encoder().encode_query(question)
    for hits in (
        EmbeddedArticleChunk.search(dense, limit=5, author_id=str(maxime.id)),
        EmbeddedArticleChunk.search(sparse_vector=sparse, limit=5, author_id=str(maxime.id)),
        EmbeddedArticleChunk.search(dense, 5, sparse_vector=sparse, author_id=str(maxime.id)),
    ):
        assert hits and all(hit.author_id == maxime.id for hit in hits)
        assert "tensor" in hits[0].content.lower()


@pytest.mark.parametrize("overrides", [None, {"articles": {"chunk_size": 2000, "chunk_overlap": 64}}])
@pytest.mark.slow
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

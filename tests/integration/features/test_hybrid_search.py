"""Dense, sparse (BM25) and hybrid search through the OVM on a real Qdrant local-mode collection.

Dense vectors are hand-made (no model needed); sparse vectors come from the real BM25 encoder, so these
tests also show that its document and query vectors meet in Qdrant with IDF applied.
"""

from __future__ import annotations

import numpy as np
import pytest
from qdrant_client.http import models as qm

from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.domain.base.vector import HybridFusion, VectorBaseDocument
from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.domain.sparse import SparseVector
from llm_engineering.domain.types import DataCategory
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client


class Passage(VectorBaseDocument):
    content: str
    author: str
    embedding: list[float] | None = None
    sparse_embedding: SparseVector | None = None

    class Settings:
        name = "test_passages"
        category = DataCategory.ARTICLES


def unit(*values: float) -> list[float]:
    vector = np.array(values, dtype=np.float32)
    return (vector / np.linalg.norm(vector)).tolist()


# (content, author, dense direction). The dense "query" below points at `east`, the passage about vector
# databases in general; the words of the query point at the SLERP passage.
PASSAGES = {
    "slerp": (
        "SLERP merges the weights of two models along the great circle between them.",
        "maxime",
        (0.2, 1, 0),
    ),
    "east": ("Vector databases store embeddings and find the nearest ones to a query.", "paul", (1, 0, 0)),
    "both": (
        "Merging models with SLERP keeps their weights on a sphere; store merged models too.",
        "paul",
        (1, 0.3, 0),
    ),
    "models1": (
        "Models, models and more models: fine-tuning models is what this course is about.",
        "maxime",
        (0, 0, 1),
    ),
    "models2": ("Small models run on a laptop; big models need a GPU.", "paul", (0, 0.2, 1)),
    "rag": ("Retrieval-augmented generation gives the LLM the context it lacks.", "maxime", (0.1, 0, 1)),
}
DENSE_QUERY = unit(1, 0.05, 0)


@pytest.fixture
def passages(stores) -> dict[str, Passage]:
    encoder = get_sparse_encoder()
    documents = {
        key: Passage(
            content=content,
            author=author,
            embedding=unit(*direction),
            sparse_embedding=encoder.encode_document(content),
        )
        for key, (content, author, direction) in PASSAGES.items()
    }
    Passage.bulk_insert(documents.values())
    return documents


def keys(results: list[Passage], passages: dict[str, Passage]) -> list[str]:
    by_id = {passage.id: key for key, passage in passages.items()}
    return [by_id[result.id] for result in results]


def test_collections_get_named_dense_and_idf_sparse_vectors(passages) -> None:
    params = get_qdrant_client().get_collection(Passage.get_collection_name()).config.params
    assert set(params.vectors) == {"dense"} and params.vectors["dense"].distance == qm.Distance.COSINE
    assert params.vectors["dense"].size == 3
    assert (
        set(params.sparse_vectors) == {"bm25"} and params.sparse_vectors["bm25"].modifier == qm.Modifier.IDF
    )
    assert not Passage.has_outdated_layout()


def test_both_vectors_round_trip(passages) -> None:
    found = {p.id: p for p in Passage.find_all(with_vectors=True)}
    original = passages["slerp"]
    assert found[original.id].sparse_embedding == original.sparse_embedding
    assert np.allclose(found[original.id].embedding, original.embedding, atol=1e-6)
    without = Passage.find_all()
    assert all(p.embedding is None and p.sparse_embedding is None and p.score is None for p in without)


def test_bm25_ranks_the_passage_with_the_exact_term_first(passages) -> None:
    query = get_sparse_encoder().encode_query("What is SLERP?")
    results = Passage.search(sparse_vector=query, limit=5)
    assert keys(results, passages)[:2] in (["slerp", "both"], ["both", "slerp"])
    assert len(results) == 2  # only passages holding a query term match
    assert all(result.score is not None and result.score > 0 for result in results)
    # dense search with a query vector that points elsewhere ranks another passage first
    assert keys(Passage.search(DENSE_QUERY, limit=1), passages) == ["east"]


def test_idf_makes_a_rare_term_outweigh_a_common_one(passages) -> None:
    # "models" is in four passages (many times in one), "laptop" in one: IDF puts the laptop passage first
    results = Passage.search(sparse_vector=get_sparse_encoder().encode_query("models laptop"), limit=3)
    assert keys(results, passages)[0] == "models2"


def test_hybrid_fusion_rrf_weighted_rrf_and_dbsf(passages) -> None:
    sparse = get_sparse_encoder().encode_query("SLERP merging")
    plain = Passage.search(DENSE_QUERY, limit=3, sparse_vector=sparse)
    assert keys(plain, passages)[0] == "both"  # second in each ranking, first in the fused one
    scores = [result.score for result in plain]
    assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores)

    # a weight of 0 leaves one ranking alone; k=1 makes the top rank count much more than the next
    lexical = HybridFusion(dense_weight=0.0, sparse_weight=1.0)
    semantic = HybridFusion(dense_weight=1.0, sparse_weight=0.0, rrf_k=1)
    sparse_top = keys(Passage.search(sparse_vector=sparse, limit=1), passages)
    assert keys(Passage.search(DENSE_QUERY, 1, sparse_vector=sparse, fusion=lexical), passages) == sparse_top
    assert keys(Passage.search(DENSE_QUERY, 1, sparse_vector=sparse, fusion=semantic), passages) == ["east"]
    tilted = HybridFusion(dense_weight=3.0, sparse_weight=1.0, rrf_k=1)
    assert keys(Passage.search(DENSE_QUERY, 1, sparse_vector=sparse, fusion=tilted), passages) == ["east"]

    dbsf = Passage.search(DENSE_QUERY, limit=3, sparse_vector=sparse, fusion=HybridFusion(method="dbsf"))
    assert len(dbsf) == 3 and keys(dbsf, passages)[0] == "both"
    with pytest.raises(ValueError, match="DBSF"):
        Passage.search(DENSE_QUERY, sparse_vector=sparse, fusion=HybridFusion(method="dbsf", dense_weight=2))


def test_filters_and_limits_apply_to_every_kind_of_search(passages) -> None:
    sparse = get_sparse_encoder().encode_query("SLERP models weights")
    for search in (
        lambda **f: Passage.search(DENSE_QUERY, limit=2, **f),
        lambda **f: Passage.search(sparse_vector=sparse, limit=2, **f),
        lambda **f: Passage.search(DENSE_QUERY, limit=2, sparse_vector=sparse, **f),
    ):
        results = search(author="maxime")
        assert 1 <= len(results) <= 2 and {r.author for r in results} == {"maxime"}
        assert {r.author for r in search(author=["paul", "maxime"])} <= {"paul", "maxime"}
    prefetch_one = HybridFusion(prefetch_limit=1)
    assert len(Passage.search(DENSE_QUERY, 5, sparse_vector=sparse, fusion=prefetch_one)) <= 2


def test_queries_without_terms_or_vectors(passages) -> None:
    stop_words_only = get_sparse_encoder().encode_query("what is it?")
    assert Passage.search(sparse_vector=stop_words_only) == []
    hybrid = Passage.search(DENSE_QUERY, limit=2, sparse_vector=stop_words_only)  # falls back to dense
    assert keys(hybrid, passages) == keys(Passage.search(DENSE_QUERY, limit=2), passages)
    with pytest.raises(ValueError, match="query_vector"):
        Passage.search()
    with pytest.raises(ValueError, match="limit"):
        Passage.search(DENSE_QUERY, limit=0)


def test_a_passage_of_stop_words_only_is_stored_without_a_sparse_vector(stores) -> None:
    Passage.bulk_insert(
        [Passage(content="it is", author="x", embedding=unit(1, 0, 0), sparse_embedding=SparseVector())]
    )
    (found,) = Passage.find_all(with_vectors=True)
    assert found.sparse_embedding == SparseVector() and len(found.embedding) == 3


def test_an_old_style_collection_is_detected_and_refused_until_rebuilt(stores) -> None:
    client = get_qdrant_client()
    client.create_collection(
        Passage.get_collection_name(), vectors_config=qm.VectorParams(size=3, distance=qm.Distance.COSINE)
    )
    client.upsert(
        Passage.get_collection_name(),
        points=[qm.PointStruct(id=1, vector=unit(1, 0, 0), payload={"content": "old", "author": "a"})],
        wait=True,
    )
    assert Passage.has_outdated_layout()
    with pytest.raises(ImproperlyConfigured, match="feature pipeline"):
        Passage.search(DENSE_QUERY)
    new = Passage(content="new", author="a", embedding=unit(1, 0, 0), sparse_embedding=SparseVector())
    with pytest.raises(ImproperlyConfigured, match="rebuilds"):
        Passage.bulk_insert([new])
    assert Passage.drop_collection() and not Passage.drop_collection()
    Passage.bulk_insert([new])
    assert not Passage.has_outdated_layout() and Passage.count() == 1

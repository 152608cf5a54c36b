"""The in-process search index of local mode answers exactly as Qdrant's own local scoring does."""

import numpy as np

from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.domain.base.qdrant_mapping import HybridFusion
from llm_engineering.domain.base.vector import VectorBaseDocument
from llm_engineering.domain.sparse import SparseVector
from llm_engineering.domain.types import DataCategory
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client

# Many distinct words and lengths, so that no two passages tie on a BM25 score (ties may come in any order).
WORDS = [f"{stem}{i}" for stem in ("vector", "token", "graph", "merge", "model") for i in range(40)]


class Passage(VectorBaseDocument):
    content: str
    author_full_name: str
    category: str
    embedding: list[float] | None = None
    sparse_embedding: SparseVector | None = None

    class Settings:
        name = "test_passages"
        category = DataCategory.ARTICLES


def corpus(size: int, seed: int) -> list[Passage]:
    rng = np.random.default_rng(seed)
    encoder = get_sparse_encoder()
    passages = []
    for i in range(size):
        text = " ".join(rng.choice(WORDS, size=int(rng.integers(5, 60))))
        passages.append(
            Passage(
                content=text,
                author_full_name=["Ada Lovelace", "Alan Turing"][i % 2],
                category=["articles", "posts", "repositories"][i % 3],
                embedding=rng.normal(size=16).tolist(),
                sparse_embedding=encoder.encode_document(text),
            )
        )
    return passages


def both_ways(document_class: type[VectorBaseDocument] = Passage, **search) -> tuple[list, list]:
    """The same search answered by the index and by Qdrant's local scoring (the index switched off)."""
    client = get_qdrant_client()
    indexed = document_class.search(**search)
    client.use_search_index = False
    try:
        reference = document_class.search(**search)
    finally:
        client.use_search_index = True
    return indexed, reference


FUSIONS = [
    HybridFusion(),
    HybridFusion(method="rrf", dense_weight=1.0, sparse_weight=1.5, rrf_k=1, prefetch_limit=15),
    HybridFusion(method="dbsf", prefetch_limit=25),
]


def test_same_top_k_and_scores_as_qdrant(stores) -> None:
    Passage.bulk_insert(corpus(200, seed=1))
    rng = np.random.default_rng(2)
    encoder = get_sparse_encoder()
    for trial, mode in enumerate(["dense", "sparse", "hybrid"] * 3):
        query = " ".join(rng.choice(WORDS, size=3))
        search = {
            "query_vector": rng.normal(size=16).tolist() if mode != "sparse" else None,
            "sparse_vector": encoder.encode_query(query) if mode != "dense" else None,
            "fusion": FUSIONS[trial // 3],
            "limit": 5,
        }
        filters = [{}, {"author_full_name": "Alan Turing"}, {"category": ["posts", "repositories"]}]
        for extra in filters:
            indexed, reference = both_ways(**search, **extra)
            assert [p.id for p in indexed] == [p.id for p in reference], (mode, trial, extra)
            assert np.allclose([p.score for p in indexed], [p.score for p in reference], rtol=1e-4)
            assert all(
                p.author_full_name == extra.get("author_full_name", p.author_full_name) for p in indexed
            )


def test_a_write_invalidates_the_index(stores) -> None:
    passages = corpus(50, seed=3)
    Passage.bulk_insert(passages)
    vector = get_sparse_encoder().encode_query("zyxwv unicorn")
    assert Passage.search(sparse_vector=vector, limit=5) == []  # the index is built, without these words
    newcomer = Passage(
        content="zyxwv unicorn",
        author_full_name="Ada Lovelace",
        category="posts",
        embedding=[1.0] * 16,
        sparse_embedding=get_sparse_encoder().encode_document("zyxwv unicorn"),
    )
    Passage.bulk_insert([newcomer])
    assert [p.id for p in Passage.search(sparse_vector=vector, limit=5)] == [newcomer.id]
    Passage.delete(ids=[newcomer.id])
    assert Passage.search(sparse_vector=vector, limit=5) == []


def test_vectors_wanted_go_to_qdrant(stores) -> None:
    Passage.bulk_insert(corpus(20, seed=4))
    (found,) = Passage.search(query_vector=[0.5] * 16, limit=1, with_vectors=True)
    assert found.embedding is not None and len(found.embedding) == 16


class MultiPassage(Passage):
    passage_embeddings: list[list[float]] | None = None

    class Settings:
        name = "test_multi_passages"
        category = DataCategory.ARTICLES


def test_passages_score_as_qdrants_max_sim(stores) -> None:
    """A class with passage embeddings searches its dense side by MaxSim over them, in the index as in Qdrant;
    a point written without passages has its dense vector as its one passage."""
    rng = np.random.default_rng(5)
    points = [
        MultiPassage(
            **p.model_dump(exclude={"id"}),
            passage_embeddings=[p.embedding, *rng.normal(size=(int(rng.integers(0, 5)), 16)).tolist()]
            if i % 4
            else None,
        )
        for i, p in enumerate(corpus(120, seed=6))
    ]
    MultiPassage.bulk_insert(points)
    for trial in range(6):
        query = rng.normal(size=16)
        search = {"query_vector": query.tolist(), "limit": 5}
        if trial % 2:
            search |= {"sparse_vector": get_sparse_encoder().encode_query(" ".join(rng.choice(WORDS, 3)))}
            search |= {"fusion": FUSIONS[1]}
        indexed, reference = both_ways(MultiPassage, **search)
        assert [p.id for p in indexed] == [p.id for p in reference], trial
        assert np.allclose([p.score for p in indexed], [p.score for p in reference], rtol=1e-4)
    # The dense score is the best passage's cosine, not the chunk vector's.
    unit = query / np.linalg.norm(query)
    best = MultiPassage.search(query_vector=query.tolist(), limit=1)[0]
    stored = {str(p.id): p for p in points}[str(best.id)]
    vectors = np.array(stored.passage_embeddings or [stored.embedding])
    assert np.isclose(
        best.score, (vectors / np.linalg.norm(vectors, axis=1, keepdims=True) @ unit).max(), rtol=1e-4
    )
    (read,) = MultiPassage.search(query_vector=query.tolist(), limit=1, with_vectors=True)
    assert read.passage_embeddings is not None and len(read.passage_embeddings[0]) == 16

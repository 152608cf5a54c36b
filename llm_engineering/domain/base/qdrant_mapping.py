"""How the OVM maps onto Qdrant: the named vectors of a collection, payload filters, and the query of a
dense, sparse or hybrid search.

A hybrid search is one Qdrant call: each vector (dense `dense`, sparse `bm25`) prefetches its own candidates,
then Qdrant fuses the two rankings (RRF, weighted RRF or DBSF). Payload filters apply to both prefetches.

A collection may also hold `passages`, a multivector per point (the point's dense vector plus one per few
sentences of its text) compared by MaxSim: a point then scores as its best-matching passage, so a question
about one sentence of a long chunk is not diluted by the rest. The dense side of a search uses it when present.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from qdrant_client.http import models as qm

from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.domain.sparse import SparseVector

DENSE_VECTOR_NAME = "dense"
SPARSE_VECTOR_NAME = "bm25"
PASSAGES_VECTOR_NAME = "passages"


class VectorLayout(BaseModel):
    """Which named vectors a collection holds, from the fields of the documents stored in it: `embedding`
    (`dense`), `sparse_embedding` (`bm25`), and `passage_embeddings` next to an embedding (`passages`)."""

    model_config = ConfigDict(frozen=True)

    dense: bool = False
    sparse: bool = False
    passages: bool = False

    @classmethod
    def of_fields(cls, fields: Any, indexed: bool = True) -> VectorLayout:
        dense = indexed and "embedding" in fields
        return cls(
            dense=dense,
            sparse=indexed and "sparse_embedding" in fields,
            passages=dense and "passage_embeddings" in fields,
        )


def collection_vectors(
    name: str, layout: VectorLayout, vector_size: int | None
) -> tuple[dict[str, qm.VectorParams], dict[str, qm.SparseVectorParams] | None]:
    """The vector configs of a collection: `dense` (cosine), `passages` (cosine multivector, MaxSim) and/or
    `bm25` (sparse, IDF applied by Qdrant)."""
    vectors = {}
    if layout.dense and vector_size is None:
        raise ImproperlyConfigured(
            f"Creating {name} needs the embedding size: pass vector_size=len(an embedding)."
        )
    if layout.dense:
        vectors[DENSE_VECTOR_NAME] = qm.VectorParams(size=vector_size, distance=qm.Distance.COSINE)
    if layout.passages:
        vectors[PASSAGES_VECTOR_NAME] = qm.VectorParams(
            size=vector_size,
            distance=qm.Distance.COSINE,
            multivector_config=qm.MultiVectorConfig(comparator=qm.MultiVectorComparator.MAX_SIM),
        )
    sparse_vectors = (
        {SPARSE_VECTOR_NAME: qm.SparseVectorParams(modifier=qm.Modifier.IDF)} if layout.sparse else None
    )
    return vectors, sparse_vectors


def layout_differs(params: Any, layout: VectorLayout) -> bool:
    """Whether a stored collection's vectors (`config.params`) differ from the named ones wanted, e.g. one
    unnamed dense vector (collections built before the sparse vectors), or no passages."""
    if params.vectors is not None and not isinstance(params.vectors, dict):
        return True  # one unnamed vector
    has_dense = bool(params.vectors and DENSE_VECTOR_NAME in params.vectors)
    has_passages = bool(params.vectors and PASSAGES_VECTOR_NAME in params.vectors)
    has_sparse = bool(params.sparse_vectors and SPARSE_VECTOR_NAME in params.sparse_vectors)
    return (has_dense, has_sparse, has_passages) != (layout.dense, layout.sparse, layout.passages)


class HybridFusion(BaseModel):
    """How a hybrid search fuses its dense and sparse rankings.

    `rrf`: reciprocal rank fusion, each ranking weighted (`dense_weight`, `sparse_weight`; equal weights and
    no `rrf_k` is Qdrant's plain RRF); `dbsf`: distribution-based score fusion (scores normalised per ranking
    and summed; no weights). Each side prefetches `prefetch_limit` candidates (default: 4 x the limit, at
    least 20) before fusion.
    """

    method: Literal["rrf", "dbsf"] = "rrf"
    dense_weight: float = Field(default=1.0, ge=0)
    sparse_weight: float = Field(default=1.0, ge=0)
    rrf_k: int | None = Field(default=None, gt=0)
    prefetch_limit: int | None = Field(default=None, gt=0)

    def candidates(self, limit: int) -> int:
        return self.prefetch_limit or max(4 * limit, 20)

    def query(self) -> qm.FusionQuery | qm.RrfQuery:
        """The fusion query over two prefetches, given in the order dense, sparse."""
        if self.method == "dbsf":
            if self.dense_weight != self.sparse_weight:
                raise ValueError(
                    "DBSF fusion takes no weights; use method='rrf' to weight the dense and sparse rankings."
                )
            return qm.FusionQuery(fusion=qm.Fusion.DBSF)
        weighted = self.dense_weight != self.sparse_weight or self.rrf_k is not None
        if not weighted:
            return qm.FusionQuery(fusion=qm.Fusion.RRF)
        return qm.RrfQuery(rrf=qm.Rrf(k=self.rrf_k, weights=[self.dense_weight, self.sparse_weight]))


def to_filter(filters: dict[str, Any] | None) -> qm.Filter | None:
    """{'author_id': x, 'platform': ['a', 'b']} -> a Qdrant filter: equality, or any-of for a list."""
    if not filters:
        return None
    conditions = []
    for key, value in filters.items():
        if isinstance(value, list | tuple | set):
            match: Any = qm.MatchAny(any=[str(v) if isinstance(v, uuid.UUID) else v for v in value])
        else:
            match = qm.MatchValue(value=str(value) if isinstance(value, uuid.UUID) else value)
        conditions.append(qm.FieldCondition(key=key, match=match))
    return qm.Filter(must=conditions)


def to_qdrant_sparse(vector: SparseVector) -> qm.SparseVector:
    return qm.SparseVector(indices=list(vector.indices), values=list(vector.values))


def from_qdrant_sparse(vector: Any) -> SparseVector:
    return SparseVector(indices=list(vector.indices), values=list(vector.values))


def point_vectors(
    embedding: Any, sparse: SparseVector | None, passages: list | None, layout: VectorLayout
) -> dict[str, Any]:
    """A point's named vectors; a sparse vector without terms (a text of stop words only) is left out. In a
    layout with passages, a point given none gets its dense vector as its one passage."""
    vectors: dict[str, Any] = {}
    if embedding is not None:
        vectors[DENSE_VECTOR_NAME] = (
            embedding.tolist() if isinstance(embedding, np.ndarray) else list(embedding)
        )
    if layout.passages and (passages or embedding is not None):
        vectors[PASSAGES_VECTOR_NAME] = (
            [list(v) for v in passages] if passages else [vectors[DENSE_VECTOR_NAME]]
        )
    if sparse is not None and sparse.indices:
        vectors[SPARSE_VECTOR_NAME] = to_qdrant_sparse(sparse)
    return vectors


def record_vectors(point: Any, layout: VectorLayout) -> dict[str, Any]:
    """The `embedding` / `sparse_embedding` / `passage_embeddings` fields of a record read with its vectors
    (none without)."""
    if point.vector is None:
        return {}
    vectors = point.vector if isinstance(point.vector, dict) else {}
    fields: dict[str, Any] = {}
    if layout.dense and DENSE_VECTOR_NAME in vectors:
        fields["embedding"] = vectors[DENSE_VECTOR_NAME]
    if layout.passages and PASSAGES_VECTOR_NAME in vectors:
        fields["passage_embeddings"] = vectors[PASSAGES_VECTOR_NAME]
    if layout.sparse:
        stored = vectors.get(SPARSE_VECTOR_NAME)
        fields["sparse_embedding"] = from_qdrant_sparse(stored) if stored is not None else SparseVector()
    return fields


def search_request(
    dense: list[float] | np.ndarray | None,
    sparse: SparseVector | None,
    limit: int,
    fusion: HybridFusion | None,
    passages: bool = False,
) -> dict[str, Any] | None:
    """The `query_points` arguments (query, using, prefetch) of a search; None when there is nothing to
    search with (no vector, or a sparse query whose every word is a stop word and no dense one). With
    `passages`, the dense query is a one-vector multivector against the `passages` (MaxSim)."""
    if dense is None and sparse is None:
        raise ValueError("search() needs a query_vector (dense), a sparse_vector, or both (hybrid).")
    if limit <= 0:
        raise ValueError(f"limit must be positive, got {limit}.")
    if isinstance(dense, np.ndarray):
        dense = dense.tolist()
    if sparse is not None and not sparse.indices:
        sparse = None
    if dense is None and sparse is None:
        return None
    dense_query = None
    if dense is not None and passages:
        dense_query = {"query": [list(dense)], "using": PASSAGES_VECTOR_NAME}
    elif dense is not None:
        dense_query = {"query": list(dense), "using": DENSE_VECTOR_NAME}
    if sparse is None:
        return dense_query
    if dense_query is None:
        return {"query": to_qdrant_sparse(sparse), "using": SPARSE_VECTOR_NAME}
    fusion = fusion or HybridFusion()
    candidates = fusion.candidates(limit)
    prefetch = [
        qm.Prefetch(**dense_query, limit=candidates),
        qm.Prefetch(query=to_qdrant_sparse(sparse), using=SPARSE_VECTOR_NAME, limit=candidates),
    ]
    return {"prefetch": prefetch, "query": fusion.query()}

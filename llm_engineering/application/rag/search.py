"""Dense, BM25 and hybrid search over the embedded-chunk collections, fused inside Qdrant.

Every collection has a dense vector ("dense", cosine) and a sparse one ("bm25", IDF applied by Qdrant). The
hybrid query prefetches the best `prefetch_limit` points of each and fuses the two lists in one call:
weighted reciprocal rank fusion (BM25 weighs more: on detail questions exact terms are the strongest signal,
while the dense list still rescues paraphrases), or distribution-based score fusion.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from qdrant_client.http import models as qm

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.rag.config import FusionConfig, SearchMethod
from llm_engineering.domain.embedded_chunks import EMBEDDED_CHUNK_CLASSES, EmbeddedChunk
from llm_engineering.domain.retrieval import RetrievedChunk
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client

DENSE_VECTOR = "dense"
SPARSE_VECTOR = "bm25"
PAYLOAD_FIELDS = ["content", "link", "author_full_name", "document_id", "metadata"]


class QueryVectors(BaseModel):
    text: str
    dense: list[float]
    sparse_indices: list[int]
    sparse_values: list[float]

    def sparse(self) -> qm.SparseVector:
        return qm.SparseVector(indices=self.sparse_indices, values=self.sparse_values)


def encode_queries(texts: Sequence[str]) -> list[QueryVectors]:
    """Dense and BM25 vectors of each query, with the same encoders the feature pipeline used."""
    from llm_engineering.application.networks.sparse import get_sparse_encoder

    dense = get_embedding_model().encode(list(texts))
    sparse_encoder = get_sparse_encoder()
    vectors = []
    for text, dense_vector in zip(texts, dense, strict=True):
        sparse = sparse_encoder.encode_query(text)
        vectors.append(
            QueryVectors(
                text=text,
                dense=dense_vector.tolist(),
                sparse_indices=list(sparse.indices),
                sparse_values=list(sparse.values),
            )
        )
    return vectors


def _filter(author_full_name: str | None) -> qm.Filter | None:
    if not author_full_name:
        return None
    return qm.Filter(
        must=[qm.FieldCondition(key="author_full_name", match=qm.MatchValue(value=author_full_name))]
    )


def _query_arguments(vectors: QueryVectors, method: SearchMethod, fusion: FusionConfig) -> dict[str, Any]:
    if method == SearchMethod.DENSE:
        return {"query": vectors.dense, "using": DENSE_VECTOR}
    if method == SearchMethod.SPARSE:
        return {"query": vectors.sparse(), "using": SPARSE_VECTOR}
    prefetch = [
        qm.Prefetch(query=vectors.sparse(), using=SPARSE_VECTOR, limit=fusion.prefetch_limit),
        qm.Prefetch(query=vectors.dense, using=DENSE_VECTOR, limit=fusion.prefetch_limit),
    ]
    if fusion.method == "dbsf":
        query: Any = qm.FusionQuery(fusion=qm.Fusion.DBSF)
    else:
        query = qm.RrfQuery(rrf=qm.Rrf(k=fusion.rrf_k, weights=[fusion.sparse_weight, fusion.dense_weight]))
    return {"prefetch": prefetch, "query": query}


def _to_chunk(point: Any, category: str) -> RetrievedChunk:
    payload = point.payload or {}
    metadata = payload.get("metadata") or {}
    return RetrievedChunk(
        id=str(point.id),
        link=payload.get("link"),
        title=metadata.get("title"),
        content=payload.get("content", ""),
        author_full_name=payload.get("author_full_name", ""),
        document_id=str(payload.get("document_id", "")),
        category=category,
        score=float(point.score),
    )


def searchable_collections() -> list[type[EmbeddedChunk]]:
    client = get_qdrant_client()
    return [
        cls for cls in EMBEDDED_CHUNK_CLASSES.values() if client.collection_exists(cls.get_collection_name())
    ]


def search(
    vectors: QueryVectors,
    method: SearchMethod,
    limit: int,
    fusion: FusionConfig | None = None,
    author_full_name: str | None = None,
) -> list[RetrievedChunk]:
    """The best `limit` chunks over every collection, best first (scores of one method are comparable
    across collections: the same similarity, or the same rank fusion)."""
    fusion = fusion or FusionConfig()
    client = get_qdrant_client()
    found: list[RetrievedChunk] = []
    for cls in searchable_collections():
        response = client.query_points(
            collection_name=cls.get_collection_name(),
            query_filter=_filter(author_full_name),
            limit=limit,
            with_payload=PAYLOAD_FIELDS,
            with_vectors=False,
            **_query_arguments(vectors, method, fusion),
        )
        category = cls.get_category().value
        found.extend(_to_chunk(point, category) for point in response.points)
    found.sort(key=lambda chunk: chunk.score, reverse=True)
    return found[:limit]


def fuse_ranked_lists(lists: Sequence[Sequence[RetrievedChunk]], k: int = 60) -> list[RetrievedChunk]:
    """Reciprocal rank fusion of the result lists of several query variants (one chunk once, best first)."""
    scores: dict[str, float] = {}
    chunks: dict[str, RetrievedChunk] = {}
    for results in lists:
        for rank, chunk in enumerate(results):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (k + rank + 1)
            chunks.setdefault(chunk.id, chunk)
    ordered = sorted(scores, key=lambda chunk_id: scores[chunk_id], reverse=True)
    return [chunks[chunk_id].model_copy(update={"score": scores[chunk_id]}) for chunk_id in ordered]

"""Dense, BM25 and hybrid search over the embedded-chunk collections, through the OVM.

Every collection has a dense vector and a sparse BM25 one (IDF applied by Qdrant). The hybrid query
prefetches the best `prefetch_limit` points of each and Qdrant fuses the two lists in the same call:
weighted reciprocal rank fusion by default (BM25 weighs more: on detail questions exact terms are the
strongest signal, while the dense list still rescues paraphrases), or distribution-based score fusion.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.rag.config import FusionConfig, QueryHandling, SearchMethod
from llm_engineering.domain.base.qdrant_mapping import HybridFusion
from llm_engineering.domain.documents import DOCUMENT_CATEGORIES
from llm_engineering.domain.embedded_chunks import EmbeddedChunk
from llm_engineering.domain.retrieval import RetrievedChunk
from llm_engineering.domain.sparse import SparseVector
from llm_engineering.domain.types import DataCategory
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client


class QueryVectors(BaseModel):
    text: str
    dense: list[float]
    sparse: SparseVector


def encode_queries(texts: Sequence[str], handling: QueryHandling | None = None) -> list[QueryVectors]:
    """Dense and BM25 vectors of each query, with the same encoders the feature pipeline used."""
    from llm_engineering.application.networks.sparse import get_sparse_encoder

    handling = handling or QueryHandling()
    dense = get_embedding_model().encode(list(texts))
    sparse_encoder = get_sparse_encoder()
    return [
        QueryVectors(
            text=text,
            dense=vector.tolist(),
            sparse=sparse_encoder.encode_query(text, **handling.model_dump()),
        )
        for text, vector in zip(texts, dense, strict=True)
    ]


def hybrid_fusion(fusion: FusionConfig) -> HybridFusion:
    if fusion.method == "dbsf":
        return HybridFusion(method="dbsf", prefetch_limit=fusion.prefetch_limit)
    return HybridFusion(
        method="rrf",
        dense_weight=fusion.dense_weight,
        sparse_weight=fusion.sparse_weight,
        rrf_k=fusion.rrf_k,
        prefetch_limit=fusion.prefetch_limit,
    )


def to_retrieved(chunk: EmbeddedChunk) -> RetrievedChunk:
    return RetrievedChunk(
        id=str(chunk.id),
        link=chunk.link,
        title=chunk.title,
        platform=chunk.platform,
        publication_date=chunk.publication_date,
        content=chunk.content,
        author_full_name=chunk.author_full_name,
        document_id=str(chunk.document_id),
        category=chunk.category.value,
        score=float(chunk.score or 0.0),
    )


def searchable_categories() -> list[DataCategory]:
    """The categories whose embedded-chunk collection exists."""
    client = get_qdrant_client()
    return [c for c in DOCUMENT_CATEGORIES if client.collection_exists(EmbeddedChunk.get_collection_name(c))]


def searchable_collections() -> list[str]:
    """The names of the embedded-chunk collections that exist."""
    return [EmbeddedChunk.get_collection_name(category) for category in searchable_categories()]


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
    dense = vectors.dense if method in (SearchMethod.DENSE, SearchMethod.HYBRID) else None
    sparse = vectors.sparse if method in (SearchMethod.SPARSE, SearchMethod.HYBRID) else None
    filters = {"author_full_name": author_full_name} if author_full_name else {}
    found: list[RetrievedChunk] = []
    for category in searchable_categories():
        documents = EmbeddedChunk.search(
            dense, limit, sparse_vector=sparse, fusion=hybrid_fusion(fusion), category=category, **filters
        )
        found.extend(to_retrieved(document) for document in documents)
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

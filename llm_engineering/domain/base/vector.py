"""VectorBaseDocument: a small pydantic object-vector mapper (OVM) over Qdrant.

A subclass names its collection in an inner `Settings` class, as the ODM does (pydantic v2 reserves an
inner `Config` for model configuration and deprecates it). Documents with an `embedding` field get a named
dense vector `dense` (cosine, sized by the embedding model); documents with a `sparse_embedding` field get a
named sparse vector `bm25` whose IDF Qdrant computes (`Modifier.IDF`); others go to a collection without
vectors. Every write is an upsert by id, so writing the same documents twice leaves the same points.
"""

from __future__ import annotations

import uuid
from abc import ABC
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Self

import numpy as np
from pydantic import UUID4, BaseModel, Field
from qdrant_client.http import models as qm

from llm_engineering.domain.base.qdrant_mapping import (
    DENSE_VECTOR_NAME,
    SPARSE_VECTOR_NAME,
    HybridFusion,
    collection_vectors,
    layout_differs,
    point_vectors,
    record_vectors,
    search_request,
    to_filter,
)
from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.domain.sparse import SparseVector
from llm_engineering.domain.types import DataCategory
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client

UPSERT_BATCH_SIZE = 512
_NOT_STORED = {"id", "embedding", "sparse_embedding", "score"}

__all__ = ["HybridFusion", "VectorBaseDocument", "to_filter"]


class VectorBaseDocument(BaseModel, ABC):
    id: UUID4 = Field(default_factory=uuid.uuid4)
    # The relevance a search gave this document (higher is better); None when not read by a search. Never stored.
    score: float | None = None

    class Settings:
        name: ClassVar[str]
        category: ClassVar[DataCategory]
        use_vector_index: ClassVar[bool] = True

    # --- (de)serialisation -------------------------------------------------------------------------------

    def to_point(self) -> qm.PointStruct:
        payload = self.model_dump(mode="json", exclude=_NOT_STORED)
        vector = point_vectors(getattr(self, "embedding", None), getattr(self, "sparse_embedding", None))
        return qm.PointStruct(id=str(self.id), vector=vector, payload=payload)

    @classmethod
    def from_record(cls, point: Any) -> Self:
        payload = {k: v for k, v in (point.payload or {}).items() if k not in _NOT_STORED}
        payload |= record_vectors(
            point, "embedding" in cls.model_fields, "sparse_embedding" in cls.model_fields
        )
        return cls(id=point.id, score=getattr(point, "score", None), **payload)

    # --- collection ----------------------------------------------------------------------------------------

    @classmethod
    def get_collection_name(cls) -> str:
        name = getattr(cls.Settings, "name", None)
        if not name:
            raise ImproperlyConfigured(f"{cls.__name__} must define `class Settings: name = '<collection>'`.")
        return name

    @classmethod
    def get_category(cls) -> DataCategory:
        category = getattr(cls.Settings, "category", None)
        if category is None:
            raise ImproperlyConfigured(
                f"{cls.__name__} must define `class Settings: category = DataCategory.X`."
            )
        return category

    @classmethod
    def uses_vector_index(cls) -> bool:
        """A dense vector index (named `dense`), for documents with an `embedding` field."""
        return bool(getattr(cls.Settings, "use_vector_index", True)) and "embedding" in cls.model_fields

    @classmethod
    def uses_sparse_index(cls) -> bool:
        """A sparse BM25 index (named `bm25`), for documents with a `sparse_embedding` field."""
        return (
            bool(getattr(cls.Settings, "use_vector_index", True)) and "sparse_embedding" in cls.model_fields
        )

    @classmethod
    def has_outdated_layout(cls) -> bool:
        """Whether the stored collection's vectors differ from the named ones this class declares (e.g. a
        collection built with one unnamed dense vector, before the sparse vectors). False when missing."""
        client = get_qdrant_client()
        name = cls.get_collection_name()
        if not client.collection_exists(name):
            return False
        params = client.get_collection(name).config.params
        return layout_differs(params, cls.uses_vector_index(), cls.uses_sparse_index())

    @classmethod
    def drop_collection(cls) -> bool:
        """Delete the collection and every point in it. Returns whether there was one."""
        client = get_qdrant_client()
        name = cls.get_collection_name()
        if not client.collection_exists(name):
            return False
        client.delete_collection(name)
        return True

    @classmethod
    def _require_current_layout(cls) -> None:
        if cls.has_outdated_layout():
            raise ImproperlyConfigured(
                f"The Qdrant collection '{cls.get_collection_name()}' was built with other vectors than "
                f"{cls.__name__} declares ('{DENSE_VECTOR_NAME}' and '{SPARSE_VECTOR_NAME}'). Run the feature "
                "pipeline (`poetry poe run-feature-engineering-pipeline`): it rebuilds such collections."
            )

    @classmethod
    def create_collection(cls, vector_size: int | None = None) -> None:
        """Create the collection when missing. A collection with a vector index needs the vector size: the
        domain knows no embedding model, so the caller passes it (bulk_insert takes it from the vectors).
        An existing collection with another vector layout is an error (the feature pipeline rebuilds it)."""
        client = get_qdrant_client()
        name = cls.get_collection_name()
        if client.collection_exists(name):
            cls._require_current_layout()
            return
        vectors, sparse_vectors = collection_vectors(
            name, cls.uses_vector_index(), cls.uses_sparse_index(), vector_size
        )
        client.create_collection(
            collection_name=name, vectors_config=vectors, sparse_vectors_config=sparse_vectors
        )

    # --- writes --------------------------------------------------------------------------------------------

    @classmethod
    def bulk_insert(cls, documents: Iterable[Self], batch_size: int = UPSERT_BATCH_SIZE) -> int:
        """Upsert documents in batches, creating the collection first. Returns how many were written."""
        documents = list(documents)
        if not documents:
            return 0
        vector_size = None
        if cls.uses_vector_index():
            first_embedding = getattr(documents[0], "embedding", None)
            vector_size = len(first_embedding) if first_embedding is not None else None
        cls.create_collection(vector_size=vector_size)
        client = get_qdrant_client()
        for start in range(0, len(documents), batch_size):
            points = [document.to_point() for document in documents[start : start + batch_size]]
            client.upsert(collection_name=cls.get_collection_name(), points=points, wait=True)
        return len(documents)

    @classmethod
    def delete(cls, ids: Iterable[uuid.UUID | str] | None = None, **filters: Any) -> None:
        """Delete points by id, or every point matching the payload filters."""
        client = get_qdrant_client()
        name = cls.get_collection_name()
        if not client.collection_exists(name):
            return
        if ids is not None:
            selector: Any = qm.PointIdsList(points=[str(i) for i in ids])
        elif filters:
            selector = qm.FilterSelector(filter=to_filter(filters))
        else:
            raise ValueError(
                "delete() needs ids or at least one payload filter; refusing to delete everything."
            )
        client.delete(collection_name=name, points_selector=selector, wait=True)

    # --- reads ---------------------------------------------------------------------------------------------

    @classmethod
    def bulk_find(
        cls, limit: int = 100, offset: Any = None, with_vectors: bool = False, **filters: Any
    ) -> tuple[list[Self], Any]:
        """One page of documents (scroll). Returns the documents and the offset of the next page (None at end)."""
        if not get_qdrant_client().collection_exists(cls.get_collection_name()):
            return [], None
        records, next_offset = cls._scroll_page(limit, offset, True, with_vectors, filters)
        return [cls.from_record(record) for record in records], next_offset

    @classmethod
    def _scroll_page(
        cls, limit: int, offset: Any, payload: bool | list[str], with_vectors: bool, filters: dict[str, Any]
    ) -> tuple[list[Any], Any]:
        return get_qdrant_client().scroll(
            collection_name=cls.get_collection_name(),
            scroll_filter=to_filter(filters),
            limit=limit,
            offset=offset,
            with_payload=payload,
            with_vectors=with_vectors,
        )

    @classmethod
    def scroll(
        cls,
        page_size: int = 1000,
        with_vectors: bool = False,
        payload: bool | list[str] = True,
        **filters: Any,
    ) -> Iterator[Any]:
        """Every point matching the payload filters, fetched a page at a time as it is consumed.

        With `payload=True` it yields documents of this class; with a list of payload fields (or `False`,
        ids only) it yields Qdrant's raw records, since a partial payload cannot make a document.
        """
        if page_size <= 0:
            raise ValueError("page_size must be positive.")
        if not get_qdrant_client().collection_exists(cls.get_collection_name()):
            return
        as_documents = payload is True
        offset = None
        while True:
            records, offset = cls._scroll_page(page_size, offset, payload, with_vectors, filters)
            if as_documents:
                yield from (cls.from_record(record) for record in records)
            else:
                yield from records
            if offset is None:
                return

    @classmethod
    def find_all(cls, page_size: int = 1000, with_vectors: bool = False, **filters: Any) -> list[Self]:
        """Every document matching the filters, following the scroll offsets."""
        return list(cls.scroll(page_size=page_size, with_vectors=with_vectors, **filters))

    @classmethod
    def count(cls, **filters: Any) -> int:
        client = get_qdrant_client()
        name = cls.get_collection_name()
        if not client.collection_exists(name):
            return 0
        return client.count(collection_name=name, count_filter=to_filter(filters), exact=True).count

    @classmethod
    def search(
        cls,
        query_vector: list[float] | np.ndarray | None = None,
        limit: int = 10,
        with_vectors: bool = False,
        *,
        sparse_vector: SparseVector | None = None,
        fusion: HybridFusion | None = None,
        **filters: Any,
    ) -> list[Self]:
        """The best `limit` documents for a query, restricted by payload filters, each with its `score`.

        `query_vector` alone: dense search (cosine). `sparse_vector` alone: BM25 (Qdrant applies IDF). Both:
        hybrid, each prefetching candidates that Qdrant fuses as `fusion` says (default: plain RRF).
        """
        if query_vector is not None and not cls.uses_vector_index():
            raise ImproperlyConfigured(f"{cls.__name__} has no dense vector index to search.")
        if sparse_vector is not None and not cls.uses_sparse_index():
            raise ImproperlyConfigured(f"{cls.__name__} has no sparse vector index to search.")
        request = search_request(query_vector, sparse_vector, limit, fusion)
        client = get_qdrant_client()
        name = cls.get_collection_name()
        if not client.collection_exists(name):
            return []
        cls._require_current_layout()
        if request is None:
            return []  # a sparse query without any indexed term matches nothing
        query_filter = to_filter(filters)
        points = None
        if not with_vectors and getattr(client, "use_search_index", False):
            points = client.search_index(name).query(request, query_filter, limit)  # local mode, in process
        if points is None:
            points = client.query_points(
                collection_name=name,
                query_filter=query_filter,
                limit=limit,
                with_payload=True,
                with_vectors=with_vectors,
                **request,
            ).points
        return [cls.from_record(point) for point in points]

    # --- grouping ------------------------------------------------------------------------------------------
    @staticmethod
    def group_by_class(documents: Iterable[VectorBaseDocument]) -> dict[type[VectorBaseDocument], list]:
        grouped: dict[type[VectorBaseDocument], list] = defaultdict(list)
        for document in documents:
            grouped[type(document)].append(document)
        return dict(grouped)

    @staticmethod
    def group_by_category(documents: Iterable[VectorBaseDocument]) -> dict[DataCategory, list]:
        grouped: dict[DataCategory, list] = defaultdict(list)
        for document in documents:
            grouped[document.get_category()].append(document)
        return dict(grouped)

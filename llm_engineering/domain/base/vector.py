"""VectorBaseDocument: a small pydantic object-vector mapper (OVM) over Qdrant.

A subclass names its collection in an inner `Settings` class, as the ODM does. A name with `{category}`
(`cleaned_{category}`) means one collection per value of the `category` field: class methods take
`category=`, and the field is not stored (the collection says it). An `embedding` field gets a named dense
vector `dense` (cosine), a `sparse_embedding` field a named sparse vector `bm25` (IDF by Qdrant), a
`passage_embeddings` field a multivector `passages` (MaxSim). Every write is an upsert by id.
"""

from __future__ import annotations

import uuid
from abc import ABC
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Self

import numpy as np
from pydantic import UUID4, BaseModel, Field
from qdrant_client.http import models as qm

from llm_engineering.domain.base.qdrant_mapping import (
    DENSE_VECTOR_NAME,
    PASSAGES_VECTOR_NAME,
    SPARSE_VECTOR_NAME,
    HybridFusion,
    VectorLayout,
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
CategoryKey = DataCategory | str | None  # which collection of a class stored per category
_NOT_STORED = {"id", "embedding", "sparse_embedding", "passage_embeddings", "score"}

__all__ = ["HybridFusion", "VectorBaseDocument", "to_filter"]


class VectorBaseDocument(BaseModel, ABC):
    id: UUID4 = Field(default_factory=uuid.uuid4)
    # The relevance a search gave this document (higher is better); None when not read by a search. Never stored.
    score: float | None = None

    class Settings:
        name: ClassVar[str]
        use_vector_index: ClassVar[bool] = True

    def to_point(self) -> qm.PointStruct:
        exclude = _NOT_STORED | ({"category"} if self.per_category() else set())
        payload = self.model_dump(mode="json", exclude=exclude)
        vector = point_vectors(
            getattr(self, "embedding", None),
            getattr(self, "sparse_embedding", None),
            getattr(self, "passage_embeddings", None),
            self.vector_layout(),
        )
        return qm.PointStruct(id=str(self.id), vector=vector, payload=payload)

    @classmethod
    def from_record(cls, point: Any, category: CategoryKey = None) -> Self:
        payload = {k: v for k, v in (point.payload or {}).items() if k not in _NOT_STORED}
        payload |= record_vectors(point, cls.vector_layout())
        if category is not None and cls.per_category():
            payload["category"] = category
        return cls(id=point.id, score=getattr(point, "score", None), **payload)

    # --- collection ----------------------------------------------------------------------------------------

    @classmethod
    def per_category(cls) -> bool:
        """Whether the class is stored in one collection per category."""
        return "{category}" in (getattr(cls.Settings, "name", None) or "")

    @classmethod
    def get_collection_name(cls, category: CategoryKey = None) -> str:
        name = getattr(cls.Settings, "name", None)
        if not name:
            raise ImproperlyConfigured(f"{cls.__name__} must define `class Settings: name = '<collection>'`.")
        if cls.per_category():
            if category is None:
                raise ImproperlyConfigured(f"{cls.__name__} is stored per category: pass `category=`.")
            return name.format(category=DataCategory(category).value)
        return name

    @classmethod
    def vector_layout(cls) -> VectorLayout:
        """The named vectors of the class's collections, from its fields (none when `use_vector_index` is off)."""
        return VectorLayout.of_fields(cls.model_fields, bool(getattr(cls.Settings, "use_vector_index", True)))

    @classmethod
    def has_outdated_layout(cls, category: CategoryKey = None) -> bool:
        """Whether the stored collection's vectors differ from the named ones this class declares (e.g. a
        collection built with one unnamed dense vector, before the sparse vectors). False when missing."""
        client = get_qdrant_client()
        name = cls.get_collection_name(category)
        if not client.collection_exists(name):
            return False
        params = client.get_collection(name).config.params
        return layout_differs(params, cls.vector_layout())

    @classmethod
    def drop_collection(cls, category: CategoryKey = None) -> bool:
        """Delete the collection and every point in it. Returns whether there was one."""
        client = get_qdrant_client()
        name = cls.get_collection_name(category)
        if not client.collection_exists(name):
            return False
        client.delete_collection(name)
        return True

    @classmethod
    def _require_current_layout(cls, category: CategoryKey) -> None:
        if cls.has_outdated_layout(category):
            raise ImproperlyConfigured(
                f"The Qdrant collection '{cls.get_collection_name(category)}' was built with other vectors than "
                f"{cls.__name__} declares ('{DENSE_VECTOR_NAME}', '{SPARSE_VECTOR_NAME}', '{PASSAGES_VECTOR_NAME}'). Run the feature "
                "pipeline (`poetry poe run-feature-engineering-pipeline`): it rebuilds such collections."
            )

    @classmethod
    def create_collection(cls, vector_size: int | None = None, category: CategoryKey = None) -> None:
        """Create the collection when missing. A collection with a vector index needs the vector size: the
        domain knows no embedding model, so the caller passes it (bulk_insert takes it from the vectors).
        An existing collection with another vector layout is an error (the feature pipeline rebuilds it)."""
        client = get_qdrant_client()
        name = cls.get_collection_name(category)
        if client.collection_exists(name):
            cls._require_current_layout(category)
            return
        vectors, sparse_vectors = collection_vectors(name, cls.vector_layout(), vector_size)
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
        category = documents[0].category if cls.per_category() else None  # type: ignore[attr-defined]
        if category is not None and any(document.category != category for document in documents):
            groups: dict[Any, list[Self]] = {}
            for document in documents:
                groups.setdefault(document.category, []).append(document)
            return sum(cls.bulk_insert(group, batch_size) for group in groups.values())
        vector_size = None
        if cls.vector_layout().dense:
            first_embedding = getattr(documents[0], "embedding", None)
            vector_size = len(first_embedding) if first_embedding is not None else None
        cls.create_collection(vector_size=vector_size, category=category)
        client = get_qdrant_client()
        for start in range(0, len(documents), batch_size):
            points = [document.to_point() for document in documents[start : start + batch_size]]
            client.upsert(collection_name=cls.get_collection_name(category), points=points, wait=True)
        return len(documents)

    @classmethod
    def delete(
        cls, ids: Iterable[uuid.UUID | str] | None = None, category: CategoryKey = None, **filters: Any
    ) -> None:
        """Delete points by id, or every point matching the payload filters."""
        client = get_qdrant_client()
        name = cls.get_collection_name(category)
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
        cls,
        limit: int = 100,
        offset: Any = None,
        with_vectors: bool = False,
        category: CategoryKey = None,
        **filters: Any,
    ) -> tuple[list[Self], Any]:
        """One page of documents (scroll). Returns the documents and the offset of the next page (None at end)."""
        if not get_qdrant_client().collection_exists(cls.get_collection_name(category)):
            return [], None
        records, next_offset = cls._scroll_page(
            category, filters, limit=limit, offset=offset, with_payload=True, with_vectors=with_vectors
        )
        return [cls.from_record(record, category) for record in records], next_offset

    @classmethod
    def _scroll_page(cls, category: CategoryKey, filters: dict, **page: Any) -> tuple[list[Any], Any]:
        name = cls.get_collection_name(category)
        return get_qdrant_client().scroll(collection_name=name, scroll_filter=to_filter(filters), **page)

    @classmethod
    def scroll(
        cls,
        page_size: int = 1000,
        with_vectors: bool = False,
        payload: bool | list[str] = True,
        category: CategoryKey = None,
        **filters: Any,
    ) -> Iterator[Any]:
        """Every point matching the payload filters, fetched a page at a time as it is consumed.

        With `payload=True` it yields documents of this class; with a list of payload fields (or `False`,
        ids only) it yields Qdrant's raw records, since a partial payload cannot make a document.
        """
        if page_size <= 0:
            raise ValueError("page_size must be positive.")
        if not get_qdrant_client().collection_exists(cls.get_collection_name(category)):
            return
        page = {"limit": page_size, "with_payload": payload, "with_vectors": with_vectors, "offset": None}
        while True:
            records, page["offset"] = cls._scroll_page(category, filters, **page)
            if payload is True:
                yield from (cls.from_record(record, category) for record in records)
            else:
                yield from records
            if page["offset"] is None:
                return

    @classmethod
    def find_all(
        cls, page_size: int = 1000, with_vectors: bool = False, category: CategoryKey = None, **filters: Any
    ) -> list[Self]:
        """Every document matching the filters, following the scroll offsets."""
        return list(cls.scroll(page_size, with_vectors, category=category, **filters))

    @classmethod
    def count(cls, category: CategoryKey = None, **filters: Any) -> int:
        client = get_qdrant_client()
        name = cls.get_collection_name(category)
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
        category: CategoryKey = None,
        **filters: Any,
    ) -> list[Self]:
        """The best `limit` documents for a query, restricted by payload filters, each with its `score`.

        `query_vector` alone: dense search (cosine). `sparse_vector` alone: BM25 (Qdrant applies IDF). Both:
        hybrid, each prefetching candidates that Qdrant fuses as `fusion` says (default: plain RRF).
        """
        if query_vector is not None and not cls.vector_layout().dense:
            raise ImproperlyConfigured(f"{cls.__name__} has no dense vector index to search.")
        if sparse_vector is not None and not cls.vector_layout().sparse:
            raise ImproperlyConfigured(f"{cls.__name__} has no sparse vector index to search.")
        request = search_request(query_vector, sparse_vector, limit, fusion, cls.vector_layout().passages)
        client = get_qdrant_client()
        name = cls.get_collection_name(category)
        if not client.collection_exists(name):
            return []
        cls._require_current_layout(category)
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
        return [cls.from_record(point, category) for point in points]

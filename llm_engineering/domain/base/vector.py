"""VectorBaseDocument: a small pydantic object-vector mapper (OVM) over Qdrant.

A subclass names its collection in an inner `Settings` class, as the ODM does (pydantic v2 reserves an
inner `Config` for model configuration and deprecates it); documents with an `embedding` field go to a
collection with a cosine vector index sized by the embedding model, others to a collection without vectors.
Every write is an upsert by id, so writing the same documents twice leaves the same points.
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

from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.domain.types import DataCategory
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client

UPSERT_BATCH_SIZE = 512


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


class VectorBaseDocument(BaseModel, ABC):
    id: UUID4 = Field(default_factory=uuid.uuid4)

    class Settings:
        name: ClassVar[str]
        category: ClassVar[DataCategory]
        use_vector_index: ClassVar[bool] = True

    # --- (de)serialisation -------------------------------------------------------------------------------

    def to_point(self) -> qm.PointStruct:
        payload = self.model_dump(mode="json", exclude={"id", "embedding"})
        vector: Any = {}
        embedding = getattr(self, "embedding", None)
        if embedding is not None:
            vector = embedding.tolist() if isinstance(embedding, np.ndarray) else list(embedding)
        return qm.PointStruct(id=str(self.id), vector=vector, payload=payload)

    @classmethod
    def from_record(cls, point: Any) -> Self:
        payload = dict(point.payload or {})
        vector = point.vector if isinstance(point.vector, list) else None
        if "embedding" in cls.model_fields and vector is not None:
            payload["embedding"] = vector
        return cls(id=point.id, **payload)

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
        return bool(getattr(cls.Settings, "use_vector_index", True)) and "embedding" in cls.model_fields

    @classmethod
    def create_collection(cls, vector_size: int | None = None) -> None:
        """Create the collection when missing. A collection with a vector index needs the vector size: the
        domain knows no embedding model, so the caller passes it (bulk_insert takes it from the vectors)."""
        client = get_qdrant_client()
        name = cls.get_collection_name()
        if client.collection_exists(name):
            return
        if cls.uses_vector_index():
            if vector_size is None:
                raise ImproperlyConfigured(
                    f"Creating {name} needs the embedding size: pass vector_size=len(an embedding)."
                )
            vectors_config: Any = qm.VectorParams(size=vector_size, distance=qm.Distance.COSINE)
        else:
            vectors_config = {}
        client.create_collection(collection_name=name, vectors_config=vectors_config)

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
        query_vector: list[float] | np.ndarray,
        limit: int = 10,
        with_vectors: bool = False,
        **filters: Any,
    ) -> list[Self]:
        """Nearest documents to `query_vector` (cosine), restricted by payload filters."""
        if not cls.uses_vector_index():
            raise ImproperlyConfigured(f"{cls.__name__} has no vector index to search.")
        client = get_qdrant_client()
        name = cls.get_collection_name()
        if not client.collection_exists(name):
            return []
        query = query_vector.tolist() if isinstance(query_vector, np.ndarray) else list(query_vector)
        response = client.query_points(
            collection_name=name,
            query=query,
            query_filter=to_filter(filters),
            limit=limit,
            with_payload=True,
            with_vectors=with_vectors,
        )
        return [cls.from_record(point) for point in response.points]

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

"""NoSQLBaseDocument: a small pydantic ODM over MongoDB (or the embedded litemongo store).

Differences from the reference ODM: unique indexes declared per class and created once per process,
an atomic `get_or_create`, explicit conflict handling on save, and errors raised with context.

A class may be stored across several collections: `Settings.partition_field` names the field whose value is
the collection (a document's `category`: `articles`, `posts`, ...). That field is not stored (the collection
says it); reads set it from the collection. In a filter it picks the collection, and a read without it looks
in every collection of `Settings.partitions`.
"""

from __future__ import annotations

import threading
import time
import uuid
from abc import ABC
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, ClassVar, Self

from loguru import logger
from pydantic import UUID4, BaseModel, ConfigDict, Field
from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.infrastructure.db.mongo import get_database
from llm_engineering.settings import get_settings

DUPLICATE_KEY_CODE = 11000
GET_OR_CREATE_ATTEMPTS = 20

_indexed: set[tuple[str, str, str]] = set()
_index_lock = threading.Lock()


class OnConflict(StrEnum):
    """What `save`/`bulk_insert` do when a unique key (e.g. a link) is already stored."""

    IGNORE = "ignore"  # keep the stored document
    UPDATE = "update"  # overwrite the stored document's fields, keeping its id
    RAISE = "raise"  # raise DuplicateKeyError


class Index(BaseModel):
    keys: list[str]
    unique: bool = True

    @property
    def name(self) -> str:
        return "uniq_" + "_".join(self.keys) if self.unique else "idx_" + "_".join(self.keys)


class NoSQLBaseDocument(BaseModel, ABC):
    model_config = ConfigDict(populate_by_name=True)

    id: UUID4 = Field(default_factory=uuid.uuid4)

    class Settings:
        name: ClassVar[str]
        indexes: ClassVar[list[Index]] = []
        partition_field: ClassVar[str | None] = None
        partitions: ClassVar[tuple[str, ...]] = ()

    # --- (de)serialisation -------------------------------------------------------------------------------

    @classmethod
    def from_mongo(cls, data: dict[str, Any], partition: str | None = None) -> Self:
        """The document stored as `data`; `partition` is the collection it was read from (partitioned
        classes only)."""
        if not data:
            raise ValueError(f"Cannot build a {cls.__name__} from an empty document.")
        data = dict(data)
        data["id"] = data.pop("_id")
        field = cls._partition_field()
        if field is not None and partition is not None:
            data[field] = partition
        return cls(**data)

    def to_mongo(self, **kwargs: Any) -> dict[str, Any]:
        field = self._partition_field()
        if field is not None:
            kwargs["exclude"] = {*kwargs.get("exclude", ()), field}
        parsed = self.model_dump(exclude_unset=False, by_alias=True, **kwargs)
        parsed["_id"] = str(parsed.pop("id"))
        return {key: str(value) if isinstance(value, uuid.UUID) else value for key, value in parsed.items()}

    # --- collection ----------------------------------------------------------------------------------------

    @classmethod
    def _partition_field(cls) -> str | None:
        return getattr(cls.Settings, "partition_field", None)

    @classmethod
    def get_collection_name(cls, partition: str | None = None) -> str:
        """The collection; for a partitioned class, the one of `partition` (required)."""
        if cls._partition_field() is not None:
            partitions = tuple(str(p) for p in cls.Settings.partitions)
            if partition is None or str(partition) not in partitions:
                raise ImproperlyConfigured(
                    f"{cls.__name__} is stored per {cls._partition_field()}: pass one of {', '.join(partitions)} "
                    f"(got {partition!r})."
                )
            return str(partition)
        name = getattr(cls.Settings, "name", None)
        if not name:
            raise ImproperlyConfigured(f"{cls.__name__} must define `class Settings: name = '<collection>'`.")
        return name

    def stored_in(self) -> str:
        """The collection this document is stored in."""
        field = self._partition_field()
        return self.get_collection_name(getattr(self, field) if field else None)

    @classmethod
    def _collections_for(cls, filter_options: dict[str, Any]) -> tuple[list[str | None], dict[str, Any]]:
        """The partitions a filter reads (all when it names none) and the filter without the partition."""
        field = cls._partition_field()
        if field is None:
            return [None], filter_options
        filter_options = dict(filter_options)
        if field in filter_options:
            return [filter_options.pop(field)], filter_options
        return list(cls.Settings.partitions), filter_options

    @classmethod
    def collection(cls, partition: str | None = None) -> Any:
        """The collection, with the class's indexes created the first time this process uses it."""
        name = cls.get_collection_name(partition)
        collection = get_database()[name]
        settings = get_settings()
        key = (settings.DATABASE_HOST.get_secret_value(), settings.DATABASE_NAME, name)
        if key not in _indexed:
            with _index_lock:
                if key not in _indexed:
                    for index in getattr(cls.Settings, "indexes", []):
                        collection.create_index(
                            [(k, 1) for k in index.keys], unique=index.unique, name=index.name
                        )
                    _indexed.add(key)
        return collection

    @classmethod
    def _unique_filter(cls, document: dict[str, Any]) -> dict[str, Any] | None:
        for index in getattr(cls.Settings, "indexes", []):
            if index.unique and all(document.get(k) is not None for k in index.keys):
                return {k: document[k] for k in index.keys}
        return None

    # --- writes --------------------------------------------------------------------------------------------

    def save(self, on_conflict: OnConflict | str = OnConflict.IGNORE) -> Self:
        """Insert this document. On a unique-key clash: keep the stored one (default), update it, or raise.

        Returns the document as stored (with the stored id when another document already held the key).
        """
        on_conflict = OnConflict(on_conflict)
        collection = self.collection(self.stored_in())
        document = self.to_mongo()
        try:
            collection.insert_one(document)
            return self
        except DuplicateKeyError:
            if on_conflict is OnConflict.RAISE:
                raise
        unique_filter = self._unique_filter(document) or {"_id": document["_id"]}
        if on_conflict is OnConflict.UPDATE:
            fields = {k: v for k, v in document.items() if k != "_id"}
            stored = collection.find_one_and_update(
                unique_filter, {"$set": fields}, return_document=ReturnDocument.AFTER
            )
        else:
            stored = collection.find_one(unique_filter)
        if stored is None:  # the clash was on _id alone and the stored one changed key meanwhile
            raise DuplicateKeyError(
                f"{type(self).__name__} {document['_id']} clashes with a stored document."
            )
        return self.from_mongo(stored, self.stored_in())

    @classmethod
    def get_or_create(cls, **filter_options: Any) -> Self:
        """Atomically fetch the document matching `filter_options`, creating it when missing.

        An upsert does it in one round trip. When writers race on a unique index, the loser gets a
        DuplicateKeyError (the document now exists) and reads it back; a server may need a moment before
        the winner's write is visible, so the read is retried briefly instead of failing the caller.
        """
        new_document = cls(**filter_options)
        partition = new_document.stored_in() if cls._partition_field() else None
        collection = cls.collection(partition)
        new = new_document.to_mongo()
        query = cls._to_query(cls._collections_for(filter_options)[1])
        for attempt in range(GET_OR_CREATE_ATTEMPTS):
            try:
                stored = collection.find_one_and_update(
                    query, {"$setOnInsert": new}, upsert=True, return_document=ReturnDocument.AFTER
                )
            except DuplicateKeyError:
                stored = collection.find_one(query)
            if stored is not None:
                return cls.from_mongo(stored, partition)
            time.sleep(0.01 * (attempt + 1))
        raise RuntimeError(
            f"get_or_create({filter_options}) on '{collection.name}': the document was neither "
            f"created nor found after {GET_OR_CREATE_ATTEMPTS} attempts (concurrent deletes?)."
        )

    @classmethod
    def bulk_insert(
        cls, documents: list[NoSQLBaseDocument], on_conflict: OnConflict | str = OnConflict.IGNORE
    ) -> int:
        """Insert many documents in one round trip. Returns how many were newly inserted.

        Documents whose unique key is already stored are skipped (IGNORE), updated (UPDATE) or make the call
        raise (RAISE, after the others were inserted).
        """
        on_conflict = OnConflict(on_conflict)
        if not documents:
            return 0
        if cls._partition_field() is not None:
            by_collection: dict[str, list[NoSQLBaseDocument]] = {}
            for document in documents:
                by_collection.setdefault(document.stored_in(), []).append(document)
            if len(by_collection) > 1:
                return sum(cls.bulk_insert(group, on_conflict) for group in by_collection.values())
        collection = cls.collection(documents[0].stored_in())
        payload = [document.to_mongo() for document in documents]
        try:
            return len(collection.insert_many(payload, ordered=False).inserted_ids)
        except BulkWriteError as error:
            write_errors = error.details.get("writeErrors", [])
            others = [e for e in write_errors if e.get("code") != DUPLICATE_KEY_CODE]
            if others or on_conflict is OnConflict.RAISE:
                raise
            if on_conflict is OnConflict.UPDATE:
                for write_error in write_errors:
                    documents[write_error["index"]].save(on_conflict=OnConflict.UPDATE)
            logger.debug(f"{cls.__name__}: {len(write_errors)} already stored ({on_conflict}).")
            return int(error.details.get("nInserted", 0))

    def upsert(self) -> None:
        """Write this document under its id: replaced when stored, inserted when not (idempotent). Raises
        DuplicateKeyError when another document already holds its unique key (e.g. the same link)."""
        document = self.to_mongo()
        self.collection(self.stored_in()).replace_one({"_id": document["_id"]}, document, upsert=True)

    # --- reads ---------------------------------------------------------------------------------------------

    @classmethod
    def find(cls, **filter_options: Any) -> Self | None:
        partitions, filter_options = cls._collections_for(filter_options)
        for partition in partitions:
            document = cls.collection(partition).find_one(cls._to_query(filter_options))
            if document:
                return cls.from_mongo(document, partition)
        return None

    @classmethod
    def bulk_find(cls, **filter_options: Any) -> list[Self]:
        partitions, filter_options = cls._collections_for(filter_options)
        query = cls._to_query(filter_options)
        return [
            cls.from_mongo(document, partition)
            for partition in partitions
            for document in cls.collection(partition).find(query)
        ]

    @classmethod
    def find_existing(cls, field: str, values: Iterable[Any], **filter_options: Any) -> set[Any]:
        """Which of `values` are stored under `field`: one query per collection, reading back only that
        field (`filter_options` may name a partition)."""
        wanted = list(dict.fromkeys(values))
        if not wanted:
            return set()
        partitions, filter_options = cls._collections_for(filter_options)
        query = {**cls._to_query(filter_options), field: {"$in": wanted}}
        return {
            document[field]
            for partition in partitions
            for document in cls.collection(partition).find(query, {field: 1, "_id": 0})
            if field in document
        }

    @classmethod
    def count(cls, **filter_options: Any) -> int:
        partitions, filter_options = cls._collections_for(filter_options)
        query = cls._to_query(filter_options)
        return sum(cls.collection(partition).count_documents(query) for partition in partitions)

    @staticmethod
    def _to_query(filter_options: dict[str, Any]) -> dict[str, Any]:
        """UUIDs are stored as strings; `id=` means `_id`."""
        query = {}
        for key, value in filter_options.items():
            key = "_id" if key == "id" else key
            query[key] = str(value) if isinstance(value, uuid.UUID) else value
        return query

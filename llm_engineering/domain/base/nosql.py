"""NoSQLBaseDocument: a small pydantic ODM over MongoDB (or the embedded litemongo store).

Differences from the reference ODM: unique indexes declared per class and created once per process,
an atomic `get_or_create`, explicit conflict handling on save, and errors raised with context.
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

    # --- (de)serialisation -------------------------------------------------------------------------------

    @classmethod
    def from_mongo(cls, data: dict[str, Any]) -> Self:
        if not data:
            raise ValueError(f"Cannot build a {cls.__name__} from an empty document.")
        data = dict(data)
        data["id"] = data.pop("_id")
        return cls(**data)

    def to_mongo(self, **kwargs: Any) -> dict[str, Any]:
        parsed = self.model_dump(exclude_unset=False, by_alias=True, **kwargs)
        parsed["_id"] = str(parsed.pop("id"))
        return {key: str(value) if isinstance(value, uuid.UUID) else value for key, value in parsed.items()}

    # --- collection ----------------------------------------------------------------------------------------

    @classmethod
    def get_collection_name(cls) -> str:
        name = getattr(cls.Settings, "name", None)
        if not name:
            raise ImproperlyConfigured(f"{cls.__name__} must define `class Settings: name = '<collection>'`.")
        return name

    @classmethod
    def collection(cls) -> Any:
        """The collection, with the class's indexes created the first time this process uses it."""
        name = cls.get_collection_name()
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
        collection = self.collection()
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
        return self.from_mongo(stored)

    @classmethod
    def get_or_create(cls, **filter_options: Any) -> Self:
        """Atomically fetch the document matching `filter_options`, creating it when missing.

        An upsert does it in one round trip. When writers race on a unique index, the loser gets a
        DuplicateKeyError (the document now exists) and reads it back; a server may need a moment before
        the winner's write is visible, so the read is retried briefly instead of failing the caller.
        """
        collection = cls.collection()
        new = cls(**filter_options).to_mongo()
        query = cls._to_query(filter_options)
        for attempt in range(GET_OR_CREATE_ATTEMPTS):
            try:
                stored = collection.find_one_and_update(
                    query, {"$setOnInsert": new}, upsert=True, return_document=ReturnDocument.AFTER
                )
            except DuplicateKeyError:
                stored = collection.find_one(query)
            if stored is not None:
                return cls.from_mongo(stored)
            time.sleep(0.01 * (attempt + 1))
        raise RuntimeError(
            f"get_or_create({filter_options}) on '{cls.get_collection_name()}': the document was neither "
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
        collection = cls.collection()
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
        self.collection().replace_one({"_id": document["_id"]}, document, upsert=True)

    # --- reads ---------------------------------------------------------------------------------------------

    @classmethod
    def find(cls, **filter_options: Any) -> Self | None:
        document = cls.collection().find_one(cls._to_query(filter_options))
        return cls.from_mongo(document) if document else None

    @classmethod
    def bulk_find(cls, **filter_options: Any) -> list[Self]:
        return [cls.from_mongo(document) for document in cls.collection().find(cls._to_query(filter_options))]

    @classmethod
    def find_existing(cls, field: str, values: Iterable[Any]) -> set[Any]:
        """Which of `values` are stored under `field`: one query, reading back only that field."""
        wanted = list(dict.fromkeys(values))
        if not wanted:
            return set()
        found = cls.collection().find({field: {"$in": wanted}}, {field: 1, "_id": 0})
        return {document[field] for document in found if field in document}

    @classmethod
    def count(cls, **filter_options: Any) -> int:
        return cls.collection().count_documents(cls._to_query(filter_options))

    @staticmethod
    def _to_query(filter_options: dict[str, Any]) -> dict[str, Any]:
        """UUIDs are stored as strings; `id=` means `_id`."""
        query = {}
        for key, value in filter_options.items():
            key = "_id" if key == "id" else key
            query[key] = str(value) if isinstance(value, uuid.UUID) else value
        return query

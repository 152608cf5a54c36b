"""The vector database connection: Qdrant cloud, a Qdrant server, or Qdrant's local (on-disk) mode.

One client per process, created on first use. Local mode is not thread-safe (concurrent writers corrupt its
SQLite storage and lose points), so every call on a local client goes through one lock.
"""

from __future__ import annotations

import atexit
import functools
import threading
from pathlib import Path
from typing import Any

from loguru import logger

from llm_engineering.infrastructure.errors import DatabaseConnectionError, ImproperlyConfigured
from llm_engineering.settings import Settings, get_settings

_lock = threading.Lock()
_client: Any = None


# Client methods that change a collection: each one makes that collection's in-process index stale.
_WRITES = frozenset(
    {
        "upsert", "upload_points", "upload_collection", "delete", "delete_vectors", "update_vectors",
        "set_payload", "overwrite_payload", "delete_payload", "clear_payload", "batch_update_points",
        "create_collection", "recreate_collection", "delete_collection",
    }
)  # fmt: skip


class SerializedClient:
    """Proxies a local-mode QdrantClient so that only one thread at a time calls into it, and keeps the
    in-process search index of each collection, dropped whenever a write reaches that collection."""

    def __init__(self, client: Any, use_search_index: bool = True) -> None:
        self._client = client
        self._call_lock = threading.RLock()
        self._indexes: dict[str, Any] = {}
        self.use_search_index = use_search_index

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def serialized(*args: Any, **kwargs: Any) -> Any:
            with self._call_lock:
                if name in _WRITES:
                    self._indexes.pop(kwargs.get("collection_name", args[0] if args else None), None)
                return attribute(*args, **kwargs)

        return serialized

    def search_index(self, collection_name: str) -> Any:
        """The collection's in-process index (LocalSearchIndex), read from the store on first use."""
        from llm_engineering.infrastructure.db.local_index import LocalSearchIndex

        with self._call_lock:
            index = self._indexes.get(collection_name)
            if index is None:
                index = LocalSearchIndex.load(self._client, collection_name)
                self._indexes[collection_name] = index
            return index


def is_local_mode(host: str) -> bool:
    """A path or ':memory:' means local mode; a bare host name or an http(s) URL means a server."""
    if host == ":memory:":
        return True
    if host.startswith(("http://", "https://")):
        return False
    return "/" in host or "\\" in host or host.startswith((".", "~"))


def _create_client(settings: Settings) -> Any:
    from qdrant_client import QdrantClient

    if settings.USE_QDRANT_CLOUD:
        if not settings.QDRANT_CLOUD_URL or settings.QDRANT_APIKEY is None:
            raise ImproperlyConfigured("USE_QDRANT_CLOUD=true needs QDRANT_CLOUD_URL and QDRANT_APIKEY.")
        logger.info(f"Using Qdrant cloud at {settings.QDRANT_CLOUD_URL}.")
        return QdrantClient(url=settings.QDRANT_CLOUD_URL, api_key=settings.QDRANT_APIKEY.get_secret_value())

    host = settings.QDRANT_DATABASE_HOST
    if host == ":memory:":
        return SerializedClient(QdrantClient(location=":memory:"), settings.QDRANT_LOCAL_SEARCH_INDEX)
    if is_local_mode(host):
        path: Path = settings.resolve_path(host)
        path.mkdir(parents=True, exist_ok=True)
        try:
            client = QdrantClient(path=str(path))
        except RuntimeError as error:  # "Storage folder ... is already accessed by another instance"
            from llm_engineering.infrastructure.db.qdrant_holder import describe_holder

            holder = describe_holder(path) or "another process"
            raise DatabaseConnectionError(
                f"The local Qdrant store {path} is open in {holder}: {error}. Local mode allows one "
                "process at a time; stop the other one, or run a Qdrant server (docker compose) and set "
                "QDRANT_DATABASE_HOST to its host name."
            ) from error
        logger.info(f"Using Qdrant local mode at {path}.")
        return SerializedClient(client, settings.QDRANT_LOCAL_SEARCH_INDEX)

    client = (
        QdrantClient(url=host)
        if host.startswith("http")
        else QdrantClient(host=host, port=settings.QDRANT_DATABASE_PORT)
    )
    try:
        client.get_collections()
    except Exception as error:  # connection refused, DNS, timeout: all mean the same to the user
        raise DatabaseConnectionError(
            f"Cannot reach the Qdrant server at {host}:{settings.QDRANT_DATABASE_PORT} ({type(error).__name__}). "
            "Start it with `poetry poe local-docker-infrastructure-up`, or unset QDRANT_DATABASE_HOST to use "
            "local mode under .data/qdrant."
        ) from error
    logger.info(f"Connected to the Qdrant server at {host}.")
    return client


def get_qdrant_client() -> Any:
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                _client = _create_client(get_settings())
                atexit.register(reset_qdrant_client)  # close before interpreter teardown breaks the client
    return _client


def reset_qdrant_client() -> None:
    """Close the client (tests, or after changing settings); local mode releases its folder."""
    global _client
    with _lock:
        if _client is not None:
            _client.close()
            _client = None

"""The data warehouse connection: a real MongoDB by URI, or the embedded litemongo store by path.

Nothing connects at import time. A real server is pinged on first use so a wrong `DATABASE_HOST` fails
with a clear message instead of a 30 s hang later. An embedded (SQLite-backed) litemongo client is bound
to the thread that created it, so each thread gets its own client on the same file.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from loguru import logger

from llm_engineering.infrastructure.errors import DatabaseConnectionError
from llm_engineering.infrastructure.redaction import describe_host, mask_uri
from llm_engineering.settings import get_settings

_lock = threading.Lock()
_server_client: Any = None
_thread_local = threading.local()
# Live per-thread clients, so reset can close them. Weak references: when a worker thread ends, its
# threading.local value (the client) is freed with its SQLite connection instead of piling up.
_embedded_clients: weakref.WeakSet[Any] = weakref.WeakSet()


def _connect_server(uri: str, timeout_s: float) -> Any:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    client = None
    try:  # a malformed URI or an unknown SRV host fails in the constructor already
        client = MongoClient(
            uri, serverSelectionTimeoutMS=int(timeout_s * 1000), uuidRepresentation="standard"
        )
        client.admin.command("ping")
    except (PyMongoError, ValueError) as error:
        if client is not None:
            client.close()
        reason = mask_uri(str(error)).replace(uri, mask_uri(uri))
        raise DatabaseConnectionError(
            f"Cannot reach the MongoDB server at {describe_host(uri)} ({mask_uri(uri)}): "
            f"{type(error).__name__}: {reason[:300]}. Start it with `poetry poe local-docker-infrastructure-up`, "
            "fix DATABASE_HOST (special characters in the password must be percent-encoded), or unset "
            "DATABASE_HOST to use the embedded warehouse under .data/."
        ) from None  # the original error may quote the URI with its password
    logger.info(f"Connected to MongoDB at {describe_host(uri)}.")
    return client


def embedded_store_dir(path_setting: str) -> Path:
    """The folder of the embedded store (one sub-folder per database, one SQLite file per collection)."""
    return get_settings().resolve_path(path_setting)


def _connect_embedded(path_setting: str) -> Any:
    import litemongo

    store_dir = embedded_store_dir(path_setting)
    if store_dir.exists() and not store_dir.is_dir():
        raise DatabaseConnectionError(
            f"DATABASE_HOST={store_dir} is a file; the embedded warehouse needs a folder (or a mongodb:// URI)."
        )
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseConnectionError(
            f"Cannot create the embedded warehouse folder {store_dir}: {error}. "
            "Point DATABASE_HOST at a writable folder or at a mongodb:// URI."
        ) from error
    client = litemongo.connect(str(store_dir))
    _embedded_clients.add(client)
    return client


def get_client() -> Any:
    """The MongoDB-compatible client for this thread (created and, for a server, pinged on first use)."""
    global _server_client
    settings = get_settings()
    host = settings.DATABASE_HOST.get_secret_value()
    if settings.uses_mongodb_server:
        if _server_client is None:
            with _lock:
                if _server_client is None:
                    _server_client = _connect_server(host, settings.DATABASE_SERVER_TIMEOUT_S)
        return _server_client
    client = getattr(_thread_local, "client", None)
    if client is None:
        with _lock:
            client = _connect_embedded(host)
        _thread_local.client = client
    return client


def get_database() -> Any:
    client = get_client()
    name = get_settings().DATABASE_NAME
    if get_settings().uses_mongodb_server:
        return client[name]
    with _lock:  # litemongo creates the database folder on first access: racing threads would clash
        return client[name]


def reset_connections() -> None:
    """Close every client (tests, or after changing settings). The next use reconnects."""
    global _server_client, _thread_local
    with _lock:
        if _server_client is not None:
            _server_client.close()
            _server_client = None
        for client in list(_embedded_clients):
            try:
                client.close()
            except Exception as error:  # a client of a dead thread may already be unusable
                logger.debug(f"Ignoring error while closing an embedded client: {error}")
        _embedded_clients.clear()
        _thread_local = threading.local()

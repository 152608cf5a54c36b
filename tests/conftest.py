"""Shared fixtures: real stores in temp dirs, a real MongoDB wire-protocol server, local HTTP servers,
and an isolated ZenML configuration. Nothing here mocks project code."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# ZenML, Opik and Comet read their configuration at import: isolate them before anything imports them.
_ZENML_DIR = Path(tempfile.mkdtemp(prefix="llm-twin-zenml-"))
os.environ["ZENML_CONFIG_PATH"] = str(_ZENML_DIR / "config")
os.environ["ZENML_LOCAL_STORES_PATH"] = str(_ZENML_DIR / "stores")
os.environ.setdefault("ZENML_ANALYTICS_OPT_IN", "false")
os.environ.setdefault("ZENML_LOGGING_VERBOSITY", "WARN")
os.environ.setdefault("ZENML_ENABLE_RICH_TRACEBACK", "false")
os.environ.setdefault("OPIK_TRACK_DISABLE", "true")
os.environ.setdefault("COMET_START_ONLINE", "false")
os.environ.setdefault("COMET_ERROR_TRACKING_ENABLE", "false")  # comet_ml reports errors to Sentry otherwise
os.environ.setdefault("OPIK_SENTRY_ENABLE", "false")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach the hub; the packaged model is used

from tests.support.http_server import serve_directory  # noqa: E402
from tests.support.paths import SHARED_PAGES_DIR, SHARED_WAREHOUSE_DIR  # noqa: E402
from tests.support.stores import point_stores_at, reset_stores  # noqa: E402


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fresh embedded warehouse and local Qdrant under tmp_path, used by every store access in the test."""
    point_stores_at(tmp_path, monkeypatch)
    yield tmp_path
    reset_stores()


@pytest.fixture(scope="session")
def mongo_server_uri() -> Iterator[str]:
    """A real MongoDB wire-protocol server (SecantusDB on WiredTiger) on loopback for the session."""
    secantus = pytest.importorskip("secantus", reason="secantusdb (dev dependency) is not installed")
    storage = Path(tempfile.mkdtemp(prefix="llm-twin-secantus-"))
    with secantus.SecantusDBServer(storage_path=str(storage)) as server:
        yield server.uri
    shutil.rmtree(storage, ignore_errors=True)


@pytest.fixture
def mongo_server_stores(
    mongo_server_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[str]:
    """Like `stores`, but the warehouse is the real MongoDB server, in a database of its own per test."""
    monkeypatch.setenv("DATABASE_HOST", mongo_server_uri)
    monkeypatch.setenv("DATABASE_NAME", f"t_{abs(hash(request.node.nodeid)) % 10**12}")
    monkeypatch.setenv("QDRANT_DATABASE_HOST", str(tmp_path / "qdrant"))
    reset_stores()
    yield mongo_server_uri
    reset_stores()


@pytest.fixture
def shared_pages_server() -> Iterator[str]:
    """The saved real pages of ../shared/fixtures/pages over HTTP; skipped when ../shared is absent."""
    if not SHARED_PAGES_DIR.is_dir():
        pytest.skip(f"{SHARED_PAGES_DIR} is absent (a fresh clone has no ../shared; CI always has it)")
    server, base_url = serve_directory(SHARED_PAGES_DIR)
    yield base_url
    server.shutdown()


@pytest.fixture
def shared_warehouse_dir() -> Path:
    if not SHARED_WAREHOUSE_DIR.is_dir():
        pytest.skip(f"{SHARED_WAREHOUSE_DIR} is absent (a fresh clone has no ../shared; CI always has it)")
    return SHARED_WAREHOUSE_DIR


@pytest.fixture
def zenml_client() -> object:
    """A ZenML client on the isolated config of this test session (local store in a temp dir)."""
    from zenml.client import Client

    return Client()

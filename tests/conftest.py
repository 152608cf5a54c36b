"""Shared fixtures: real stores in temp dirs, a real MongoDB wire-protocol server, local HTTP servers,
and an isolated ZenML configuration. Nothing here mocks project code."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
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

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("LLM_TWIN_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
SHARED_PAGES_DIR = SHARED_DIR / "fixtures" / "pages"
SHARED_WAREHOUSE_DIR = SHARED_DIR / "data" / "handbook" / "data_warehouse_raw_data"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
OWN_PAGES_DIR = FIXTURES_DIR / "pages"  # small pages written for the tests, in the shared pages' layout


def _reset_all() -> None:
    from llm_engineering.infrastructure.db.mongo import reset_connections
    from llm_engineering.infrastructure.db.qdrant import reset_qdrant_client
    from llm_engineering.settings import get_settings

    reset_connections()
    reset_qdrant_client()
    get_settings.cache_clear()


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fresh embedded warehouse and local Qdrant under tmp_path, used by every store access in the test."""
    monkeypatch.setenv("DATABASE_HOST", str(tmp_path / "warehouse"))
    monkeypatch.setenv("DATABASE_NAME", "twin_test")
    monkeypatch.setenv("QDRANT_DATABASE_HOST", str(tmp_path / "qdrant"))
    monkeypatch.setenv("USE_QDRANT_CLOUD", "false")
    _reset_all()
    yield tmp_path
    _reset_all()


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
    _reset_all()
    yield mongo_server_uri
    _reset_all()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output readable
        pass


def serve_directory(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` on 127.0.0.1 (an ephemeral port) in a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


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

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llm_engineering.domain.exceptions import DatabaseConnectionError
from llm_engineering.infrastructure.db.mongo import get_database, reset_connections
from llm_engineering.infrastructure.db.qdrant import is_local_mode
from llm_engineering.infrastructure.redaction import describe_host, mask_uri
from llm_engineering.settings import PROJECT_ROOT, Settings, get_settings
from tests.support.paths import PROJECT_ROOT as TESTS_PROJECT_ROOT


def test_defaults_are_embedded_stores_under_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_HOST", "QDRANT_DATABASE_HOST"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert not settings.uses_mongodb_server
    assert settings.DATABASE_HOST.get_secret_value().startswith(str(PROJECT_ROOT / ".data"))
    assert is_local_mode(settings.QDRANT_DATABASE_HOST)


def test_secrets_are_masked_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_HOST", "mongodb://user:hunter2@db.example:27017")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.setenv("LINKEDIN_PASSWORD", "pw-secret")
    text = repr(Settings(_env_file=None))
    assert "hunter2" not in text and "sk-secret" not in text and "pw-secret" not in text
    assert Settings(_env_file=None).uses_mongodb_server


def test_mask_uri_and_describe_host() -> None:
    assert mask_uri("mongodb://u:pw@h:27017/db") == "mongodb://u:***@h:27017/db"
    assert mask_uri("mongodb://h:27017") == "mongodb://h:27017"
    assert describe_host("mongodb://u:pw@h:27017/db") == "h:27017"


@pytest.mark.parametrize(
    ("host", "local"),
    [
        (":memory:", True),
        ("/tmp/q", True),
        ("./q", True),
        ("~/q", True),
        ("localhost", False),
        ("qdrant", False),
        ("127.0.0.1", False),
        ("http://localhost:6333", False),
        ("https://x.cloud", False),
    ],
)
def test_qdrant_host_selects_local_mode_or_server(host: str, local: bool) -> None:
    assert is_local_mode(host) is local


def test_relative_store_paths_resolve_against_the_project(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None, DATABASE_HOST="rel/warehouse")
    assert settings.resolve_path("rel/warehouse") == PROJECT_ROOT / "rel" / "warehouse"
    assert TESTS_PROJECT_ROOT == PROJECT_ROOT


def test_embedded_store_path_that_is_a_file_is_a_clear_error(stores, monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_folder = stores / "file.txt"
    not_a_folder.write_text("x")
    monkeypatch.setenv("DATABASE_HOST", str(not_a_folder))
    get_settings.cache_clear()
    reset_connections()
    with pytest.raises(DatabaseConnectionError, match="needs a folder"):
        get_database()


def test_unreachable_mongodb_server_fails_fast_with_a_clear_masked_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_HOST", "mongodb://twin:s3cret@127.0.0.1:1/?directConnection=true")
    monkeypatch.setenv("DATABASE_SERVER_TIMEOUT_S", "0.5")
    get_settings.cache_clear()
    reset_connections()
    try:
        with pytest.raises(DatabaseConnectionError) as raised:
            get_database()
        message = str(raised.value)
        assert "127.0.0.1:1" in message and "s3cret" not in message and "embedded" in message
    finally:
        get_settings.cache_clear()
        reset_connections()


def test_importing_every_module_does_no_io(tmp_path: Path) -> None:
    """With dead servers configured, importing every project module must be quick and connect nowhere."""
    code = (
        "import importlib, pkgutil, sys\n"
        "names = []\n"
        "for package in ('llm_engineering', 'pipelines', 'steps', 'tools'):\n"
        "    module = importlib.import_module(package)\n"
        "    names += [m.name for m in pkgutil.walk_packages(module.__path__, package + '.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    # A script file, as a user's would be: ZenML resolves pipeline hooks against the main module's file.
    script = tmp_path / "import_everything.py"
    script.write_text(code)
    env = {
        **os.environ,
        "DATABASE_HOST": "mongodb://127.0.0.1:1",
        "QDRANT_DATABASE_HOST": "127.0.0.1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(script)], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 40
    assert "Connected" not in result.stderr and "Using Qdrant" not in result.stderr
    assert time.perf_counter() - started < 60  # generous: imports only, never a 30 s server-selection wait

"""The CLI as a user runs it: subprocesses with their own stores and ZenML config, a real local ZenML server."""

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.paths import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ}
    env.update(
        DATABASE_HOST=str(tmp_path / "warehouse"),
        QDRANT_DATABASE_HOST=str(tmp_path / "qdrant"),
        ZENML_CONFIG_PATH=str(tmp_path / "zenml"),
        ZENML_LOCAL_STORES_PATH=str(tmp_path / "zenml-stores"),
        ZENML_ANALYTICS_OPT_IN="false",
        ZENML_AUTO_OPEN_DASHBOARD="false",
    )
    return env


def cli(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.run", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_bad_config_is_a_clear_error_and_exit_1(cli_env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("parameters:\n  user_full_name: Ada Writer\n  link: [https://example.com]\n")
    result = cli(cli_env, "etl", "--config", str(config))
    assert result.returncode == 1
    assert str(config) in result.stderr and "link: unknown key (allowed here: crawl, links" in result.stderr
    assert "links: missing (required)" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_and_export_the_warehouse(
    cli_env: dict[str, str], shared_warehouse_dir: Path, tmp_path: Path
) -> None:
    assert cli(cli_env, "import-warehouse", "--input-dir", str(shared_warehouse_dir)).returncode == 0
    again = cli(cli_env, "import-warehouse", "--input-dir", str(shared_warehouse_dir))
    assert "'ArticleDocument': 76" in again.stdout
    out = tmp_path / "export"
    assert cli(cli_env, "export-warehouse", "--output-dir", str(out)).returncode == 0
    for name in ("UserDocument", "ArticleDocument", "PostDocument", "RepositoryDocument"):
        exported = json.loads((out / f"{name}.json").read_text())
        original = json.loads((shared_warehouse_dir / f"{name}.json").read_text())
        assert sorted(exported, key=lambda d: d["_id"]) == sorted(original, key=lambda d: d["_id"])


def test_import_of_a_missing_folder_fails_clearly(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = cli(cli_env, "import-warehouse", "--input-dir", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "is not a folder" in result.stderr


@pytest.mark.slow
def test_demo_etl_run_reaches_the_local_zenml_server(cli_env: dict[str, str]) -> None:
    port = free_port()
    up = cli(cli_env, "zenml-server", "up", "--port", str(port))
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        etl = cli(cli_env, "etl")  # the default offline demo config
        assert etl.returncode == 0, etl.stdout + etl.stderr
        assert "ETL done:" in etl.stdout and "0 failed" in etl.stdout

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/runs?size=50", timeout=30) as response:
            runs = json.load(response)["items"]
        names = [run["name"] for run in runs]
        assert any(name.startswith("digital_data_etl_run_") for name in names), names
        assert all(run["body"]["status"] == "completed" for run in runs)

        # The step metadata reached the server too: read it back through a client connected to it.
        read_metadata = (
            "import json; from zenml.client import Client; "
            "run = Client().get_pipeline('digital_data_etl').last_run; "
            "print(json.dumps(run.steps['crawl_links'].outputs['crawled_links'][0].run_metadata))"
        )
        metadata = subprocess.run(
            [sys.executable, "-c", read_metadata],
            cwd=PROJECT_ROOT,
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert metadata.returncode == 0, metadata.stderr
        crawl = json.loads(metadata.stdout.strip().splitlines()[-1])
        assert crawl["crawled"] == 2 and crawl["failed"] == 0 and crawl["by_domain"]["local"]["crawled"] == 2

        rerun = cli(cli_env, "etl")
        assert rerun.returncode == 0 and "ETL done: 0 crawled" in rerun.stdout
    finally:
        down = cli(cli_env, "zenml-server", "down")
        assert down.returncode == 0, down.stdout + down.stderr


@pytest.mark.slow
def test_end_to_end_data_runs_etl_then_features_for_the_demo_author(cli_env: dict[str, str]) -> None:
    result = cli(cli_env, "end-to-end-data")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ETL done: 2 crawled" in result.stdout
    assert "Feature pipeline run" in result.stdout and ": completed" in result.stdout
    assert "per_author: Ada Writer=" in result.stdout and "new: 9" in result.stdout
    assert "chunk(s) written (dense + BM25 vectors)" in result.stdout and "rebuilt: none." in result.stdout


def test_features_for_an_author_not_in_the_warehouse_names_the_author(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "features.yaml"
    config.write_text("parameters:\n  author_full_names: [Maxime Labonne, Paul Iusztin]\n")
    result = cli(cli_env, "features", "--config", str(config))  # these authors were never imported here
    assert result.returncode == 1
    assert "'Maxime Labonne', 'Paul Iusztin' not found in the data warehouse" in result.stderr
    assert "run-import-data-warehouse-from-json" in result.stderr  # and how to add them
    assert "Traceback" not in result.stderr  # stopped before the run, not inside a step


def test_etl_with_bad_links_prints_the_reasons_and_exits_0(cli_env: dict[str, str], tmp_path: Path) -> None:
    dead_port = free_port()  # nothing listens there once the probe socket is closed
    config = tmp_path / "mixed.yaml"
    config.write_text(
        "parameters:\n  user_full_name: Ada Writer\n  links:\n"
        "    - samples/ada_writer/articles\n"
        f"    - http://127.0.0.1:{dead_port}/post\n"
        "    - ftp://example.com/file\n"
        "    - https://user:hunter2@\n"
        "  crawl: {max_retries: 1}\n"
    )
    result = cli(cli_env, "etl", "--config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ETL done: 1 crawled, 0 skipped (already stored), 3 failed" in result.stdout
    assert f"FAILED http://127.0.0.1:{dead_port}/post" in result.stdout
    assert "FAILED ftp://example.com/file" in result.stdout
    assert "hunter2" not in result.stdout + result.stderr

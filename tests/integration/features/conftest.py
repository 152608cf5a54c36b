"""Feature-pipeline fixtures: a warehouse of our own sample documents, one real ZenML run of the pipeline
per test session (the embedding model loads once), and a fresh copy of the resulting stores per test.

Copying the stores (the embedded warehouse and the Qdrant local-mode folder, both closed first) gives each
test the state after a first run in milliseconds, so only what a test changes is re-embedded.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.features import FirstRun, run_feature_pipeline, seed_sample_warehouse, write_config
from tests.support.stores import point_stores_at, reset_stores


@pytest.fixture(scope="session")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRun]:
    folder = tmp_path_factory.mktemp("features-first-run")
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_stores_at(folder, monkeypatch)
        seed_sample_warehouse()
        run = run_feature_pipeline(write_config(folder / "features.yaml"))
        assert run.status == "completed", run.status
        reset_stores()  # close the stores before they are copied
    yield FirstRun(folder, run.id)
    reset_stores()


@pytest.fixture
def feature_stores(first_run: FirstRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The stores as the first run left them, copied for this test, which may change them at will."""
    for name in ("warehouse", "qdrant"):
        shutil.copytree(first_run.folder / name, tmp_path / name)
    point_stores_at(tmp_path, monkeypatch)
    yield tmp_path
    reset_stores()


@pytest.fixture
def rerun(feature_stores: Path) -> Callable[..., Any]:
    """Run the pipeline again on this test's stores, with the test config (parameters may be replaced)."""
    counter = iter(range(100))

    def run(**parameters: Any) -> Any:
        return run_feature_pipeline(
            write_config(feature_stores / f"features-{next(counter)}.yaml", **parameters)
        )

    return run

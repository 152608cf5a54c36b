"""Feature-pipeline fixtures: a warehouse of our own sample documents, one real ZenML run of the pipeline
per test session (the embedding model loads once), and a fresh copy of the resulting stores per test.

Copying the stores (the embedded warehouse and the Qdrant local-mode folder, both closed first) gives each
test the state after a first run in milliseconds, so only what a test changes is re-embedded.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.types import DataCategory
from tests.conftest import _reset_all
from tests.fixtures.features.samples import ARTICLES, POSTS, REPOSITORY

AUTHORS = ["Maxime Labonne", "Paul Iusztin"]
# Small chunks, so that our short sample articles make several chunks each.
TEST_CHUNKING = {
    "articles": {"chunk_size": 64, "chunk_overlap": 8, "min_chunk_size": 16},
    "posts": {"chunk_size": 96, "chunk_overlap": 16, "min_chunk_size": 16},
}
SAMPLE_DOCUMENTS = sum(len(articles) for articles in ARTICLES.values()) + len(POSTS) + 1


def point_stores_at(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_HOST", str(folder / "warehouse"))
    monkeypatch.setenv("DATABASE_NAME", "twin_test")
    monkeypatch.setenv("QDRANT_DATABASE_HOST", str(folder / "qdrant"))
    monkeypatch.setenv("USE_QDRANT_CLOUD", "false")
    _reset_all()


def seed_sample_warehouse() -> dict[str, UserDocument]:
    """Our sample articles (two per author), Paul's posts (long, short, empty) and Maxime's repository."""

    users = {}
    for full_name in AUTHORS:
        first_name, last_name = UserDocument.split_full_name(full_name)
        users[full_name] = UserDocument(first_name=first_name, last_name=last_name).save()
    for full_name, articles in ARTICLES.items():
        user = users[full_name]
        for article in articles:
            Document(
                category=DataCategory.ARTICLES,
                platform="example",
                author_id=user.id,
                author_full_name=full_name,
                **article,
            ).save()
    paul, maxime = users["Paul Iusztin"], users["Maxime Labonne"]
    for post in POSTS:
        Document(
            category=DataCategory.POSTS,
            platform="linkedin",
            author_id=paul.id,
            author_full_name=paul.full_name,
            **post,
        ).save()
    Document(
        category=DataCategory.REPOSITORIES,
        platform="github",
        author_id=maxime.id,
        author_full_name=maxime.full_name,
        **REPOSITORY,
    ).save()
    return users


def write_config(path: Path, authors: list[str] | None = None, **parameters: Any) -> Path:
    import yaml

    values = {"author_full_names": authors or AUTHORS, "chunking": TEST_CHUNKING, "batch_size": 16}
    path.write_text(yaml.safe_dump({"parameters": {**values, **parameters}}), encoding="utf-8")
    return path


def run_feature_pipeline(config: Path) -> Any:
    """Run the real ZenML pipeline with a YAML config; returns the finished run (hydrated)."""
    from zenml.client import Client

    from pipelines.feature_engineering import feature_engineering

    run = feature_engineering.with_options(config_path=str(config))()
    return Client().get_pipeline_run(run.id)


@dataclass
class FirstRun:
    folder: Path  # the stores right after the first run
    run_id: Any

    def run(self) -> Any:
        from zenml.client import Client

        return Client().get_pipeline_run(self.run_id)


@pytest.fixture(scope="session")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRun]:
    folder = tmp_path_factory.mktemp("features-first-run")
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_stores_at(folder, monkeypatch)
        seed_sample_warehouse()
        run = run_feature_pipeline(write_config(folder / "features.yaml"))
        assert run.status == "completed", run.status
        _reset_all()  # close the stores before they are copied
    yield FirstRun(folder, run.id)
    _reset_all()


@pytest.fixture
def feature_stores(first_run: FirstRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The stores as the first run left them, copied for this test, which may change them at will."""
    for name in ("warehouse", "qdrant"):
        shutil.copytree(first_run.folder / name, tmp_path / name)
    point_stores_at(tmp_path, monkeypatch)
    yield tmp_path
    _reset_all()


@pytest.fixture
def rerun(feature_stores: Path) -> Callable[..., Any]:
    """Run the pipeline again on this test's stores, with the test config (parameters may be replaced)."""
    counter = iter(range(100))

    def run(**parameters: Any) -> Any:
        return run_feature_pipeline(
            write_config(feature_stores / f"features-{next(counter)}.yaml", **parameters)
        )

    return run

"""The feature-pipeline tests' sample warehouse (our own small documents) and how they run the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_engineering.domain.documents import PostDocument, RepositoryDocument, UserDocument
from tests.fixtures.features.samples import ARTICLES, POSTS, REPOSITORY
from tests.support.pipelines import run_pipeline_file, write_yaml

AUTHORS = ["Maxime Labonne", "Paul Iusztin"]
# Small chunks, so that our short sample articles make several chunks each.
TEST_CHUNKING = {
    "articles": {"chunk_size": 64, "chunk_overlap": 8, "min_chunk_size": 16},
    "posts": {"chunk_size": 96, "chunk_overlap": 16, "min_chunk_size": 16},
}
SAMPLE_DOCUMENTS = sum(len(articles) for articles in ARTICLES.values()) + len(POSTS) + 1


def seed_sample_warehouse() -> dict[str, UserDocument]:
    """Our sample articles (two per author), Paul's posts (long, short, empty) and Maxime's repository."""
    from llm_engineering.domain.documents import ArticleDocument

    users = {}
    for full_name in AUTHORS:
        first_name, last_name = UserDocument.split_full_name(full_name)
        users[full_name] = UserDocument(first_name=first_name, last_name=last_name).save()
    for full_name, articles in ARTICLES.items():
        user = users[full_name]
        for article in articles:
            ArticleDocument(
                platform="example", author_id=user.id, author_full_name=full_name, **article
            ).save()
    paul, maxime = users["Paul Iusztin"], users["Maxime Labonne"]
    for post in POSTS:
        PostDocument(platform="linkedin", author_id=paul.id, author_full_name=paul.full_name, **post).save()
    RepositoryDocument(
        platform="github", author_id=maxime.id, author_full_name=maxime.full_name, **REPOSITORY
    ).save()
    return users


def write_config(path: Path, authors: list[str] | None = None, **parameters: Any) -> Path:
    values = {"author_full_names": authors or AUTHORS, "chunking": TEST_CHUNKING, "batch_size": 16}
    return write_yaml(path, {"parameters": {**values, **parameters}})


def run_feature_pipeline(config: Path) -> Any:
    """Run the real ZenML pipeline with a YAML config; returns the finished run (hydrated)."""
    from pipelines.feature_engineering import feature_engineering

    return run_pipeline_file(feature_engineering, config)


@dataclass
class FirstRun:
    folder: Path  # the stores right after the first run
    run_id: Any

    def run(self) -> Any:
        from zenml.client import Client

        return Client().get_pipeline_run(self.run_id)

"""Fixtures of the crawler and crawl-runner tests: a fresh warehouse, the user, the scripted server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_engineering.domain.documents import UserDocument
from tests.support.scripted_site import ScriptedServer


@pytest.fixture
def crawl_env(stores: Path) -> Path:
    """A fresh warehouse (the crawlers get TEST_CRAWL's limits)."""
    return stores


@pytest.fixture
def user(crawl_env: Path) -> UserDocument:
    return UserDocument.get_or_create(first_name="Ada", last_name="Writer")


@pytest.fixture
def site() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.close()

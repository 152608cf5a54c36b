"""Fixtures of the browser crawler tests: a fresh warehouse and its user."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_engineering.domain.documents import UserDocument


@pytest.fixture
def user(stores: Path) -> UserDocument:
    return UserDocument.get_or_create(first_name="Jane", last_name="Doe")

"""Pointing the project at temporary stores, and closing every cached connection between tests."""

from __future__ import annotations

from pathlib import Path

import pytest


def reset_stores() -> None:
    """Close the cached warehouse and Qdrant clients and forget the settings (read again on next use)."""
    from llm_engineering.infrastructure.db.mongo import reset_connections
    from llm_engineering.infrastructure.db.qdrant import reset_qdrant_client
    from llm_engineering.settings import get_settings

    reset_connections()
    reset_qdrant_client()
    get_settings.cache_clear()


def point_stores_at(folder: Path, monkeypatch: pytest.MonkeyPatch, database_name: str = "twin_test") -> None:
    """An embedded warehouse and a Qdrant local store under `folder` for everything that follows."""
    monkeypatch.setenv("DATABASE_HOST", str(folder / "warehouse"))
    monkeypatch.setenv("DATABASE_NAME", database_name)
    monkeypatch.setenv("QDRANT_DATABASE_HOST", str(folder / "qdrant"))
    monkeypatch.setenv("USE_QDRANT_CLOUD", "false")
    reset_stores()

"""Settings round trip through a real ZenML secret (in the isolated ZenML store of the test session)."""

import uuid

import pytest

from llm_engineering.settings import get_settings
from steps.settings_secret import export_settings_to_zenml_secret


def test_settings_export_to_and_load_from_a_zenml_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    secret_name = f"settings_{uuid.uuid4().hex[:8]}"
    monkeypatch.delenv("DATABASE_HOST", raising=False)
    monkeypatch.setenv("OPENAI_MODEL_ID", "model-from-secret")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-secret")
    get_settings.cache_clear()
    try:
        assert export_settings_to_zenml_secret(secret_name) >= 2
        assert "DATABASE_HOST" not in get_settings().to_secret_values()  # defaults are machine-specific
        monkeypatch.setenv("OPENAI_MODEL_ID", "model-from-secret-v2")
        get_settings.cache_clear()
        export_settings_to_zenml_secret(secret_name)  # a second export updates the secret in place

        monkeypatch.delenv("OPENAI_MODEL_ID")
        monkeypatch.delenv("OPENAI_API_KEY")
        monkeypatch.setenv("SETTINGS_FROM_ZENML_SECRET", secret_name)
        get_settings.cache_clear()
        settings = get_settings()
        assert settings.OPENAI_MODEL_ID == "model-from-secret-v2"
        assert settings.OPENAI_API_KEY.get_secret_value() == "sk-from-secret"

        monkeypatch.setenv("OPENAI_MODEL_ID", "env-wins")  # the environment overrides the secret
        get_settings.cache_clear()
        assert get_settings().OPENAI_MODEL_ID == "env-wins"
    finally:
        get_settings.cache_clear()

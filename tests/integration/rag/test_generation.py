"""Which model answers, the in-process generator on a tiny real model, and Opik staying off."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.model.inference.generators import LocalGenerator
from llm_engineering.model.inference.resolution import build_generator, choose_generator
from llm_engineering.model.registry import TwinVersion
from llm_engineering.settings import Settings
from tests.fixtures.model.tiny import tiny_model_dir  # noqa: F401  (a session fixture)


def test_an_endpoint_wins_then_a_model_folder_then_the_packaged_model(tmp_path: Path) -> None:
    endpoint = choose_generator(
        Settings(INFERENCE_LLM_BASE_URL="http://127.0.0.1:9/v1", INFERENCE_LLM_MODEL_ID="t")
    )
    assert endpoint.kind == "endpoint" and "model 't'" in endpoint.description
    folder = choose_generator(Settings(INFERENCE_LLM_MODEL_PATH=str(tmp_path)))
    assert folder.kind == "local_path" and folder.location == str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match="INFERENCE_LLM_MODEL_PATH"):
        choose_generator(Settings(INFERENCE_LLM_MODEL_PATH=str(tmp_path / "missing")))


def test_with_nothing_configured_and_no_registered_twin_the_packaged_model_is_said() -> None:
    choice = choose_generator(Settings())
    assert choice.kind == "packaged" and choice.model_version is None
    assert "SmolLM2-135M-Instruct" in choice.description and "INFERENCE_LLM_BASE_URL" in choice.description


def test_a_registered_version_serves_its_merged_model_else_its_adapter(tmp_path: Path) -> None:
    adapter, merged = tmp_path / "dpo_adapter", tmp_path / "merged"
    adapter.mkdir()
    version = TwinVersion(
        number=3, stage="production", adapter_dir=str(adapter), merged_model_dir=str(merged)
    )
    choice = choose_generator(Settings(), version)  # the merged folder is absent: the adapter
    assert (choice.kind, choice.location) == ("registry", str(adapter))
    assert choice.description == f"llm_twin version 3 (production) at {adapter}"
    merged.mkdir()
    assert choose_generator(Settings(), version).location == str(merged)
    # An endpoint or a model folder in the settings wins over the registry's default.
    assert choose_generator(Settings(INFERENCE_LLM_MODEL_PATH=str(tmp_path)), version).kind == "local_path"
    gone = TwinVersion(number=4, adapter_dir=str(tmp_path / "elsewhere"))
    assert choose_generator(Settings(), gone).kind == "packaged"  # said in the log, not served


def test_the_in_process_generator_streams_tokens_of_a_local_model(tiny_model_dir: Path) -> None:  # noqa: F811
    choice = choose_generator(Settings(INFERENCE_LLM_MODEL_PATH=str(tiny_model_dir)))
    generator = build_generator(choice, Settings(INFERENCE_LLM_MODEL_PATH=str(tiny_model_dir)))
    assert isinstance(generator, LocalGenerator)
    pieces = list(generator.stream("You are a twin.", "What is LoRA?", max_new_tokens=12, temperature=0.0))
    assert len(pieces) >= 2  # text arrives piece by piece from TextIteratorStreamer
    again = generator.generate("You are a twin.", "What is LoRA?", max_new_tokens=12, temperature=0.0)
    assert again == "".join(pieces)  # greedy: the same tokens


def test_opik_is_off_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    from llm_engineering.interfaces import tracing
    from llm_engineering.settings import get_settings

    monkeypatch.delenv("OPIK_API_KEY", raising=False)
    monkeypatch.delenv("OPIK_URL_OVERRIDE", raising=False)
    monkeypatch.delenv("OPIK_TRACK_DISABLE", raising=False)
    get_settings.cache_clear()
    tracing.opik_enabled.cache_clear()
    try:
        assert tracing.opik_enabled() is False
        assert os.environ["OPIK_TRACK_DISABLE"] == "true"

        def f(x: int) -> int:
            return x + 1

        assert tracing.traced("f", f) is f
    finally:
        tracing.opik_enabled.cache_clear()
        get_settings.cache_clear()

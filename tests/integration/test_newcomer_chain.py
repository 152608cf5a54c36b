"""The newcomer's chain, end to end, through the CLI as a user runs it, on the project's own sample data only:

ETL (demo config) -> features -> instruction and preference datasets (a loopback OpenAI-compatible teacher)
-> training on THOSE saved datasets (tiny Llama, a few steps) -> evaluation on their test split -> the service
answering /rag with the registered model version, with its sources.

No ../shared: LLM_TWIN_SHARED_DIR points at a folder that does not exist.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from llm_engineering.settings import get_settings
from tests.fixtures.model.tiny import tiny_model_dir  # noqa: F401  (a session fixture)
from tests.integration.dataset.corpus import teacher_answer
from tests.support.openai_server import OpenAICompatibleServer, Reply

pytestmark = pytest.mark.timeout(600)

VERSION = re.compile(r"model_version=(\d+)")


def teacher(body: dict[str, Any]) -> Reply:
    """Datasets from the prompt's extract; the judge and the query rewriter answer in their schemas."""
    schema = (body.get("response_format") or {}).get("json_schema", {}).get("name", "")
    if schema in ("InstructionAnswerPairs", "PreferenceTriples"):
        return Reply(content=teacher_answer(body))
    if schema == "AnswerScore":
        return Reply(content=json.dumps({"analysis": "Plain and accurate.", "accuracy": 2, "style": 2}))
    if schema == "PairwiseVerdict":
        return Reply(content=json.dumps({"analysis": "Both are close.", "winner": "tie"}))
    if schema == "QueryRewrites":
        return Reply(content=json.dumps({"queries": ["How should text be chunked for retrieval?"]}))
    return Reply(content=json.dumps({"author_full_name": None}))


def invoke(*args: str) -> str:
    from tools.run import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, f"{' '.join(args)} failed:\n{result.output[-3000:]}"
    return result.output


def tiny_training_config(folder: Path, base_model: Path) -> Path:
    """configs/training_smoke.yaml with the tiny model and a handful of steps."""
    config = yaml.safe_load(Path("configs/training_smoke.yaml").read_text(encoding="utf-8"))
    training = config["parameters"]["training"]
    training.update(base_model=str(base_model), backend="cpu", max_length=320, max_train_samples=16)
    training["max_eval_samples"], training["min_eval_samples"] = 4, 2
    training["lora"].update(r=4, alpha=8, target_modules=["q_proj", "v_proj"])
    training["sft"].update(max_steps=3, per_device_train_batch_size=4, logging_steps=1)
    training["dpo"].update(max_steps=2, per_device_train_batch_size=2, logging_steps=1)
    path = folder / "training_tiny.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_from_the_sample_writing_to_a_served_twin(
    stores: Path,
    tiny_model_dir: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    zenml_client,
) -> None:
    monkeypatch.setenv("LLM_TWIN_SHARED_DIR", str(stores / "no-shared-here"))
    monkeypatch.setenv("LLM_CACHE_DIR", str(stores / "llm_cache"))
    monkeypatch.setenv("TRAINING_OUTPUT_DIR", str(stores / "training"))
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_MODEL_ID", "loopback-teacher")
    for name in (
        "TRAINING_GPU_PYTHON",
        "COMET_API_KEY",
        "INFERENCE_LLM_BASE_URL",
        "INFERENCE_LLM_MODEL_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INFERENCE_MAX_NEW_TOKENS", "24")
    datasets_dir = stores / "datasets"

    with OpenAICompatibleServer(teacher) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        get_settings.cache_clear()

        etl = invoke("etl", "--config", "configs/digital_data_etl_demo.yaml")
        assert re.search(r"ETL done: [1-9]\d* crawled, .* 0 failed\b.*; [1-9]\d* documents written", etl), etl
        features = invoke("features")  # the default config: every author in the warehouse
        assert "chunk(s) written" in features and "Ada Writer" in features

        for kind, config in (
            ("instruction", "configs/generate_instruct_datasets.yaml"),
            ("preference", "configs/generate_preference_datasets.yaml"),
        ):
            output = invoke("generate-datasets", "--config", config, "--output-dir", str(datasets_dir / kind))
            assert f"Saved the {kind} dataset" in output and "lost 0" in output

        output_dir = stores / "twin"
        trained = invoke(
            "train",
            "--config",
            str(tiny_training_config(stores, tiny_model_dir)),
            "--instruct-dataset",
            str(datasets_dir / "instruction"),
            "--preference-dataset",
            str(datasets_dir / "preference"),
            "--output-dir",
            str(output_dir),
        )
        version_number = int(VERSION.search(trained.strip().splitlines()[-1]).group(1))
        version = zenml_client.get_model_version("llm_twin", version_number)
        instruct_summary = version.run_metadata["datasets"]["instruct"]
        assert instruct_summary["source"] == str(datasets_dir / "instruction")
        assert instruct_summary["id"].startswith(str(datasets_dir / "instruction"))

        evaluated = invoke(
            "evaluate",
            "--config",
            "configs/evaluating_smoke.yaml",
            "--model-version",
            str(version_number),
            "--dataset",
            str(datasets_dir / "instruction"),
        )
        assert f"llm_twin version {version_number}" in evaluated
        assert re.search(r"judge_n=[1-9]", evaluated), evaluated

        from fastapi.testclient import TestClient

        from llm_engineering.interfaces.app import create_app
        from tools.twin_model import serving_choice

        get_settings.cache_clear()
        choice = serving_choice(None, None)  # what `serve` picks by default: production, else the newest
        with TestClient(create_app(choice=choice)) as client:
            health = client.get("/health").json()
            assert f"llm_twin version {version_number}" in health["generator"]["description"]
            response = client.post("/rag", json={"query": "How should I chunk text for RAG?", "k": 4})
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["answer"], str)
    links = [source["link"] for source in body["sources"]]
    assert links and len(links) == len(set(links))  # each document once
    assert all(source["author_full_name"] == "Ada Writer" for source in body["sources"])
    assert any(source["passages"] for source in body["sources"])

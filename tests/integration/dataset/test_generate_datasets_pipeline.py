"""The generate_datasets pipeline end to end: real ZenML runs through the CLI, the feature store in a temp
dir, and a loopback OpenAI-compatible teacher with faults (429, a prompt answered with broken JSON)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from llm_engineering.application.dataset.extracts import split_text
from llm_engineering.application.dataset.io import load_dataset_dict
from llm_engineering.settings import get_settings
from tests.integration.dataset.corpus import (
    AUTHORS,
    TEXTS,
    extract_of,
    good_teacher,
    insert_corpus,
    sentences_of,
    teacher_answer,
)
from tests.support.openai_server import OpenAICompatibleServer, Reply
from tools.run import app

BROKEN_EXTRACT_START = "Streaming feature pipelines"


def write_config(path: Path, dataset_type: str | None, authors: tuple[str, ...] = AUTHORS) -> Path:
    config = {
        "parameters": {
            "author_full_names": list(authors),
            "test_split_size": 0.25,
            "extracts": {"min_chars": 200, "max_chars": 400},
            "generation": {"temperature": 0.0, "concurrency": 3},
            **({"dataset_type": dataset_type} if dataset_type else {}),
        },
    }
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture
def llm_env(stores: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("LLM_CACHE_DIR", str(stores / "llm_cache"))
    monkeypatch.setenv("OPENAI_MODEL_ID", "loopback-teacher")
    monkeypatch.setenv("OPENAI_PRICE_PER_1M_INPUT_TOKENS", "1.0")
    monkeypatch.setenv("OPENAI_PRICE_PER_1M_OUTPUT_TOKENS", "2.0")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    get_settings.cache_clear()
    return {"document_ids": insert_corpus(), "monkeypatch": monkeypatch}


def use_endpoint(env: dict[str, Any], base_url: str) -> None:
    env["monkeypatch"].setenv("OPENAI_BASE_URL", base_url)
    get_settings.cache_clear()


def faulty_teacher() -> tuple[Any, dict[str, int]]:
    seen = {"requests": 0}
    lock = threading.Lock()

    def handler(body: dict[str, Any]) -> Reply:
        with lock:
            seen["requests"] += 1
            first = seen["requests"] == 1
        if first:
            return Reply(status=429, headers={"Retry-After": "0.1"})
        if extract_of(body).startswith(BROKEN_EXTRACT_START):
            return Reply(content='{"instruction_answer_pairs": [')
        return Reply(content=teacher_answer(body), prompt_tokens=300, completion_tokens=200)

    return handler, seen


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_instruction_dataset_end_to_end_then_rerun_from_the_cache(
    llm_env: dict[str, Any], tmp_path: Path
) -> None:
    config = write_config(tmp_path / "instruct.yaml", "instruction")
    output = tmp_path / "out"
    handler, _ = faulty_teacher()
    with OpenAICompatibleServer(handler) as server:
        use_endpoint(llm_env, server.base_url)
        result = invoke("generate-datasets", "--config", str(config), "--output-dir", str(output))
        assert result.exit_code == 0, result.output
        sent = len(server.requests)
        # 8 extracts: one 429 retried, one broken extract asked twice (answer + re-ask) and lost.
        assert sent == 8 + 1 + 1
        assert "Prompts: 8, answered 7 (0 from the cache), lost 1 (invalid_answer=1)" in result.output
        assert "1 retries, 1 re-asks" in result.output and "$0.00" in result.output

        dataset = load_dataset_dict(output, "instruct")
        assert dataset["train"].column_names == [
            "instruction",
            "answer",
            "id",
            "document_id",
            "author_full_name",
            "category",
            "link",
        ]
        train_documents = set(dataset["train"]["document_id"])
        test_documents = set(dataset["test"]["document_id"])
        assert test_documents and train_documents and not train_documents & test_documents
        assert train_documents | test_documents <= set(llm_env["document_ids"])
        assert set(dataset["train"]["author_full_name"]) | set(dataset["test"]["author_full_name"]) == set(
            AUTHORS
        )
        expected = [
            min(5, len(sentences_of(extract)))
            for _, _, text in TEXTS
            for extract in split_text(text, 200, 400)
            if not extract.startswith(BROKEN_EXTRACT_START)
        ]
        assert len(dataset["train"]) + len(dataset["test"]) == sum(expected)  # every answered sample kept

        again = invoke("generate-datasets", "--config", str(config), "--output-dir", str(output))
        assert again.exit_code == 0, again.output
        assert len(server.requests) == sent  # a re-run sends nothing
        # The counts add up: 7 answered (all from the cache) + 1 lost (its failure recorded by the first run).
        assert "Prompts: 8, answered 7 (7 from the cache), lost 1 (" in again.output
        assert "1 failed in an earlier run; --retry-failed asks them again" in again.output
        assert load_dataset_dict(output, "instruct")["train"].to_list() == dataset["train"].to_list()

        # --retry-failed asks only the prompt that failed for good (its answer and one re-ask).
        retried = invoke(
            "generate-datasets", "--config", str(config), "--output-dir", str(output), "--retry-failed"
        )
        assert retried.exit_code == 0, retried.output
        assert len(server.requests) == sent + 2


def test_preference_dataset_chosen_is_the_authors_own_words(llm_env: dict[str, Any], tmp_path: Path) -> None:
    # What `poetry poe run-generate-preference-datasets-pipeline --config MY.yaml` runs, with a config that
    # names no dataset type: the task decides (and the instruction answers cached first are not reused).
    config = write_config(tmp_path / "preference.yaml", None)
    with OpenAICompatibleServer(good_teacher) as server:
        use_endpoint(llm_env, server.base_url)
        instruct = ("--dataset-type", "instruction", "--output-dir", str(tmp_path / "instruct"))
        first = invoke("generate-datasets", "--config", str(config), *instruct)
        assert first.exit_code == 0, first.output
        instruction_requests = len(server.requests)
        result = invoke(
            "generate-datasets", "--dataset-type", "preference", "--config", str(config),
            "--output-dir", str(tmp_path / "pref"),
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(server.requests) == 2 * instruction_requests  # every preference prompt was asked
    assert "(0 from the cache)" in result.output
    dataset = load_dataset_dict(tmp_path / "pref", "preference")
    rows = dataset["train"].to_list() + dataset["test"].to_list()
    assert len(rows) >= 20
    sources = " ".join(" ".join(text.split()) for _, _, text in TEXTS)
    assert all(row["chosen"] in sources and row["chosen"] != row["rejected"] for row in rows)
    assert server.requests[-1]["response_format"]["json_schema"]["name"] == "PreferenceTriples"
    assert set(dataset["train"].column_names) >= {"instruction", "chosen", "rejected"}


def test_a_config_naming_the_other_dataset_type_is_refused(llm_env: dict[str, Any], tmp_path: Path) -> None:
    named = write_config(tmp_path / "instruct.yaml", "instruction")
    result = invoke("generate-datasets", "--dataset-type", "preference", "--config", str(named), "--dry-run")
    assert result.exit_code == 1
    assert "names dataset_type: instruction, but this task makes preference datasets" in result.output
    assert "poetry poe run-generate-instruct-datasets-pipeline" in result.output
    unnamed = write_config(tmp_path / "unnamed.yaml", None)
    result = invoke("generate-datasets", "--config", str(unnamed), "--dry-run")
    assert result.exit_code == 1 and "names no dataset_type" in result.output


def test_dry_run_prints_prompts_without_any_endpoint(llm_env: dict[str, Any], tmp_path: Path) -> None:
    config = write_config(tmp_path / "instruct.yaml", "instruction")
    result = invoke("generate-datasets", "--config", str(config), "--dry-run", "--show-prompts", "1")
    assert result.exit_code == 0, result.output
    assert "Dry run: 8 prompts from 4 documents" in result.output and "input and" in result.output
    assert "Quantization stores every weight" in result.output  # the extract is really in the prompt
    assert "Estimated cost" in result.output

    not_configured = invoke("generate-datasets", "--config", str(config))
    assert not_configured.exit_code == 1
    assert "OPENAI_API_KEY" in not_configured.output and "OPENAI_BASE_URL" in not_configured.output

    unknown = write_config(tmp_path / "unknown.yaml", "instruction", ("Nobody Known",))
    missing = invoke("generate-datasets", "--config", str(unknown), "--dry-run")
    assert missing.exit_code == 1 and "poetry poe run-feature-engineering-pipeline" in missing.output


def test_every_prompt_failing_fails_the_step(llm_env: dict[str, Any], tmp_path: Path) -> None:
    config = write_config(tmp_path / "instruct.yaml", "instruction")
    with OpenAICompatibleServer(lambda body: Reply(content="not json")) as server:
        use_endpoint(llm_env, server.base_url)
        result = invoke("generate-datasets", "--config", str(config), "--output-dir", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "All 8 prompts failed" in result.output

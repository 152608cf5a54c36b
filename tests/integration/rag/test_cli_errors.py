"""The retrieval CLI fails with a clear message before loading any model when there is nothing to search."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tools.run import app


def test_retrieve_on_an_empty_feature_store_says_to_run_the_feature_pipeline(stores: Path) -> None:
    result = CliRunner().invoke(app, ["retrieve", "--query", "What is GPTQ?"])
    assert result.exit_code == 1
    assert "feature store is empty" in result.output and "run-feature-engineering-pipeline" in result.output


def test_retrieve_needs_exactly_one_source_of_queries(stores: Path) -> None:
    result = CliRunner().invoke(app, ["retrieve"])
    assert result.exit_code == 1 and "--query or --queries-file" in result.output


def test_eval_retrieval_names_a_missing_question_file(stores: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval-retrieval", "--queries-file", str(tmp_path / "none.json")])
    assert result.exit_code == 1 and "does not exist" in result.output

"""The `evaluate` command end to end: a real ZenML run on a tiny Llama + LoRA adapter (a registered version,
or a folder outside the registry), judged by a loopback OpenAI-compatible server that also answers 429s,
malformed JSON and out-of-range scores."""

from __future__ import annotations

import json
import re
import shutil
import threading
import uuid
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from llm_engineering.settings import get_settings
from tests.support.evaluation import INSTRUCTIONS, write_handbook_dataset
from tests.support.likeness_authors import LOU, store_synthetic_authors
from tests.support.openai_server import OpenAICompatibleServer, Reply

ALWAYS_INVALID = "capital of France"  # the judge never answers this sample's prompts with valid JSON
REASKED = "What does LoRA train?"  # its first score answers break the schema; the re-ask is valid
LINE = re.compile(
    r"judge_accuracy_mean=(\S+) judge_style_mean=(\S+) judge_n=(\d+) base_judge_accuracy_mean=(\S+) "
    r"base_judge_style_mean=(\S+) win_rate=(\S+)"
)


class LoopbackJudge:
    """Scores from the answer's length (so twin and base differ), "A" always wins the pairwise comparison."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.asked: Counter[str] = Counter()
        self.rate_limited = 0

    def __call__(self, body: dict) -> Reply:
        prompt = next(message["content"] for message in body["messages"] if message["role"] == "user")
        with self.lock:
            if self.rate_limited < 2:
                self.rate_limited += 1
                return Reply(status=429, headers={"Retry-After": "0"}, content="slow down")
            self.asked[prompt] += 1
            first_time = self.asked[prompt] == 1
        if ALWAYS_INVALID in prompt:
            return Reply(content='{"analysis": "cut off', finish_reason="stop")
        if "Answer A:" in prompt:
            return Reply(content=json.dumps({"analysis": "A is clearer.", "winner": "A"}))
        if REASKED in prompt and first_time:
            return Reply(content=json.dumps({"analysis": "great", "accuracy": 7, "style": 2}))
        answer = prompt.split("\nAnswer:\n", 1)[1]
        return Reply(content=json.dumps({"analysis": "fine", "accuracy": len(answer) % 3 + 1, "style": 2}))


def write_config(tmp_path: Path, dataset: Path, model_name: str, author: str | None = None) -> Path:
    config = {
        "parameters": {
            "dataset": str(dataset),
            "max_samples": len(INSTRUCTIONS),
            "author_full_name": author,
            "generation": {"max_new_tokens": 6, "batch_size": 2},
            "judge": {"concurrency": 2, "seed": 3, "cache_dir": str(tmp_path / "cache")},
        },
        "model": {"name": model_name},  # a registry model of the test's own
    }
    path = tmp_path / "evaluating.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def run_evaluate(config: Path, *model: str) -> str:
    from tools.run import app

    result = CliRunner().invoke(app, ["evaluate", "--config", str(config), *model])
    assert result.exit_code == 0, result.output
    return result.output


def register_version(model_name: str, adapter_dir: Path) -> int:
    """A version as the training pipeline registers it: its adapter folder in the version's metadata."""
    from zenml import log_metadata
    from zenml.client import Client

    client = Client()
    client.create_model(name=model_name)
    version = client.create_model_version(model_name_or_id=model_name)
    log_metadata(metadata={"adapter_dir": str(adapter_dir)}, model_version_id=version.id)
    return version.number


@pytest.fixture
def judge_settings(monkeypatch: pytest.MonkeyPatch):
    def configure(base_url: str | None) -> None:
        for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
            monkeypatch.delenv(name, raising=False)
        if base_url:
            monkeypatch.setenv("OPENAI_BASE_URL", base_url)
            monkeypatch.setenv("OPENAI_API_KEY", "test-key")
            monkeypatch.setenv("OPENAI_MODEL_ID", "loopback-judge")
        get_settings.cache_clear()

    yield configure
    get_settings.cache_clear()


@pytest.mark.slow
def test_judged_evaluation_saves_scores_records_them_and_promotes(
    tmp_path: Path, tiny_adapter_dir: Path, judge_settings, zenml_client, stores: Path
) -> None:
    import datasets

    from llm_engineering.model.evaluation.promotion import versus_base

    store_synthetic_authors()  # the twin's author (and another) in the warehouse: likeness and excerpts
    model_dir = tmp_path / "adapter"
    shutil.copytree(tiny_adapter_dir, model_dir)
    model_name = f"twin_{uuid.uuid4().hex[:8]}"
    number = register_version(model_name, model_dir)
    config = write_config(tmp_path, write_handbook_dataset(tmp_path / "instruct.json"), model_name, LOU)
    judge = LoopbackJudge()
    with OpenAICompatibleServer(judge) as server:
        judge_settings(server.base_url)
        output = run_evaluate(config)  # the default: the latest version
        requests_first_run = len(server.requests)
        # A rerun is answered from the judge cache (failed prompts included): no request reaches the server.
        rerun = run_evaluate(config, "--model-version", str(number))
        assert len(server.requests) == requests_first_run > 3 * len(INSTRUCTIONS)

    figures = LINE.search(output.strip().splitlines()[-1])
    assert figures, output
    results_dir = model_dir.resolve() / "evaluation"
    rows = [json.loads(line) for line in (results_dir / "results.jsonl").read_text().splitlines()]
    assert len(rows) == len(INSTRUCTIONS) == datasets.load_from_disk(str(results_dir / "dataset")).num_rows
    invalid = [row for row in rows if ALWAYS_INVALID in row["instruction"]]
    assert invalid[0]["twin_accuracy"] is None and invalid[0]["twin_judge_error"]
    assert invalid[0]["pairwise_winner"] is None and invalid[0]["pairwise_error"]
    scored = [row for row in rows if row["twin_accuracy"] is not None]
    assert (
        len(scored) == len(INSTRUCTIONS) - 1 == int(figures.group(3))
    )  # the invalid one is counted, not scored
    for row in scored:  # the scores are the judge's, computed from each answer
        assert row["twin_accuracy"] == len(row["twin_answer"]) % 3 + 1
        assert row["base_accuracy"] == len(row["base_answer"]) % 3 + 1
    assert float(figures.group(1)) == pytest.approx(
        sum(r["twin_accuracy"] for r in scored) / len(scored), abs=1e-3
    )
    assert float(figures.group(4)) == pytest.approx(
        sum(r["base_accuracy"] for r in scored) / len(scored), abs=1e-3
    )
    # "A" always wins, so the twin wins exactly where it was shown first: the order was randomised.
    judged_pairs = [row for row in rows if row["pairwise_winner"] is not None]
    assert {row["pairwise_winner"] for row in judged_pairs} == {"twin", "base"}
    for row in judged_pairs:
        assert (row["pairwise_winner"] == "twin") == row["pairwise_twin_first"]
    wins = sum(row["pairwise_winner"] == "twin" for row in judged_pairs)
    assert float(figures.group(6)) == pytest.approx(wins / len(judged_pairs), abs=1e-3)
    assert any(row["twin_answer"] != row["base_answer"] for row in rows)  # two different models answered

    # The judge's style reference: excerpts of the author's own writing (Lou's habits), in every score prompt.
    score_prompts = [prompt for prompt in judge.asked if "\nAnswer:\n" in prompt]
    assert score_prompts and all("Excerpt 1:\n" in prompt for prompt in score_prompts)
    excerpt = score_prompts[0].split("Excerpt 1:\n", 1)[1].split("\n", 1)[0]
    assert excerpt == excerpt.lower() and "..." in excerpt  # written by Lou, not by the other author
    # Author likeness of twin, base and reference answers, with the author's ceiling and other writing's floor.
    likeness = dict(pair.split("=") for pair in output.strip().splitlines()[-1].split() if "likeness" in pair)
    assert set(likeness) == {
        f"author_likeness_{name}" for name in ("twin", "base", "reference", "ceiling", "floor")
    }
    assert all(0.0 <= float(value) <= 1.0 for value in likeness.values())
    assert float(likeness["author_likeness_ceiling"]) > 0.5 > float(likeness["author_likeness_floor"])
    assert all(row["twin_likeness"] is not None and row["reference_likeness"] is not None for row in rows)
    assert f"Author likeness ({LOU})" in output

    assert f"Evaluating {model_name} version {number}: {model_dir}" in output
    version = zenml_client.get_model_version(model_name, number)
    assert len(zenml_client.list_model_versions(model=model_name)) == 1  # no version made by evaluation
    metadata = version.run_metadata
    assert metadata["judge_n"] == len(scored) and metadata["eval_judge_model"] == "loopback-judge"
    assert metadata["eval_model_dir"] == str(model_dir.resolve())
    assert metadata["author_likeness_twin"] == pytest.approx(
        float(likeness["author_likeness_twin"]), abs=1e-3
    )
    assert metadata["author_likeness_author"] == LOU
    # A first version goes to production only when it beats its base model; the summary says which it was.
    against_base = versus_base(metadata)
    assert rerun.strip().splitlines()[-1] == output.strip().splitlines()[-1]
    if against_base.promote:
        assert f"promoted to production (no production version yet, and it {against_base.reason})" in output
        assert zenml_client.get_model_version(model_name, "production").id == version.id
        assert "already the production version" in rerun  # and it stays in production
        assert f"Evaluating {model_name} version {number} (production): {model_dir}" in rerun  # the same one
    else:
        assert f"not promoted ({against_base.reason})" in output and "does not beat its base model" in output
        assert f"not promoted ({against_base.reason})" in rerun
        assert f"Evaluating {model_name} version {number}: {model_dir}" in rerun  # the same version again


@pytest.mark.slow
def test_without_a_judge_the_judge_free_metrics_compare_twin_and_base(
    tmp_path: Path, tiny_adapter_dir: Path, judge_settings, zenml_client, stores: Path
) -> None:
    model_dir = tmp_path / "adapter"
    shutil.copytree(tiny_adapter_dir, model_dir)
    model_name = f"twin_{uuid.uuid4().hex[:8]}"
    config = write_config(tmp_path, write_handbook_dataset(tmp_path / "instruct.json"), model_name)
    judge_settings(None)
    output = run_evaluate(config, "--model-dir", str(model_dir))  # a folder outside the registry

    line = output.strip().splitlines()[-1]
    assert line.startswith("judge_accuracy_mean=n/a judge_style_mean=n/a judge_n=0 ")
    figures = dict(pair.split("=") for pair in line.split())
    assert float(figures["eval_loss"]) > 0 and float(figures["base_eval_loss"]) > 0
    assert figures["eval_loss"] != figures["base_eval_loss"]
    assert -1 <= float(figures["similarity"]) <= 1 and -1 <= float(figures["base_similarity"]) <= 1
    version = zenml_client.list_model_versions(model=model_name)[0]  # a new version holds its scores
    metadata = zenml_client.get_model_version(model_name, version.id).run_metadata
    assert metadata["eval_model_dir"] == str(model_dir.resolve())
    assert metadata["judge_n"] == 0 and metadata["eval_judge_model"] == "none"
    assert metadata["eval_loss"] == pytest.approx(float(figures["eval_loss"]), abs=1e-3)
    assert "not promoted (no judge scores" in output
    # An empty warehouse: no author to measure likeness against, said so, and the run goes on.
    assert "Author likeness: not measured" in output and figures["author_likeness_twin"] == "n/a"


def test_a_missing_folder_or_version_is_refused_before_the_run(tmp_path: Path, zenml_client) -> None:
    from tools.run import app

    def evaluate(*args: str) -> str:
        result = CliRunner().invoke(app, ["evaluate", *args])
        assert result.exit_code == 1
        return result.output

    output = evaluate("--model-dir", str(tmp_path / "nowhere"))
    assert "is not a folder; give a training output, adapter or merged model folder" in output
    assert "not both" in evaluate("--model-dir", str(tmp_path), "--model-version", "1")
    model_name = f"twin_{uuid.uuid4().hex[:8]}"
    register_version(model_name, tmp_path / "trained_elsewhere")
    config = write_config(tmp_path, tmp_path / "unused.json", model_name)
    assert f"`{model_name}` has no version `production` (versions: 1)" in evaluate(
        "--config", str(config), "--model-version", "production"
    )
    output = evaluate("--config", str(config), "--model-version", "latest")
    assert f"{model_name} version 1 names adapter_dir=" in output and "no such folder" in output

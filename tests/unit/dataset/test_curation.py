"""Curation: each rule, duplicates (first kept), decontamination, the judge through a loopback LLM, and
precision/recall on a dirty set built from the shared instruction dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_engineering.application.dataset.curation import CurationConfig, CurationItem, curate
from llm_engineering.infrastructure.llm import LLMClient, LLMClientConfig
from tests.support.openai_server import OpenAICompatibleServer, Reply
from tests.support.paths import SHARED_DIR
from tools.bench_curation import build_dirty_set

ANSWER = "Retrieval augmented generation fetches the passages that matter and lets the model write from them."


def item(
    instruction: str = "Explain retrieval augmented generation.", answer: str | None = ANSWER, **kw
) -> CurationItem:
    return CurationItem(instruction=instruction, answer=answer, **kw)


def reasons(items: list[CurationItem], **kwargs) -> dict[int, str]:
    return {entry.index: entry.reason for entry in curate(items, **kwargs).removed}


def test_rule_filters_name_their_rule() -> None:
    items = [
        item(),
        item(answer="  "),
        item(answer="As an AI language model, I cannot browse the web for this answer today."),
        item(instruction="What does the extract say about retrieval?"),
        item(answer="Yes."),
        item(answer="Explain retrieval augmented generation!"),
        item(
            answer=None,
            chosen="The author's words here, plainly put.",
            rejected="The author's words here, plainly put!",
        ),
        item(
            answer=None,
            chosen="Words not in the source at all.",
            rejected="A teacher answer of some length.",
            extract="The source.",
        ),
        item(
            answer=None,
            chosen="retrieval fetches the passages that matter",
            rejected="A teacher answer of some length.",
            extract="So retrieval fetches the passages that matter, then...",
        ),
        item(instruction="Describe the role of memory in the context of agents."),
    ]
    found = reasons(items)
    assert {i: r.split(":")[0] for i, r in found.items()} == {
        1: "empty_field",
        2: "refusal",
        3: "mentions_source",
        4: "length",
        5: "restates_instruction",
        6: "chosen_equals_rejected",
        7: "chosen_not_in_extract",
    }


def test_duplicates_keep_the_first_and_decontamination_uses_the_eval_set() -> None:
    near = ANSWER.replace("fetches", "gets").replace("lets", "then lets")
    items = [
        item(),
        item(instruction="EXPLAIN retrieval-augmented generation", answer=ANSWER.upper()),
        item(answer=near),
        item(
            instruction="How does fine-tuning change a model's style?",
            answer="It trains the weights on the author's own texts, so the style follows.",
        ),
        item(
            instruction="Write about vector databases and their indexes.",
            answer="Vector databases store embeddings and search them by similarity with approximate indexes.",
        ),
    ]
    eval_items = [
        item(instruction="How does fine-tuning change a model's style?", answer="Differently worded.")
    ]
    found = reasons(items, eval_items=eval_items)
    assert found[1].startswith("exact_duplicate: of #0")
    assert found[2].startswith("near_duplicate: of #0")
    assert found[3].startswith("contamination")
    assert set(found) == {1, 2, 3}
    assert reasons(items, config=CurationConfig(near_dedup=False, decontaminate=False)).keys() == {1}


def test_the_judge_scores_and_low_scores_are_removed() -> None:
    def judge(body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        score = 1 if "vector" in prompt else 4
        return Reply(
            content=json.dumps(
                {"feedback": "Clear and relevant." if score == 4 else "Off topic.", "score": score}
            )
        )

    items = [
        item(),
        item(
            instruction="Write about vector databases.",
            answer="Bananas are yellow and grow in bunches on plants.",
        ),
    ]
    with OpenAICompatibleServer(judge) as server:
        client = LLMClient(LLMClientConfig(base_url=server.base_url, model="judge"))
        result = curate(items, CurationConfig(judge=True), judge_client=client)
    assert [entry.reason for entry in result.removed] == ["judge_low_score: 1 (Off topic.)"]
    assert result.counts()["judge_low_score"] == 1 and result.judge_usage["requests"] == 2
    assert (
        "1 (irrelevant" in server.requests[0]["messages"][0]["content"]
        or "1 -" in server.requests[0]["messages"][0]["content"]
    )
    with pytest.raises(ValueError, match="needs an LLM client"):
        curate(items, CurationConfig(judge=True))


def test_dirty_set_precision_and_recall() -> None:
    source = SHARED_DIR / "data" / "handbook" / "artifacts" / "instruct_datasets.json"
    if not source.is_file():
        pytest.skip(f"{source} is absent (a fresh clone has no ../shared; CI always has it)")
    items, eval_items, faults = build_dirty_set(source)
    removed = {entry.index for entry in curate(items, CurationConfig(), eval_items).removed}
    dirty = {n for n, fault in enumerate(faults) if fault}
    precision = len(removed & dirty) / len(removed)
    recall = len(removed & dirty) / len(dirty)
    assert precision >= 0.95 and recall >= 0.90, (precision, recall)


def test_jsonl_command_writes_kept_and_removed(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tools.run import app

    lines = [
        {"id": "a", "instruction": "Explain retrieval augmented generation.", "answer": ANSWER},
        {"id": "b", "instruction": "Explain retrieval augmented generation.", "answer": ANSWER},
        {
            "id": "c",
            "instruction": "What is it?",
            "answer": "I'm sorry, but I cannot help with that request today.",
        },
        {
            "id": "d",
            "instruction": "How does fine-tuning change a model's style?",
            "answer": "It trains the weights on the author's texts.",
        },
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    evaluation = tmp_path / "eval.jsonl"
    evaluation.write_text(json.dumps(lines[3]) + "\n")
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["curate-dataset", "--input", str(source), "--output-dir", str(out), "--eval", str(evaluation)]
    )
    assert result.exit_code == 0, result.output
    assert "4 samples: 1 kept, 3 removed" in result.output and "exact_duplicate" in result.output
    assert (out / "kept.jsonl").read_text().splitlines() == [json.dumps(lines[0])]
    removed = [json.loads(line) for line in (out / "removed.jsonl").read_text().splitlines()]
    assert [(r["id"], r["reason"].split(":")[0]) for r in removed] == [
        ("b", "exact_duplicate"),
        ("c", "refusal"),
        ("d", "contamination"),
    ]

    source.write_text(json.dumps(lines[0]) + "\n{not json\n")
    result = runner.invoke(app, ["curate-dataset", "--input", str(source), "--output-dir", str(out)])
    assert result.exit_code == 1 and "line 2" in result.output


def test_a_bad_curation_config_names_the_file_and_the_key(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tools.run import app

    config = tmp_path / "curation.yaml"
    config.write_text("parameters:\n  min_response_wrds: 3\n  judge_min_score: 9\n")
    result = CliRunner().invoke(
        app, ["curate-dataset", "--input", "x.jsonl", "--output-dir", str(tmp_path), "--config", str(config)]
    )
    assert result.exit_code == 1 and str(config) in result.output
    assert "min_response_wrds: unknown key" in result.output
    assert "judge_min_score: Input should be less than or equal to 4 (got 9)" in result.output

"""`author-likeness` end to end: two synthetic authors in a real embedded warehouse (temp dir), texts in
and scores out through the CLI, and its errors."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.likeness_authors import LOU, SAM, store_synthetic_authors


def invoke(*args: str):
    from tools.run import app

    return CliRunner().invoke(app, ["author-likeness", *args])


@pytest.fixture
def warehouse(stores: Path) -> dict:
    return store_synthetic_authors(hold_out=0.3)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_scores_each_text_and_prints_the_mean_last(warehouse: dict, tmp_path: Path) -> None:
    lou_text, sam_text = warehouse[LOU][0][1], warehouse[SAM][0][1]
    rows = [{"id": "lou-1", "text": lou_text}, {"id": 7, "text": sam_text}, {"id": "empty", "text": ""}]
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(row) for row in rows] + [""])
    result = invoke(
        "--author", LOU, "--input", str(source), "--output", str(tmp_path / "out" / "scores.jsonl")
    )
    assert result.exit_code == 0, result.output
    scored = [json.loads(line) for line in (tmp_path / "out" / "scores.jsonl").read_text().splitlines()]
    assert [row["id"] for row in scored] == ["lou-1", 7, "empty"]
    assert set(scored[0]) == {"id", "author_likeness"}
    lou, sam, empty = (row["author_likeness"] for row in scored)
    assert 0.5 < lou <= 1.0 and 0.0 <= sam < 0.5 and empty == 0.0
    last = result.output.strip().splitlines()[-1]
    assert last == f"author_likeness_mean={(lou + sam + empty) / 3:.4f} n=3"
    # The other author's scorer sees it the other way round.
    result = invoke("--author", SAM, "--input", str(source), "--output", str(tmp_path / "sam.jsonl"))
    sam_scores = [
        json.loads(line)["author_likeness"] for line in (tmp_path / "sam.jsonl").read_text().splitlines()
    ]
    assert sam_scores[1] > sam_scores[0]


def test_bad_input_is_refused_with_what_to_fix(warehouse: dict, tmp_path: Path) -> None:
    output = str(tmp_path / "out.jsonl")
    missing = invoke("--author", LOU, "--input", str(tmp_path / "nowhere.jsonl"), "--output", output)
    assert missing.exit_code == 1 and "nowhere.jsonl does not exist" in missing.output
    bad_json = write_lines(tmp_path / "bad.jsonl", ['{"id": 1, "text": "fine"}', "", '{"id": 2, "text": '])
    result = invoke("--author", LOU, "--input", str(bad_json), "--output", output)
    assert result.exit_code == 1 and "bad.jsonl line 3 is not valid JSON" in result.output
    no_text = write_lines(tmp_path / "no_text.jsonl", ['{"id": 1, "body": "x"}'])
    result = invoke("--author", LOU, "--input", str(no_text), "--output", output)
    assert (
        result.exit_code == 1
        and 'line 1 must be a JSON object with "id" and a string "text"' in result.output
    )
    good = write_lines(tmp_path / "good.jsonl", ['{"id": 1, "text": "some words"}'])
    unknown = invoke("--author", "Nobody Known", "--input", str(good), "--output", output)
    assert unknown.exit_code == 1
    assert "No articles or posts by 'Nobody Known'" in unknown.output
    assert f"'{LOU}'" in unknown.output and f"'{SAM}'" in unknown.output
    assert not Path(output).exists()  # nothing written on a refusal


def test_a_teacher_dataset_adds_its_train_answers_to_the_llm_writing(warehouse: dict, tmp_path: Path) -> None:
    answer = "In summary, this approach leverages robust techniques to streamline the workflow. " * 3
    samples = [{"id": f"t{i}", "instruction": f"Question {i}?", "answer": answer} for i in range(4)]
    split = {"articles": {"id": "articles", "category": "articles", "samples": samples}}
    dataset = tmp_path / "instruct.json"
    dataset.write_text(json.dumps({"id": "d", "train": split, "test": split}), encoding="utf-8")
    source = write_lines(tmp_path / "in.jsonl", [json.dumps({"id": 1, "text": warehouse[LOU][0][1]})])
    output = str(tmp_path / "out.jsonl")
    plain = invoke("--author", LOU, "--input", str(source), "--output", output)
    with_teacher = invoke(
        "--author", LOU, "--input", str(source), "--output", output, "--teacher-dataset", str(dataset)
    )
    assert plain.exit_code == 0 and with_teacher.exit_code == 0, with_teacher.output
    llm_passages = [int(result.output.split(", llm ")[1].split(",")[0]) for result in (plain, with_teacher)]
    assert llm_passages[1] == llm_passages[0] + 4
    missing = invoke(
        "--author", LOU, "--input", str(source), "--output", output, "--teacher-dataset", "./nope.json"
    )
    assert missing.exit_code == 1 and "--teacher-dataset" in missing.output and "nope.json" in missing.output

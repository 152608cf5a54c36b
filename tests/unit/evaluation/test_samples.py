import pytest

from llm_engineering.model.evaluation.samples import build_evaluation_set

ROWS = [
    {"id": "a", "instruction": "Explain LoRA.", "answer": "It trains small matrices."},
    {"id": "b", "instruction": "  ", "answer": "No instruction."},
    {"instruction": "What is RAG?", "answer": "Retrieval plus generation."},
    {"id": "d", "instruction": "Define DPO.", "answer": "Preference optimisation."},
]


def test_the_first_complete_rows_up_to_the_cap() -> None:
    test_set = build_evaluation_set(ROWS, "rows", max_samples=2)
    assert [sample.id for sample in test_set.samples] == ["a", "2"]  # the empty instruction is skipped
    assert test_set.samples[1].reference_answer == "Retrieval plus generation."


def test_the_hash_depends_on_the_samples_only() -> None:
    two = build_evaluation_set(ROWS, "rows", max_samples=2)
    assert build_evaluation_set(list(ROWS), "elsewhere", max_samples=2).test_set_hash == two.test_set_hash
    assert build_evaluation_set(ROWS, "rows", max_samples=3).test_set_hash != two.test_set_hash


def test_bad_input_says_what_to_fix() -> None:
    with pytest.raises(ValueError, match="max_samples must be at least 1"):
        build_evaluation_set(ROWS, "rows", max_samples=0)
    with pytest.raises(ValueError, match="no sample with both an instruction and an answer"):
        build_evaluation_set([{"instruction": "x"}], "rows", max_samples=3)

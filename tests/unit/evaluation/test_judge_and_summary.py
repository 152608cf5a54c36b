from llm_engineering.domain.likeness import AuthorLikenessReport
from llm_engineering.model.evaluation.judge import (
    AnswerScore,
    JudgeOutcome,
    pairwise_orders,
    preference_for_twin,
)
from llm_engineering.model.evaluation.results import (
    GeneratedAnswers,
    SimilarityScores,
    build_records,
    summarize,
)
from llm_engineering.model.evaluation.samples import build_evaluation_set


def test_pairwise_order_is_seeded_and_mixed() -> None:
    orders = pairwise_orders(200, seed=7)
    assert orders == pairwise_orders(200, seed=7)
    assert orders != pairwise_orders(200, seed=8)
    assert 70 < sum(orders) < 130  # the twin is shown first in about half the prompts


def test_the_verdict_is_mapped_back_through_the_order() -> None:
    assert preference_for_twin("A", twin_first=True) == "twin"
    assert preference_for_twin("A", twin_first=False) == "base"
    assert preference_for_twin("B", twin_first=True) == "base"
    assert preference_for_twin("B", twin_first=False) == "twin"
    assert preference_for_twin("tie", twin_first=False) == "tie"


TEST_SET = build_evaluation_set(
    [{"instruction": f"Question {i}?", "answer": f"Answer {i}."} for i in range(4)], "rows", max_samples=4
)
ANSWERS = GeneratedAnswers(
    model_dir="/m",
    model_kind="adapter",
    base_model="/b",
    twin_answers=["t0", "t1", "t2", "t3"],
    base_answers=["b0", "b1", "b2", "b3"],
    eval_loss=1.5,
    base_eval_loss=2.5,
)
SIMILARITY = SimilarityScores(embedding_model_id="e", twin=[0.5, 0.7, 0.9, 0.1], base=[0.2, 0.2, 0.2, 0.2])


def score(accuracy: int, style: int) -> AnswerScore:
    return AnswerScore(analysis="ok", accuracy=accuracy, style=style)


def test_means_are_over_the_scored_answers_and_failures_are_counted() -> None:
    judge = JudgeOutcome(
        judge_model="judge-a",
        twin_scores=[score(3, 2), score(2, 2), None, score(1, 3)],
        twin_errors=[None, None, "invalid answer", None],
        base_scores=[score(1, 1), score(2, 1), score(2, 2), None],
        base_errors=[None, None, None, "invalid answer"],
        twin_first=[True, False, True, False],
        pairwise=["twin", "tie", None, "base"],
        pairwise_analyses=["a", "b", None, "d"],
        pairwise_errors=[None, None, "unavailable", None],
    )
    likeness = AuthorLikenessReport(
        measured=True,
        author="Ada Writer",
        fingerprint="f1",
        twin=[0.5, 0.25, 0.75, 0.5],
        base=[0.0, 0.25, 0.25, 0.5],
        reference=[0.125, 0.125, 0.125, 0.125],
        ceiling=0.9,
        floor=0.1,
    )
    records = build_records(TEST_SET, ANSWERS, judge, SIMILARITY, likeness)
    summary = summarize(records, TEST_SET, ANSWERS, judge.judge_model, "e", likeness)
    assert (records[2].twin_likeness, records[2].base_likeness, records[2].reference_likeness) == (
        0.75,
        0.25,
        0.125,
    )
    assert (summary.judge_n, summary.judge_failed) == (3, 1)
    assert (summary.judge_accuracy_mean, summary.judge_style_mean) == (2.0, 2.3333)
    assert (summary.base_judge_n, summary.base_judge_accuracy_mean) == (3, 1.6667)
    assert (summary.pairwise_n, summary.twin_wins, summary.base_wins, summary.ties) == (3, 1, 1, 1)
    assert summary.win_rate == 0.5  # (1 win + half a tie) / 3
    assert records[2].twin_judge_error == "invalid answer" and records[2].twin_accuracy is None
    line = summary.cli_line()
    assert line == (
        "judge_accuracy_mean=2.000 judge_style_mean=2.333 judge_n=3 base_judge_accuracy_mean=1.667 "
        "base_judge_style_mean=1.333 win_rate=0.500 author_likeness_twin=0.500 author_likeness_base=0.250 "
        "author_likeness_reference=0.125 author_likeness_ceiling=0.900 author_likeness_floor=0.100"
    )
    metadata = summary.metadata()
    assert metadata["author_likeness_author"] == "Ada Writer" and metadata["author_likeness_twin"] == 0.5
    assert (
        metadata["eval_judge_model"] == "judge-a" and metadata["eval_test_set_hash"] == TEST_SET.test_set_hash
    )


def test_without_a_judge_the_line_has_the_judge_free_metrics() -> None:
    records = build_records(TEST_SET, ANSWERS, JudgeOutcome(), SIMILARITY)
    summary = summarize(records, TEST_SET, ANSWERS, None, "e")
    assert summary.judge_n == 0 and summary.win_rate is None
    assert summary.similarity_mean == 0.55 and summary.base_similarity_mean == 0.2
    assert summary.cli_line() == (
        "judge_accuracy_mean=n/a judge_style_mean=n/a judge_n=0 base_judge_accuracy_mean=n/a "
        "base_judge_style_mean=n/a win_rate=n/a eval_loss=1.500 base_eval_loss=2.500 similarity=0.550 "
        "base_similarity=0.200 author_likeness_twin=n/a author_likeness_base=n/a "
        "author_likeness_reference=n/a author_likeness_ceiling=n/a author_likeness_floor=n/a"
    )
    assert summary.metadata()["eval_judge_model"] == "none"

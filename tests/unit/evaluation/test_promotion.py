from llm_engineering.model.evaluation.promotion import decide_promotion


def metadata(
    accuracy: float | None, style: float | None, test_set: str = "h1", judge: str = "judge-a"
) -> dict:
    values = {"eval_test_set_hash": test_set, "eval_judge_model": judge, "judge_n": 5}
    values.update(judge_accuracy_mean=accuracy, judge_style_mean=style)
    if accuracy is None:  # what an evaluation without judge scores writes
        values.update(judge_n=0, judge_accuracy_mean="n/a", judge_style_mean="n/a")
    return values


def test_first_judged_version_is_promoted() -> None:
    decision = decide_promotion(metadata(2.0, 2.0), None)
    assert decision.promote and "no production version" in decision.reason


def test_better_means_on_the_same_test_set_and_judge_promote() -> None:
    assert decide_promotion(metadata(2.4, 2.0), metadata(2.2, 2.0), "3").promote
    assert decide_promotion(metadata(2.2, 2.5), metadata(2.2, 2.0), "3").promote


def test_equal_or_mixed_means_keep_production() -> None:
    tie = decide_promotion(metadata(2.2, 2.0), metadata(2.2, 2.0), "3")
    assert not tie.promote and "does not beat production version 3" in tie.reason
    assert not decide_promotion(metadata(2.9, 1.5), metadata(2.2, 2.0), "3").promote


def test_different_test_set_or_judge_is_not_comparable() -> None:
    other_set = decide_promotion(metadata(3.0, 3.0, test_set="h2"), metadata(1.0, 1.0), "3")
    assert not other_set.promote and "different test set" in other_set.reason
    other_judge = decide_promotion(metadata(3.0, 3.0, judge="judge-b"), metadata(1.0, 1.0), "3")
    assert not other_judge.promote and "different judge model" in other_judge.reason


def test_no_judge_scores_never_promote() -> None:
    decision = decide_promotion(metadata(None, None), None)
    assert not decision.promote and "no judge scores" in decision.reason
    unjudged_production = decide_promotion(metadata(2.0, 2.0), metadata(None, None), "3")
    assert not unjudged_production.promote and "has no judge scores" in unjudged_production.reason

from llm_engineering.model.evaluation.promotion import decide_promotion


def metadata(
    accuracy: float | None,
    style: float | None,
    test_set: str = "h1",
    judge: str = "judge-a",
    base: tuple[float, float] | None = (1.0, 1.0),
    likeness: tuple[float, float] | None = None,
    fingerprint: str = "f1",
) -> dict:
    """Evaluation metadata as the pipeline writes it: the twin's means, its base model's, and optionally the
    twin's and base's author likeness."""
    values = {"eval_test_set_hash": test_set, "eval_judge_model": judge, "judge_n": 5}
    values.update(judge_accuracy_mean=accuracy, judge_style_mean=style)
    if accuracy is None:  # what an evaluation without judge scores writes
        values.update(judge_n=0, judge_accuracy_mean="n/a", judge_style_mean="n/a")
    if base is None:
        values.update(base_judge_n=0, base_judge_accuracy_mean="n/a", base_judge_style_mean="n/a")
    else:
        values.update(base_judge_n=5, base_judge_accuracy_mean=base[0], base_judge_style_mean=base[1])
    if likeness is not None:
        values.update(
            author_likeness_twin=likeness[0],
            author_likeness_base=likeness[1],
            author_likeness_fingerprint=fingerprint,
        )
    return values


def test_first_version_that_beats_its_base_is_promoted() -> None:
    decision = decide_promotion(metadata(2.0, 2.0), None)
    assert decision.promote
    assert decision.reason == (
        "no production version yet, and it beats its base model: accuracy 2.000 vs 1.000, style 2.000 vs 1.000"
    )


def test_a_twin_no_better_than_its_base_stays_out_even_without_production() -> None:
    tie = decide_promotion(metadata(2.0, 2.0, base=(2.0, 2.0)), None)
    assert not tie.promote
    assert tie.reason == "does not beat its base model: accuracy 2.000 vs 2.000, style 2.000 vs 2.000"
    worse = decide_promotion(metadata(2.5, 2.0, base=(2.0, 2.0)), metadata(1.0, 1.0), "3")
    assert worse.promote  # control: better on one judge mean, equal on the other
    assert not decide_promotion(metadata(2.5, 1.5, base=(2.0, 2.0)), None).promote


def test_author_likeness_counts_as_a_criterion_against_the_base() -> None:
    # Equal judge means, but the twin writes more like its author: it beats its base.
    likelier = decide_promotion(metadata(2.0, 2.0, base=(2.0, 2.0), likeness=(0.62, 0.20)), None)
    assert likelier.promote and "likeness 0.620 vs 0.200" in likelier.reason
    # Better judge means, but less like its author than the base model: not promoted.
    unlike = decide_promotion(metadata(2.5, 2.5, base=(2.0, 2.0), likeness=(0.10, 0.30)), None)
    assert not unlike.promote and "does not beat its base model" in unlike.reason
    assert "likeness 0.100 vs 0.300" in unlike.reason
    # Differences below a thousandth are not progress.
    noise = decide_promotion(metadata(2.0, 2.0, base=(2.0, 2.0), likeness=(0.3001, 0.3)), None)
    assert not noise.promote


def test_without_base_scores_a_twin_is_not_promoted() -> None:
    decision = decide_promotion(metadata(3.0, 3.0, base=None), None)
    assert not decision.promote and "no judge scores for the base model" in decision.reason


def test_better_means_on_the_same_test_set_and_judge_promote() -> None:
    assert decide_promotion(metadata(2.4, 2.0), metadata(2.2, 2.0), "3").promote
    assert decide_promotion(metadata(2.2, 2.5), metadata(2.2, 2.0), "3").promote


def test_equal_or_mixed_means_keep_production() -> None:
    tie = decide_promotion(metadata(2.2, 2.0), metadata(2.2, 2.0), "3")
    assert not tie.promote and "does not beat production version 3" in tie.reason
    assert not decide_promotion(metadata(2.9, 1.5), metadata(2.2, 2.0), "3").promote


def test_likeness_compares_with_production_only_when_measured_the_same_way() -> None:
    candidate = metadata(2.2, 2.0, likeness=(0.5, 0.1))
    same_scorer = decide_promotion(candidate, metadata(2.2, 2.0, likeness=(0.4, 0.1)), "3")
    assert same_scorer.promote and "likeness 0.500 vs 0.400" in same_scorer.reason
    other_scorer = metadata(2.2, 2.0, likeness=(0.4, 0.1), fingerprint="f2")
    assert not decide_promotion(
        candidate, other_scorer, "3"
    ).promote  # judge means tie; likeness not compared


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

"""The promotion rule: a model version becomes `production` when it beats its own base model and then
the production version (when there is one), on the same test set with the same judge model.

"Beats" means: no criterion lower and at least one higher. The criteria are the judge's accuracy and
style means and, where both sides have it measured the same way, the author likeness of the answers
(a twin that writes no more like its author than its base model has not learned what it is for)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

LIKENESS_DECIMALS = 3  # differences below a thousandth are noise, not progress


class PromotionDecision(BaseModel):
    promote: bool
    reason: str
    model_version: str | None = None
    production_version: str | None = None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _judge_means(metadata: Mapping[str, Any], prefix: str = "") -> dict[str, float] | None:
    accuracy = _number(metadata.get(f"{prefix}judge_accuracy_mean"))
    style = _number(metadata.get(f"{prefix}judge_style_mean"))
    if accuracy is None or style is None or not metadata.get(f"{prefix}judge_n"):  # "n/a": no judge scores
        return None
    return {"accuracy": accuracy, "style": style}


def _beats(mine: dict[str, float], theirs: dict[str, float]) -> tuple[bool, str]:
    better = all(mine[key] >= theirs[key] for key in mine) and mine != theirs
    return better, ", ".join(f"{key} {mine[key]:.3f} vs {theirs[key]:.3f}" for key in mine)


def _with_likeness(
    mine: dict[str, float], theirs: dict[str, float], my_likeness: Any, their_likeness: Any
) -> tuple[dict[str, float], dict[str, float]]:
    mine_value, their_value = _number(my_likeness), _number(their_likeness)
    if mine_value is None or their_value is None:
        return mine, theirs
    return (
        {**mine, "likeness": round(mine_value, LIKENESS_DECIMALS)},
        {**theirs, "likeness": round(their_value, LIKENESS_DECIMALS)},
    )


def versus_base(candidate: Mapping[str, Any]) -> PromotionDecision:
    """Whether the twin beats its base model on the same prompts (`promote` False with the reason when not)."""
    twin, base = _judge_means(candidate), _judge_means(candidate, "base_")
    if twin is None:
        return PromotionDecision(promote=False, reason="no judge scores (no judge configured, or none valid)")
    if base is None:
        return PromotionDecision(
            promote=False,
            reason="no judge scores for the base model to compare with: a twin goes to production only when "
            "it beats its base model (for a merged model, set generate_answers' base_model)",
        )
    twin, base = _with_likeness(
        twin, base, candidate.get("author_likeness_twin"), candidate.get("author_likeness_base")
    )
    better, comparison = _beats(twin, base)
    return PromotionDecision(
        promote=better, reason=f"{'beats' if better else 'does not beat'} its base model: {comparison}"
    )


def decide_promotion(
    candidate: Mapping[str, Any], production: Mapping[str, Any] | None, production_version: str | None = None
) -> PromotionDecision:
    """`candidate` and `production` are model-version metadata as written by the evaluation."""
    against_base = versus_base(candidate)
    if not against_base.promote:
        return against_base
    means = _judge_means(candidate)
    assert means is not None  # versus_base refuses a candidate without judge scores
    if production is None:
        return PromotionDecision(
            promote=True, reason=f"no production version yet, and it {against_base.reason}"
        )
    production_means = _judge_means(production)
    if production_means is None:
        return PromotionDecision(
            promote=False,
            reason=f"production version {production_version} has no judge scores to compare with; "
            "evaluate it, or promote by hand",
            production_version=production_version,
        )
    for key, label in (("eval_test_set_hash", "test set"), ("eval_judge_model", "judge model")):
        if candidate.get(key) != production.get(key):
            return PromotionDecision(
                promote=False,
                reason=f"not comparable with production version {production_version}: different {label} "
                f"({candidate.get(key)} vs {production.get(key)}); evaluate both with the same settings",
                production_version=production_version,
            )
    if candidate.get("author_likeness_fingerprint") == production.get("author_likeness_fingerprint"):
        means, production_means = _with_likeness(
            means,
            production_means,
            candidate.get("author_likeness_twin"),
            production.get("author_likeness_twin"),
        )
    better, comparison = _beats(means, production_means)
    return PromotionDecision(
        promote=better,
        reason=("beats" if better else "does not beat")
        + f" production version {production_version}: {comparison}",
        production_version=production_version,
    )

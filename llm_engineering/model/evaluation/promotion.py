"""The promotion rule: a model version becomes `production` when its judge means beat the production
version's on the same test set with the same judge model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel


class PromotionDecision(BaseModel):
    promote: bool
    reason: str
    model_version: str | None = None
    production_version: str | None = None


def _means(metadata: Mapping[str, Any]) -> tuple[float, float] | None:
    accuracy, style = metadata.get("judge_accuracy_mean"), metadata.get("judge_style_mean")
    numbers = isinstance(accuracy, int | float) and isinstance(style, int | float)
    if not numbers or not metadata.get("judge_n"):  # "n/a" when the evaluation had no judge scores
        return None
    return float(accuracy), float(style)


def decide_promotion(
    candidate: Mapping[str, Any], production: Mapping[str, Any] | None, production_version: str | None = None
) -> PromotionDecision:
    """`candidate` and `production` are model-version metadata as written by the evaluation. Beating means
    no judge mean lower and at least one higher; ties keep the current production version."""
    means = _means(candidate)
    if means is None:
        return PromotionDecision(promote=False, reason="no judge scores (no judge configured, or none valid)")
    if production is None:
        return PromotionDecision(promote=True, reason="no production version yet")
    production_means = _means(production)
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
    (accuracy, style), (production_accuracy, production_style) = means, production_means
    better = accuracy >= production_accuracy and style >= production_style and means != production_means
    comparison = (
        f"accuracy {accuracy:.3f} vs {production_accuracy:.3f}, style {style:.3f} vs {production_style:.3f}"
    )
    return PromotionDecision(
        promote=better,
        reason=("beats" if better else "does not beat")
        + f" production version {production_version}: {comparison}",
        production_version=production_version,
    )

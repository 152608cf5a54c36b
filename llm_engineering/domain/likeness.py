"""What author likeness reports to the evaluation: per-answer likeness and the reference points that give
the means a scale (the author's own held-out writing, other writing)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AuthorLikenessReport(BaseModel):
    """Calibrated probabilities in [0, 1] that the author wrote each text, in the test set's order.

    `ceiling` is the mean over the author's own held-out passages (what the author scores), `floor` the
    mean over held-out other writing (other authors and the shipped reference texts). Not `measured` (and
    `reason` says why) when there is no author to measure against."""

    measured: bool = False
    reason: str | None = None
    author: str | None = None
    fingerprint: str | None = None  # the scorer's method and training passages
    twin: list[float] = Field(default_factory=list)
    base: list[float] | None = None
    reference: list[float] = Field(default_factory=list)
    ceiling: float | None = None
    floor: float | None = None
    ceiling_n: int = 0
    floor_n: int = 0


class StyleReferences(BaseModel):
    """Per test-set instruction, short excerpts of the author's own writing retrieved for it: the judge's
    style reference. Empty lists when there is no author to take excerpts from (`reason` says why)."""

    author: str | None = None
    reason: str | None = None
    excerpts: list[list[str]] = Field(default_factory=list)

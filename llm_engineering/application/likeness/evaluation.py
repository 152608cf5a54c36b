"""Author likeness for the evaluation: the twin's, its base model's and the reference answers' likeness,
with the author's own held-out writing as the ceiling and other held-out writing as the floor."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from llm_engineering.application.likeness.corpus import CorpusDocument
from llm_engineering.application.likeness.fitting import fit_author_scorer
from llm_engineering.domain.likeness import AuthorLikenessReport

# Share of each author's documents kept out of fitting for the ceiling and floor.
EVALUATION_HOLDOUT = 0.2


def measure_answers(
    author: str,
    documents: Sequence[CorpusDocument],
    twin_answers: Sequence[str],
    base_answers: Sequence[str] | None,
    reference_answers: Sequence[str],
    teacher_answers: Sequence[str] = (),
) -> AuthorLikenessReport:
    fitted = fit_author_scorer(author, documents, teacher_answers, holdout_fraction=EVALUATION_HOLDOUT)
    scorer, held_out = fitted.scorer, fitted.held_out
    assert held_out is not None  # a holdout fraction was given
    ceiling = scorer.passage_probabilities(held_out.author)
    floor = scorer.passage_probabilities(held_out.other)
    return AuthorLikenessReport(
        measured=True,
        author=author,
        fingerprint=scorer.fingerprint,
        twin=scorer.score(twin_answers),
        base=scorer.score(base_answers) if base_answers is not None else None,
        reference=scorer.score(reference_answers),
        ceiling=round(fmean(ceiling), 4) if ceiling else None,
        floor=round(fmean(floor), 4) if floor else None,
        ceiling_n=len(ceiling),
        floor_n=len(floor),
        reason=None if ceiling else "too few documents by the author to hold some out for the ceiling",
    )

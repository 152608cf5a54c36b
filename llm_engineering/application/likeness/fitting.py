"""Fitting an author's scorer on the store and the shipped texts, with an optional held-out part of every
author's documents kept out of fitting (the evaluation's ceiling and floor, the benchmark's test set)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from loguru import logger
from pydantic import BaseModel, ConfigDict

from llm_engineering.application.likeness.corpus import (
    REFERENCE_DIR,
    CorpusDocument,
    author_passages,
    is_held_out,
    llm_passages,
    reference_passages,
    require_author,
    shipped_llm_answers,
    shipped_texts,
)
from llm_engineering.application.likeness.passages import training_passages
from llm_engineering.application.likeness.scorer import AuthorLikenessScorer

MAX_TEACHER_ANSWERS = 600  # enough to learn the teacher's voice; more only slows fitting


class HeldOut(BaseModel):
    """Passages kept out of fitting: the author's own, other authors' and the shipped reference texts'."""

    author: list[str]
    other_authors: list[str]
    reference: list[str]

    @property
    def other(self) -> list[str]:
        return self.other_authors + self.reference


class FittedScorer(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    scorer: AuthorLikenessScorer
    held_out: HeldOut | None = None


def fit_author_scorer(
    author: str,
    documents: Sequence[CorpusDocument],
    teacher_answers: Sequence[str] = (),
    holdout_fraction: float = 0.0,
    include_other_authors: bool = True,
) -> FittedScorer:
    """The author's scorer, fitted against the other authors in `documents`, the shipped reference texts,
    the shipped LLM imitations and `teacher_answers` (LLM answers written from the author's texts, when a
    dataset is at hand). With `holdout_fraction`, that share of every author's and reference document is
    kept out (chosen by document id) and returned as passages; none of the author's when that would leave
    the author nothing to fit on (then there is no ceiling)."""
    require_author(author, documents)
    references = shipped_texts(REFERENCE_DIR)
    held = [d for d in (*documents, *references) if holdout_fraction and is_held_out(d.id, holdout_fraction)]
    if all(d in held for d in documents if d.author == author):  # too few documents: fit on all of them
        held = [d for d in held if d.author != author]
    held_ids = {document.id for document in held}
    kept = [d for d in documents if d.id not in held_ids]
    if not include_other_authors:
        kept = [document for document in kept if document.author == author]
    passages = author_passages(author, kept)
    passages += reference_passages(d for d in references if d.id not in held_ids)
    passages += llm_passages(shipped_llm_answers(), "shipped")
    passages += llm_passages(teacher_answers[:MAX_TEACHER_ANSWERS], "teacher")
    scorer = AuthorLikenessScorer.fit(author, passages)
    logger.info(f"Author likeness scorer for {author}: fitted on {scorer.passages_per_kind} passages.")
    if not holdout_fraction:
        return FittedScorer(scorer=scorer)
    reference_ids = {document.id for document in references}

    def held_passages(keep: Callable[[CorpusDocument], bool]) -> list[str]:
        return [passage for d in held if keep(d) for passage in training_passages(d.text)]

    held_out = HeldOut(
        author=held_passages(lambda d: d.author == author and d.id not in reference_ids),
        other_authors=held_passages(lambda d: d.author != author and d.id not in reference_ids),
        reference=held_passages(lambda d: d.id in reference_ids),
    )
    return FittedScorer(scorer=scorer, held_out=held_out)

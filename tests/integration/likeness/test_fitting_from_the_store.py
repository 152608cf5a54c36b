"""Fitting an author's scorer on the warehouse (a real embedded store in a temp dir) with held-out parts."""

from pathlib import Path
from statistics import fmean

import pytest

from llm_engineering.application.likeness.corpus import resolve_author, store_documents
from llm_engineering.application.likeness.fitting import fit_author_scorer
from llm_engineering.domain.exceptions import UnknownAuthor
from tests.support.likeness_authors import LOU, SAM, store_synthetic_authors


def test_held_out_parts_give_a_ceiling_above_the_floor(stores: Path) -> None:
    store_synthetic_authors()
    documents = store_documents()
    assert {document.author for document in documents} == {LOU, SAM}
    fitted = fit_author_scorer(LOU, documents, holdout_fraction=0.3)
    held = fitted.held_out
    assert held is not None and held.author and held.other_authors and held.reference
    assert fitted.scorer.passages_per_kind.keys() == {"author", "other_author", "reference", "llm"}
    ceiling = fmean(fitted.scorer.passage_probabilities(held.author))
    assert ceiling > 0.5 > fmean(fitted.scorer.passage_probabilities(held.other))
    # Holding out every document would leave the author nothing to fit on: all of theirs are kept instead.
    everything = fit_author_scorer(LOU, documents, holdout_fraction=1.0)
    assert everything.held_out is not None and everything.held_out.author == []
    assert everything.held_out.other_authors and everything.scorer.passages_per_kind["author"] > 0


def test_the_author_is_named_or_the_only_one(stores: Path) -> None:
    with pytest.raises(UnknownAuthor, match="holds 0 authors"):
        resolve_author(None, store_documents())
    store_synthetic_authors()
    documents = store_documents()
    with pytest.raises(
        UnknownAuthor, match=f"holds 2 authors \\('{LOU}', '{SAM}'\\); set `author_full_name`"
    ):
        resolve_author(None, documents)
    assert resolve_author(SAM, documents) == SAM
    assert resolve_author(None, [d for d in documents if d.author == SAM]) == SAM

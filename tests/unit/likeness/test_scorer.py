"""The stylometric scorer on two synthetic authors made from the shipped texts (no store needed)."""

import pytest
from sklearn.metrics import roc_auc_score

from llm_engineering.application.likeness.passages import training_passages
from llm_engineering.application.likeness.scorer import AuthorLikenessScorer, TrainingPassage
from tests.support.likeness_authors import LOU, SAM, source_texts, split_held_out, synthetic_documents


def passages(documents: list[tuple[str, str]], kind: str) -> list[TrainingPassage]:
    return [
        TrainingPassage(text=text, kind=kind, group=document_id)
        for document_id, body in documents
        for text in training_passages(body)
    ]


@pytest.fixture(scope="module")
def fitted() -> tuple[AuthorLikenessScorer, list[TrainingPassage], dict]:
    documents = synthetic_documents()
    (lou_kept, lou_held), (sam_kept, sam_held) = (
        split_held_out(documents[LOU]),
        split_held_out(documents[SAM]),
    )
    training = passages(lou_kept, "author") + passages(sam_kept, "other_author")
    held = {"lou": [text for _, text in lou_held], "sam": [text for _, text in sam_held]}
    return AuthorLikenessScorer.fit(LOU, training), training, held


def test_held_out_writing_of_two_synthetic_authors_is_told_apart(fitted) -> None:
    scorer, _, held = fitted
    assert len(held["lou"]) >= 3 and len(held["sam"]) >= 3
    own, other = scorer.score(held["lou"]), scorer.score(held["sam"])
    auc = roc_auc_score([1] * len(own) + [0] * len(other), own + other)
    assert auc >= 0.9, (own, other)
    assert sum(own) / len(own) > 0.5 > sum(other) / len(other)


def test_scores_are_probabilities_and_empty_text_scores_zero(fitted) -> None:
    scorer, training, held = fitted
    texts = held["lou"] + held["sam"] + [text for _, text in source_texts()[:10]]
    scores = scorer.score([*texts, "", "   "])
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores[-2:] == [0.0, 0.0]
    # Calibrated, not a hard decision: the unstyled source texts get neither 0 nor 1 everywhere.
    assert len({round(score, 2) for score in scores[:-2]}) > 5


def test_the_habits_not_the_words_make_the_score(fitted) -> None:
    """The same held-out texts without Lou's habits (the shipped originals) read less like Lou."""
    scorer, _, held = fitted
    originals = dict(source_texts())
    lou_ids = [document_id for document_id, _ in split_held_out(synthetic_documents()[LOU])[1]]
    styled = scorer.score(held["lou"])
    plain = scorer.score([originals[document_id.removeprefix("lou-")] for document_id in lou_ids])
    assert all(s > p for s, p in zip(styled, plain, strict=True)), (styled, plain)


def test_fitting_is_deterministic(fitted) -> None:
    scorer, training, held = fitted
    again = AuthorLikenessScorer.fit(LOU, list(reversed(training)))
    assert again.fingerprint == scorer.fingerprint
    assert again.score(held["sam"]) == pytest.approx(scorer.score(held["sam"]), abs=1e-3)


def test_fitting_needs_the_author_and_other_writing(fitted) -> None:
    _, training, _ = fitted
    with pytest.raises(ValueError, match="No passage of Sam Semicolon's writing"):
        AuthorLikenessScorer.fit(SAM, [p for p in training if p.kind == "other_author"])
    with pytest.raises(ValueError, match="No other writing"):
        AuthorLikenessScorer.fit(LOU, [p for p in training if p.kind == "author"])

"""The author-likeness scorer: a linear support vector machine on stylometric features of passages, calibrated with
Platt scaling on document-grouped cross-validated scores, so its output is a probability that the author
wrote a passage (author and other writing weighted equally)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from llm_engineering.application.likeness.features import build_features
from llm_engineering.application.likeness.passages import scoring_passages

METHOD = "function-words+char-1-4-tfidf/linear-svm/platt-groupkfold/v1"
CALIBRATION_FOLDS = 5
REGULARISATION_C = 0.5


class TrainingPassage(BaseModel):
    """A passage and where it comes from: `kind` is "author" for the author's writing, else the kind of
    other writing ("other_author", "reference", "llm"); `group` is its document (passages of one document
    never sit on both sides of a calibration fold)."""

    text: str
    kind: str
    group: str


class AuthorLikenessScorer(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    author: str
    features: FeatureUnion
    classifier: CalibratedClassifierCV
    fingerprint: str  # the method and the training passages: two scores compare when it is the same
    passages_per_kind: dict[str, int]

    @classmethod
    def fit(cls, author: str, passages: Sequence[TrainingPassage]) -> AuthorLikenessScorer:
        counts = Counter(passage.kind for passage in passages)
        if not counts.get("author"):
            raise ValueError(f"No passage of {author}'s writing to fit the likeness scorer on.")
        if len(counts) < 2:
            raise ValueError("No other writing to tell the author apart from.")
        groups = [passage.group for passage in passages]
        if len(set(groups)) < CALIBRATION_FOLDS:
            raise ValueError(
                f"At least {CALIBRATION_FOLDS} documents are needed to calibrate the scorer "
                f"(got {len(set(groups))})."
            )
        features = build_features()
        matrix = features.fit_transform([passage.text for passage in passages])
        labels = np.array([passage.kind == "author" for passage in passages], dtype=int)
        classifier = CalibratedClassifierCV(
            LinearSVC(C=REGULARISATION_C),
            method="sigmoid",
            cv=list(GroupKFold(n_splits=CALIBRATION_FOLDS).split(matrix, labels, groups)),
            ensemble=False,
        )
        classifier.fit(matrix, labels, sample_weight=balanced_weights(passages))
        return cls(
            author=author,
            features=features,
            classifier=classifier,
            fingerprint=training_fingerprint(passages),
            passages_per_kind=dict(sorted(counts.items())),
        )

    def passage_probabilities(self, passages: Sequence[str]) -> list[float]:
        if not passages:
            return []
        probabilities = self.classifier.predict_proba(self.features.transform(list(passages)))[:, 1]
        return [float(value) for value in probabilities]

    def score(self, texts: Sequence[str]) -> list[float]:
        """Per text, the mean probability of its passages; 0.0 for an empty text (nothing in it is the
        author's)."""
        per_text = [scoring_passages(text) for text in texts]
        flat = self.passage_probabilities([passage for passages in per_text for passage in passages])
        scores, start = [], 0
        for passages in per_text:
            chunk = flat[start : start + len(passages)]
            start += len(passages)
            scores.append(round(float(np.mean(chunk)), 4) if chunk else 0.0)
        return scores


def balanced_weights(passages: Sequence[TrainingPassage]) -> np.ndarray:
    """The author's passages weigh as much as all other writing together, and each kind of other writing
    as much as any other kind: many LLM answers do not drown a few reference texts."""
    counts = Counter(passage.kind for passage in passages)
    other_kinds = len(counts) - 1
    weights = [
        1.0 / counts["author"] if passage.kind == "author" else 1.0 / (other_kinds * counts[passage.kind])
        for passage in passages
    ]
    return np.array(weights) * len(passages) / 2.0  # mean weight 1, as unweighted fitting would have


def training_fingerprint(passages: Sequence[TrainingPassage]) -> str:
    digest = hashlib.sha256(METHOD.encode("utf-8"))
    for passage in sorted(passages, key=lambda p: (p.kind, p.group, p.text)):
        digest.update(f"{passage.kind}\x00{passage.group}\x00{passage.text}\x01".encode())
    return digest.hexdigest()[:16]

"""Extracts at paragraph/sentence boundaries and the train/test split by source document."""

from __future__ import annotations

import pytest

from llm_engineering.application.dataset.extracts import make_extracts, split_text
from llm_engineering.application.dataset.prompting import build_prompt
from llm_engineering.application.dataset.sources import SourceDocument
from llm_engineering.application.dataset.splitting import split_by_document
from llm_engineering.domain.dataset import DatasetType, InstructDatasetSample


def sentences(count: int, words: int = 12) -> list[str]:
    return [" ".join([f"Word{n}x{i}" for i in range(words)]) + "." for n in range(count)]


def test_extracts_end_at_sentence_boundaries_within_bounds() -> None:
    text = " ".join(sentences(60))  # one long paragraph of ~7,500 characters
    pieces = split_text(text, 1000, 2000)
    assert len(pieces) == 4
    assert all(1000 <= len(piece) <= 2000 and piece.endswith(".") for piece in pieces)
    assert " ".join(pieces) == text  # nothing lost or reordered


def test_paragraphs_are_kept_whole_and_short_texts_are_one_extract() -> None:
    paragraphs = ["\n".join(sentences(3)) for _ in range(6)]
    pieces = split_text("\n\n".join(paragraphs), 300, 1100)
    assert all(piece.count("\n\n") >= 1 or len(piece) <= 1100 for piece in pieces)
    assert all(not piece.startswith(" ") for piece in pieces)
    assert split_text("Only one short sentence here.", 1000, 2000) == ["Only one short sentence here."]
    with pytest.raises(ValueError, match="min_chars"):
        split_text("x", 3000, 2000)


def test_extracts_keep_their_source_and_prompts_hold_them() -> None:
    documents = [
        SourceDocument(
            id="d1", content=" ".join(sentences(30)), author_full_name="Ada", category="posts", link="l1"
        ),
        SourceDocument(id="d2", content="Too short.", author_full_name="Ada", category="posts"),
    ]
    extracts, too_short = make_extracts(documents, 500, 1000)
    assert too_short == 1 and len(extracts) >= 3
    assert {(e.document_id, e.author_full_name, e.category, e.link) for e in extracts} == {
        ("d1", "Ada", "posts", "l1")
    }
    assert [e.index for e in extracts] == list(range(len(extracts)))
    prompt = build_prompt(extracts[0], DatasetType.PREFERENCE)
    assert extracts[0].text in prompt.messages[1].content and "verbatim" in prompt.messages[1].content
    assert "$" not in prompt.messages[1].content


def test_split_by_document_never_shares_a_document() -> None:
    samples = [
        InstructDatasetSample(id=f"{d}-{n}", instruction="i", answer="a", document_id=f"doc{d}")
        for d in range(20)
        for n in range(d % 4 + 1)
    ]
    train, test = split_by_document(samples, 0.1, seed=3)
    assert len(train) + len(test) == len(samples)
    assert not {s.document_id for s in train} & {s.document_id for s in test}
    assert len({s.document_id for s in test}) == 2
    assert split_by_document(samples, 0.1, seed=3) == (train, test)  # seeded
    two = [s for s in samples if s.document_id in {"doc0", "doc1"}]
    assert len({s.document_id for s in split_by_document(two, 0.01, seed=42)[1]}) == 1  # at least one in test
    assert split_by_document(two[:1], 0.5, seed=42)[1] == []  # one document: all in train

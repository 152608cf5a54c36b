"""The writing the scorer is fitted on: every author's articles and posts in the data warehouse, cleaned
by the feature pipeline's own cleaning table (`CLEANING`), and the texts the project ships (other people's writing
in `reference/`, LLM-written answers in `imitations/`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel

from llm_engineering.application.likeness.passages import training_passages, windows
from llm_engineering.application.likeness.scorer import TrainingPassage
from llm_engineering.application.preprocessing.cleaning_data_handlers import CLEANING
from llm_engineering.application.preprocessing.hygiene import TextHygiene
from llm_engineering.domain.documents import Document
from llm_engineering.domain.exceptions import UnknownAuthor
from llm_engineering.domain.types import DataCategory

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"  # other people's writing (public domain or written for us)
IMITATIONS_DIR = PACKAGE_DIR / "imitations"  # answers in a typical LLM assistant's voice
MIN_LLM_ANSWER_WORDS = 15

# Repositories are left out: code says little about how a person writes prose.
_PROSE_CATEGORIES = (DataCategory.ARTICLES, DataCategory.POSTS)


class CorpusDocument(BaseModel):
    id: str
    author: str
    text: str


def store_documents() -> list[CorpusDocument]:
    """Every author's cleaned articles and posts in the data warehouse, in a stable order, with the same
    hygiene as the feature pipeline (chrome out, personal data masked): the texts the twin learns from."""
    documents = []
    hygiene = TextHygiene()
    for category in _PROSE_CATEGORIES:
        for document in Document.bulk_find(category=category):
            documents.append(
                CorpusDocument(
                    id=str(document.id),
                    author=document.author_full_name,
                    text=hygiene.prose(CLEANING[category].text(document)),
                )
            )
    return sorted(documents, key=lambda document: (document.author, document.id))


def known_authors(documents: Iterable[CorpusDocument]) -> list[str]:
    return sorted({document.author for document in documents})


def require_author(author: str, documents: Sequence[CorpusDocument]) -> None:
    if not any(document.author == author for document in documents):
        known = ", ".join(f"'{name}'" for name in known_authors(documents)) or "none"
        raise UnknownAuthor(
            f"No articles or posts by '{author}' in the data warehouse (authors there: {known}). Give one "
            "of those names (as written), or crawl the author's links first (`poetry poe run-etl`)."
        )


def shipped_texts(directory: Path) -> list[CorpusDocument]:
    """The `*.txt` files of a shipped folder, one document each."""
    return [
        CorpusDocument(id=path.name, author=directory.name, text=path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.txt"))
    ]


def is_held_out(document_id: str, fraction: float) -> bool:
    """A fixed pseudo-random choice per document id: the same documents are held out on every run."""
    bucket = int(hashlib.sha256(document_id.encode("utf-8")).hexdigest()[:8], 16) % 1000
    return bucket < fraction * 1000


def author_passages(author: str, documents: Iterable[CorpusDocument]) -> list[TrainingPassage]:
    """The author's passages ("author") and other authors' ("other_author")."""
    passages = []
    for document in documents:
        kind = "author" if document.author == author else "other_author"
        passages += [
            TrainingPassage(text=text, kind=kind, group=document.id)
            for text in training_passages(document.text)
        ]
    return passages


def reference_passages(documents: Iterable[CorpusDocument]) -> list[TrainingPassage]:
    return [
        TrainingPassage(text=text, kind="reference", group=f"reference/{document.id}")
        for document in documents
        for text in training_passages(document.text)
    ]


def llm_passages(answers: Iterable[str], source: str) -> list[TrainingPassage]:
    """LLM-written answers: short, so each is kept whole when long enough to carry a style."""
    passages = []
    for index, answer in enumerate(answers):
        words = answer.split()
        if len(words) >= MIN_LLM_ANSWER_WORDS:
            passages += [
                TrainingPassage(text=text, kind="llm", group=f"{source}/{index}") for text in windows(words)
            ]
    return passages


def shipped_llm_answers() -> list[str]:
    """The shipped imitations: one answer per paragraph block of each file (separated by a line `---`)."""
    answers = []
    for document in shipped_texts(IMITATIONS_DIR):
        answers += [block.strip() for block in document.text.split("\n---\n") if block.strip()]
    return answers


def resolve_author(author: str | None, documents: Sequence[CorpusDocument]) -> str:
    """The named author (who must have writing in the store), or with no name the store's only author."""
    if author:
        require_author(author, documents)
        return author
    authors = known_authors(documents)
    if len(authors) != 1:
        found = ", ".join(f"'{name}'" for name in authors) or "none"
        raise UnknownAuthor(
            f"No author named and the data warehouse holds {len(authors)} authors ({found}); set "
            "`author_full_name` in the evaluating config to the twin's author."
        )
    return authors[0]


def author_to_measure(author: str | None, documents: Sequence[CorpusDocument]) -> tuple[str | None, str]:
    """`resolve_author` for measurements that are optional: a named author must exist (an error otherwise),
    while no name and no single author in the store gives (None, the reason) instead of an error."""
    try:
        return resolve_author(author, documents), ""
    except UnknownAuthor as error:
        if author:
            raise
        return None, str(error)

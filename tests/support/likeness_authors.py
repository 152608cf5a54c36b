"""Two synthetic authors for the author-likeness tests, built from the texts the project ships: the same
pool of texts (human reference writing and LLM-voice answers) is shared out between them, and each author
rewrites their share with habits of their own, so what tells them apart is style, not subject."""

from __future__ import annotations

import re

from llm_engineering.application.likeness.corpus import (
    IMITATIONS_DIR,
    REFERENCE_DIR,
    is_held_out,
    shipped_llm_answers,
    shipped_texts,
)
from llm_engineering.domain.documents import ArticleDocument, UserDocument

LOU = "Lou Lowercase"  # all lowercase, "&" for "and", sentences trail off with "..."
SAM = "Sam Semicolon"  # sentences joined by semicolons, asides in dashes, paragraphs opened with "Well,"


def lou_style(text: str) -> str:
    text = re.sub(r"\band\b", "&", text.lower())
    return re.sub(r"\.(\s|$)", r"...\1", text)


def sam_style(text: str) -> str:
    paragraphs = []
    for paragraph in text.split("\n\n"):
        paragraph = re.sub(r"\.\s+(?=\S)", "; ", paragraph.strip()).replace(", ", " - ")
        paragraphs.append(f"Well, {paragraph[:1].lower()}{paragraph[1:]}")
    return "\n\n".join(paragraphs)


def source_texts() -> list[tuple[str, str]]:
    """(id, text) of every shipped reference text and of the LLM-voice answers taken three at a time."""
    texts = [(document.id, document.text) for document in shipped_texts(REFERENCE_DIR)]
    answers = shipped_llm_answers()
    texts += [
        (f"{IMITATIONS_DIR.name}-{start}", "\n\n".join(answers[start : start + 3]))
        for start in range(0, len(answers), 3)
    ]
    return texts


def synthetic_documents() -> dict[str, list[tuple[str, str]]]:
    """Per author, (id, text) of their documents: alternate source texts go to Lou and to Sam."""
    authors: dict[str, list[tuple[str, str]]] = {LOU: [], SAM: []}
    for position, (source_id, text) in enumerate(source_texts()):
        if position % 2 == 0:
            authors[LOU].append((f"lou-{source_id}", lou_style(text)))
        else:
            authors[SAM].append((f"sam-{source_id}", sam_style(text)))
    return authors


def split_held_out(documents: list[tuple[str, str]], fraction: float = 0.3) -> tuple[list, list]:
    """(kept, held out) by the scorer's own fixed choice per document id."""
    held = [document for document in documents if is_held_out(document[0], fraction)]
    return [document for document in documents if document not in held], held


def store_synthetic_authors(hold_out: float = 0.0) -> dict[str, list[tuple[str, str]]]:
    """Write both authors' documents (less the held-out ones) into the warehouse as articles; returns the
    held-out documents per author."""
    held_out = {}
    for full_name, documents in synthetic_documents().items():
        kept, held_out[full_name] = split_held_out(documents, hold_out) if hold_out else (documents, [])
        first, last = UserDocument.split_full_name(full_name)
        user = UserDocument.get_or_create(first_name=first, last_name=last)
        for document_id, text in kept:
            ArticleDocument(
                content={"Title": None, "Content": text},
                platform="example",
                link=f"https://example.org/{document_id}",
                author_id=user.id,
                author_full_name=user.full_name,
            ).save()
    return held_out

"""Extracts: a document's cleaned text cut at paragraph or sentence boundaries into pieces sized for the
teacher (1,000-2,000 characters by default), each keeping its document's id, author, category and link."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from llm_engineering.application.dataset.sources import SourceDocument

_PARAGRAPHS = re.compile(r"\n\s*\n|\n(?=\s*[-*#>]|\s*\d+[.)]\s)")
_SENTENCES = re.compile(r"(?<=[.!?…])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


class Extract(BaseModel):
    text: str
    document_id: str
    author_full_name: str
    category: str
    link: str | None = None
    index: int  # position in its document


def _units(text: str, max_chars: int) -> list[tuple[str, bool]]:
    """(piece, starts a paragraph): paragraphs, a paragraph longer than max_chars cut into sentences and a
    sentence longer than that at spaces."""
    units: list[tuple[str, bool]] = []
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        if len(paragraph) <= max_chars:
            units.append((paragraph, True))
            continue
        first = True
        for sentence in _SENTENCES.split(paragraph):
            while len(sentence) > max_chars:
                cut = sentence.rfind(" ", 0, max_chars)
                cut = cut if cut > 0 else max_chars
                units.append((sentence[:cut].strip(), first))
                sentence, first = sentence[cut:].strip(), False
            if sentence:
                units.append((sentence, first))
                first = False
    return units


def _join(units: list[tuple[str, bool]]) -> str:
    text = units[0][0]
    for unit, new_paragraph in units[1:]:
        text += ("\n\n" if new_paragraph else " ") + unit
    return text


def split_text(text: str, min_chars: int = 1000, max_chars: int = 2000) -> list[str]:
    """Pieces of at most max_chars that aim at an even size, so that no short tail is left over: a text
    of 2,100 characters gives two of about 1,050, not 2,000 and 100. A text shorter than min_chars is one
    piece."""
    if not 0 < min_chars <= max_chars:
        raise ValueError(f"Extract sizes need 0 < min_chars ({min_chars}) <= max_chars ({max_chars}).")
    units = _units(text, max_chars - 2)
    if not units:
        return []
    total = sum(len(unit) + 2 for unit, _ in units)
    target = max(min_chars, total / math.ceil(total / max_chars))
    pieces: list[str] = []
    current: list[tuple[str, bool]] = []
    size = 0
    for unit in units:
        if current and (size + len(unit[0]) + 2 > max_chars or size >= target):
            pieces.append(_join(current))
            current, size = [], 0
        current.append(unit)
        size += len(unit[0]) + 2
    if current:
        pieces.append(_join(current))
    return pieces


class ExtractSettings(BaseModel):
    """How the cleaned documents are cut into the extracts the teacher is shown (one prompt each)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_chars: int = Field(1000, ge=1, description="An extract's shortest length, in characters.")
    max_chars: int = Field(2000, ge=1, description="An extract's longest length, in characters.")
    min_document_chars: int = Field(200, ge=0, description="Shorter documents make no extract.")

    @model_validator(mode="after")
    def _ordered(self) -> ExtractSettings:
        if self.min_chars > self.max_chars:
            raise ValueError(f"min_chars ({self.min_chars}) must not exceed max_chars ({self.max_chars}).")
        return self


DEFAULT_EXTRACTS = ExtractSettings()


def make_extracts(
    documents: Sequence[SourceDocument],
    min_chars: int = DEFAULT_EXTRACTS.min_chars,
    max_chars: int = DEFAULT_EXTRACTS.max_chars,
    min_document_chars: int = DEFAULT_EXTRACTS.min_document_chars,
) -> tuple[list[Extract], int]:
    """The extracts of every document, and how many documents were too short (under min_document_chars)."""
    extracts: list[Extract] = []
    too_short = 0
    for document in documents:
        if len(document.content.strip()) < min_document_chars:
            too_short += 1
            continue
        for index, text in enumerate(split_text(document.content, min_chars, max_chars)):
            extracts.append(
                Extract(
                    text=text,
                    document_id=document.id,
                    author_full_name=document.author_full_name,
                    category=document.category,
                    link=document.link,
                    index=index,
                )
            )
    return extracts, too_short

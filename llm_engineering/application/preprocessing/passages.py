"""Passages: a chunk's text in consecutive groups of a few sentences, each embedded on its own.

A chunk's one dense vector averages everything it says, so a question about one sentence of it matches
weakly. Stored next to the chunk's own vector as a multivector compared by MaxSim, the passages let the
chunk score as its best-matching part; BM25 and the results still work on whole chunks.
"""

from __future__ import annotations

import re

# A sentence ends at . ! or ? followed by white space, or at a line break (list items, headings, code).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences_of(text: str) -> list[str]:
    return [sentence for part in _SENTENCE_BREAK.split(text) if (sentence := part.strip())]


def passage_texts(text: str, sentences: int) -> list[str]:
    """`text` as consecutive groups of `sentences` sentences; none when `sentences` is 0 or the text holds
    no more than one group (the chunk's own vector already reads it whole)."""
    if sentences <= 0:
        return []
    found = sentences_of(text)
    if len(found) <= sentences:
        return []
    return [" ".join(found[start : start + sentences]) for start in range(0, len(found), sentences)]

"""Texts cut into passages of about the length a twin answers with, so the scorer is fitted on what it
scores: a few paragraphs, not whole articles."""

from __future__ import annotations

import re

PASSAGE_WORDS = 100  # words per passage
MIN_PASSAGE_WORDS = 40  # a shorter tail is dropped (too little text for a stable style profile)
MIN_PROSE_WORDS = 8  # shorter blocks are headings, menu items, captions
MIN_LETTER_SHARE = 0.72  # below this a block is code, a table or a list of links

_BLOCKS = re.compile(r"\n\s*\n")
_CODE_MARKERS = re.compile(
    r"(^\s*(```|>>>|\$ |import |from \S+ import|def |class |pip install))|[{};=]\s*$", re.M
)


def is_prose(block: str) -> bool:
    """Whether a paragraph is running text by the author rather than code, navigation or a table."""
    words = block.split()
    if len(words) < MIN_PROSE_WORDS or _CODE_MARKERS.search(block):
        return False
    visible = [char for char in block if not char.isspace()]
    letters = sum(char.isalpha() for char in visible)
    return letters / max(len(visible), 1) >= MIN_LETTER_SHARE


def prose_words(text: str) -> list[str]:
    """The words of the text's prose paragraphs, in order."""
    return [word for block in _BLOCKS.split(text) if is_prose(block) for word in block.split()]


def windows(words: list[str], size: int = PASSAGE_WORDS, minimum: int = MIN_PASSAGE_WORDS) -> list[str]:
    passages = [" ".join(words[start : start + size]) for start in range(0, len(words), size)]
    if len(passages) > 1 and len(passages[-1].split()) < minimum:
        passages.pop()  # a short tail is noise; a short text on its own is kept whole
    return passages


def training_passages(document: str, size: int = PASSAGE_WORDS) -> list[str]:
    """Passages of a document's prose (code, menus and tables left out); none for a document without
    `MIN_PASSAGE_WORDS` of prose."""
    words = prose_words(document)
    return windows(words, size) if len(words) >= MIN_PASSAGE_WORDS else []


def scoring_passages(text: str, size: int = PASSAGE_WORDS) -> list[str]:
    """Passages of a text to score, all of it (an answer is scored as written); an empty text has none."""
    words = text.split()
    return windows(words, size) if words else []

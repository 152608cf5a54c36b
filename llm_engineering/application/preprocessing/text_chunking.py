"""Token-aware chunking: chunks measured in the embedding model's own tokens, cut at the strongest boundary.

Each text is tokenized once (all texts of a batch in one call), keeping every token's character offsets.
A chunk then is a run of at most `chunk_size` tokens, ending at the strongest boundary found in the second
half of its window (a section, a paragraph, a line, a sentence, a clause, a word); the next chunk starts a
little before, on the strongest boundary within `chunk_overlap` tokens. Counting tokens this way is exact
without tokenizing any chunk again: every boundary used is one where the tokenizer splits anyway
(whitespace or punctuation), so a chunk's tokens are the text's tokens between its boundaries.

Nothing is dropped: a text shorter than `min_chunk_size` is one chunk, and a short tail is extended
backwards (more overlap) to `min_chunk_size` tokens instead of being thrown away.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

PARAGRAPH = re.compile(r"\n\n+")
LINE = re.compile(r"\n")
SENTENCE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*[ \t]+")
CLAUSE = re.compile(r"(?<=[,;:])[ \t]+")
MARKDOWN_SECTION = re.compile(r"\n\n+(?=#{1,6} )")


class ChunkingSettings(BaseModel):
    """Chunk sizes in tokens of the embedding model (a token is ~4 characters of English prose)."""

    model_config = ConfigDict(extra="forbid")

    chunk_size: int = Field(gt=8, description="most tokens per chunk; capped by the model's input length")
    chunk_overlap: int = Field(ge=0, description="tokens repeated from the end of the previous chunk")
    min_chunk_size: int = Field(ge=1, description="a shorter tail borrows text from the previous chunk")
    passage_sentences: int = Field(
        default=3,
        ge=0,
        description="sentences per passage vector, searched by MaxSim (0: the chunk's own only)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ChunkingSettings:
        if self.chunk_overlap >= self.chunk_size // 2:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be under half of chunk_size ({self.chunk_size})."
            )
        if self.min_chunk_size > self.chunk_size:
            raise ValueError(
                f"min_chunk_size ({self.min_chunk_size}) must not exceed chunk_size ({self.chunk_size})."
            )
        return self


@dataclass(frozen=True)
class TextChunk:
    content: str
    char_start: int
    char_end: int
    token_count: int  # the model's tokens, without the special tokens it adds


@dataclass(frozen=True)
class _Tokens:
    starts: np.ndarray  # character offset where each token starts
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)


class TokenAwareSplitter:
    """Splits texts into chunks of at most `max_tokens` model tokens.

    `separators` are the boundaries this kind of text has, strongest first (each match's end is where a new
    unit starts); word and punctuation boundaries come from the tokenizer and are always tried last.
    """

    def __init__(self, tokenizer: Any, max_tokens: int, separators: Sequence[re.Pattern[str]]) -> None:
        if max_tokens < 8:
            raise ValueError(f"max_tokens must be at least 8, got {max_tokens}.")
        self._tokenizer = _untruncated(tokenizer)
        self.max_tokens = max_tokens
        self.separators = tuple(separators)

    def split_many(self, texts: Sequence[str], settings: ChunkingSettings) -> list[list[TextChunk]]:
        size = min(settings.chunk_size, self.max_tokens)
        tokenized = self._tokenize(list(texts))
        return [
            self._split(text, tokens, size, settings) for text, tokens in zip(texts, tokenized, strict=True)
        ]

    def split(self, text: str, settings: ChunkingSettings) -> list[TextChunk]:
        return self.split_many([text], settings)[0]

    # --- internals -----------------------------------------------------------------------------------------

    def _tokenize(self, texts: list[str]) -> list[_Tokens]:
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        tokens = []
        for encoding in encodings:
            offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
            tokens.append(_Tokens(starts=offsets[:, 0], ends=offsets[:, 1]))
        return tokens

    def _levels(self, text: str, tokens: _Tokens) -> list[np.ndarray]:
        """Token indices where a unit starts, one sorted array per boundary strength, strongest first."""
        levels = []
        for separator in self.separators:
            positions = np.fromiter((m.end() for m in separator.finditer(text)), dtype=np.int64)
            levels.append(np.unique(np.searchsorted(tokens.starts, positions, side="left")))
        gap = tokens.starts[1:] > tokens.ends[:-1]  # whitespace between two tokens: a word boundary
        levels.append(np.nonzero(gap)[0] + 1)
        levels.append(np.nonzero(self._punctuation_boundaries(text, tokens))[0] + 1)
        return levels

    @staticmethod
    def _punctuation_boundaries(text: str, tokens: _Tokens) -> np.ndarray:
        """Boundaries next to a punctuation token: the tokenizer splits there too, so counts stay exact."""
        if len(tokens) < 2:
            return np.zeros(0, dtype=bool)
        single = (tokens.ends - tokens.starts) == 1
        is_punct = np.fromiter(
            (s and _is_punctuation(text[i]) for s, i in zip(single, tokens.starts, strict=True)),
            dtype=bool,
            count=len(tokens),
        )
        return is_punct[1:] | is_punct[:-1]

    def _split(self, text: str, tokens: _Tokens, size: int, settings: ChunkingSettings) -> list[TextChunk]:
        n = len(tokens)
        if n == 0:
            return []
        levels = self._levels(text, tokens)
        ranges: list[tuple[int, int]] = []
        exact_counts: dict[int, int] = {}  # chunk start -> exact count, for chunks starting inside a word
        start, inside_word = 0, False
        while True:
            hard_cut = False
            end = n
            if n - start > size:
                boundary = _strongest(levels, low=start + size // 2, high=start + size, last=True)
                hard_cut = boundary is None
                end = start + size if boundary is None else boundary
            if inside_word:
                end, exact_counts[start] = self._fit_exactly(text, tokens, start, end, size)
            ranges.append((start, end))
            if end == n:
                break
            overlap_start = None
            if settings.chunk_overlap:
                overlap_start = _strongest(levels, low=end - settings.chunk_overlap, high=end - 1, last=False)
            if overlap_start is not None and overlap_start > start:
                start, inside_word = overlap_start, False
            else:
                start, inside_word = end, hard_cut
        if len(ranges) > 1 and n - start < settings.min_chunk_size and not inside_word:
            earlier = _strongest(
                levels,
                low=max(n - size, ranges[-2][0] + 1),
                high=min(n - settings.min_chunk_size, start - 1),
                last=True,
            )
            if earlier is not None:
                ranges[-1] = (earlier, n)
        return [
            TextChunk(
                content=text[tokens.starts[s] : tokens.ends[e - 1]],
                char_start=int(tokens.starts[s]),
                char_end=int(tokens.ends[e - 1]),
                token_count=exact_counts.get(s, e - s),
            )
            for s, e in ranges
        ]

    def _fit_exactly(self, text: str, tokens: _Tokens, start: int, end: int, size: int) -> tuple[int, int]:
        """Shrink a chunk that starts inside a word until its exact token count fits.

        Only a word of more than chunk_size/2 tokens is ever cut (the tokenizer makes words over 100
        characters one unknown token, so this needs a small chunk_size); the rest of the word, tokenized on
        its own, may take a few more tokens than it did inside the word.
        """
        while True:
            content = text[tokens.starts[start] : tokens.ends[end - 1]]
            count = len(self._tokenizer.encode(content, add_special_tokens=False).ids)
            if count <= size or end - start == 1:
                return end, count
            end = max(start + 1, end - (count - size))


def _is_punctuation(char: str) -> bool:
    """What BERT's pre-tokenizer splits on besides whitespace: ASCII symbols and Unicode punctuation."""
    return char in string.punctuation or unicodedata.category(char).startswith("P")


def _untruncated(tokenizer: Any) -> Any:
    """A private copy of the fast tokenizer's backend with truncation and padding off.

    The model's tokenizer truncates (to 128 tokens for all-MiniLM-L6-v2's saved config); changing the shared
    one in place could race with an encode running in another thread.
    """
    from tokenizers import Tokenizer

    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise TypeError(
            f"Token-aware chunking needs a fast (Rust) tokenizer, got {type(tokenizer).__name__}."
        )
    copy = Tokenizer.from_str(backend.to_str())
    copy.no_truncation()
    copy.no_padding()
    return copy


def _strongest(levels: list[np.ndarray], *, low: int, high: int, last: bool) -> int | None:
    """The last (or first) boundary in [low, high] of the strongest level that has one there."""
    if high < low:
        return None
    for boundaries in levels:
        if last:
            i = int(np.searchsorted(boundaries, high, side="right")) - 1
            if i >= 0 and boundaries[i] >= low:
                return int(boundaries[i])
        else:
            i = int(np.searchsorted(boundaries, low, side="left"))
            if i < len(boundaries) and boundaries[i] <= high:
                return int(boundaries[i])
    return None

"""Sparse BM25 vectors from our own tokenizer, for lexical search in Qdrant.

The feature pipeline encodes every chunk with `encode_document` and the query path encodes questions with
`encode_query`, both through `get_sparse_encoder()`, so indexing and querying always tokenise alike. Qdrant
applies the IDF part of BM25 itself (the `bm25` sparse vectors are declared with `Modifier.IDF`), so a
document vector holds only the saturated term frequencies and a query vector a weight of 1 per term.

Tokens: NFKC and lower case; words are runs of letters, digits and underscores, joined by `-`, `.` or an
apostrophe (`gpt-4`, `node.js`, `chunk_size`, `c++`, `c#` stay whole, and their parts are indexed too, so
"GPT 4" still finds `gpt-4`); English stop words dropped; plain words stemmed with Snowball (`embeddings`
-> `embed`); each term hashed to a stable 32-bit id (blake2b, the same on every machine and run).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
import unicodedata
from collections import Counter
from typing import Literal

import snowballstemmer
from pydantic import BaseModel, Field

from llm_engineering.application.networks.stop_words import ENGLISH_STOP_WORDS, QUESTION_WORDS
from llm_engineering.domain.sparse import SparseVector

# Bump when tokenisation or weighting changes what is indexed: stored documents are then re-processed.
SPARSE_ENCODER_VERSION = "1"

_TOKEN = re.compile(r"\w+(?:[-.']\w+)*(?:\+\+|#(?!\w))?")
_PART_SEPARATOR = re.compile(r"[-._]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_EXACT_TERM = re.compile(r"\d|[-._+#]")  # a number, version or identifier: gpt-4, 22.3, node.js, c++
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


class SparseEncoderConfig(BaseModel):
    """BM25's term-frequency saturation `k1` and length normalisation `b` (0: none, 1: full), with the
    average document length in indexed terms that `b` normalises against."""

    k1: float = Field(default=1.2, ge=0)
    b: float = Field(default=0.75, ge=0, le=1)
    # Measured: 85 indexed terms per chunk on the shared articles at the default chunk sizes.
    avg_doc_length: float = Field(default=85.0, gt=0)
    language: Literal["english"] = "english"  # the stop-word list is English only


class SparseEncoder:
    def __init__(self, config: SparseEncoderConfig | None = None) -> None:
        self.config = config or SparseEncoderConfig()
        self._stemmer = snowballstemmer.stemmer(self.config.language)
        self._stem_lock = threading.Lock()  # a Snowball stemmer keeps state while it stems a word

    @property
    def fingerprint(self) -> str:
        """What the indexed vectors depend on; stored with each document so a change re-processes it."""
        key = json.dumps([SPARSE_ENCODER_VERSION, self.config.model_dump()], sort_keys=True)
        return f"bm25-{hashlib.sha256(key.encode()).hexdigest()[:12]}"

    # --- tokens --------------------------------------------------------------------------------------------

    def tokenize(self, text: str) -> list[str]:
        """The indexed terms of `text`, in order, repeats kept."""
        text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
        terms: list[str] = []
        for token in _TOKEN.findall(text):
            terms.extend(self._token_terms(token))
        return terms

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - one encoder per process (get_sparse_encoder)
    def _token_terms(self, token: str) -> tuple[str, ...]:
        if "'" in token:
            if token in ENGLISH_STOP_WORDS:
                return ()
            token = token.removesuffix("'s").replace("'", "")
        if _PART_SEPARATOR.search(token) or token.endswith(("+", "#")):
            return tuple(self._compound_terms(token))
        term = self._word_term(token)
        return (term,) if term else ()

    def _compound_terms(self, token: str) -> list[str]:
        """An identifier-like token whole plus its word parts, e.g. gpt-4 -> gpt-4, gpt, 4. Its words are
        stemmed in place, so "fine-tuning" and "fine-tune" are one term."""
        parts = [p for p in _PART_SEPARATOR.split(token.rstrip("+#")) if p]
        if all(part.isdigit() for part in parts) and token[-1].isdigit():  # a number like 3.5 or 2024-05
            return [token]
        terms = [_LETTERS.sub(lambda word: self._stem(word.group()), token)]
        for part in parts:
            term = self._word_term(part)
            if term:
                terms.append(term)
        return terms

    def _word_term(self, word: str) -> str | None:
        if word in ENGLISH_STOP_WORDS or (len(word) == 1 and not word.isdigit()):
            return None
        return self._stem(word) if word.isalpha() else word

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - one encoder per process (get_sparse_encoder)
    def _stem(self, word: str) -> str:
        with self._stem_lock:
            return self._stemmer.stemWord(word)

    # --- vectors -------------------------------------------------------------------------------------------

    def encode_document(self, text: str) -> SparseVector:
        """BM25 term weights tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_length)); Qdrant adds IDF."""
        terms = self.tokenize(text)
        if not terms:
            return SparseVector()
        k1, b = self.config.k1, self.config.b
        norm = k1 * (1 - b + b * len(terms) / self.config.avg_doc_length)
        weights: dict[int, float] = {}
        for term, tf in Counter(terms).items():
            index = term_id(term)
            weights[index] = weights.get(index, 0.0) + tf * (k1 + 1) / (tf + norm)
        return _sparse(weights)

    def encode_documents(self, texts: list[str]) -> list[SparseVector]:
        return [self.encode_document(text) for text in texts]

    def encode_query(
        self, text: str, drop_question_words: bool = False, exact_term_weight: float = 1.0
    ) -> SparseVector:
        """One weight per distinct query term (a repeated word in a question does not count twice): 1, or
        `exact_term_weight` for a term with a digit or an identifier's separator (`gpt-4`, `22.3`, `c++`),
        which names one thing exactly. `drop_question_words` leaves out the words that frame a question
        ("how many", "the author mentions"), as stemmed terms."""
        skipped = self._question_terms() if drop_question_words else frozenset()
        weights: dict[int, float] = {}
        for term in self.tokenize(text):
            if term not in skipped:
                weights[term_id(term)] = exact_term_weight if _EXACT_TERM.search(term) else 1.0
        return _sparse(weights)

    @functools.cache  # noqa: B019 - one encoder per process (get_sparse_encoder)
    def _question_terms(self) -> frozenset[str]:
        return frozenset(QUESTION_WORDS) | {self._stem(word) for word in QUESTION_WORDS}


@functools.lru_cache(maxsize=200_000)
def term_id(term: str) -> int:
    """A stable unsigned 32-bit id for a term (the range Qdrant's sparse indices take)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little")


def _sparse(weights: dict[int, float]) -> SparseVector:
    indices = sorted(weights)
    return SparseVector(indices=indices, values=[weights[i] for i in indices])


@functools.cache
def get_sparse_encoder() -> SparseEncoder:
    """The one encoder of the process, used by the feature pipeline and the query path alike."""
    return SparseEncoder()

"""Duplicate detection: exact (after normalisation) and near (MinHash LSH over word shingles).

LSH only proposes candidates; a candidate counts when the exact Jaccard similarity of the two shingle sets
reaches the threshold, so the estimate's noise costs no precision.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from datasketch import MinHash, MinHashLSH

from llm_engineering.application.dataset.curation.text import jaccard, normalize, shingles


def exact_key(*texts: str) -> str:
    return "\x1f".join(normalize(text) for text in texts)


class NearDuplicateIndex:
    """Texts added so far, searchable for one at least `threshold` similar (Jaccard of word shingles)."""

    def __init__(self, threshold: float, shingle_words: int, num_perm: int = 128, seed: int = 1) -> None:
        self.threshold = threshold
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.seed = seed
        # A lower LSH threshold than the verified one, so that few true matches are missed as candidates.
        self._lsh = MinHashLSH(threshold=max(0.05, threshold - 0.15), num_perm=num_perm)
        self._shingles: dict[Hashable, set[str]] = {}

    def signatures(self, texts: Sequence[str]) -> list[tuple[set[str], MinHash]]:
        sets = [shingles(text, self.shingle_words) for text in texts]
        encoded = [[shingle.encode("utf-8") for shingle in s] for s in sets]
        hashes = MinHash.bulk(encoded, num_perm=self.num_perm, seed=self.seed)
        return list(zip(sets, hashes, strict=True))

    def find(self, shingle_set: set[str], minhash: MinHash) -> tuple[Hashable, float] | None:
        """The most similar text added at or above the threshold, with its similarity."""
        best: tuple[Hashable, float] | None = None
        for key in self._lsh.query(minhash):
            similarity = jaccard(shingle_set, self._shingles[key])
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (key, similarity)
        return best

    def add(self, key: Hashable, shingle_set: set[str], minhash: MinHash) -> None:
        self._lsh.insert(key, minhash)
        self._shingles[key] = shingle_set

"""Larger retrieval corpora derived from the real chunks of the feature store, for the scaling benchmarks.

Re-encoding 50,000 texts with the embedding model would take over ten minutes on two cores, so new chunks
are derived from real ones instead: a new chunk keeps most sentences of a real chunk (its source), takes the
rest from another chunk of the same document, in a lightly shuffled order. Its BM25 vector is encoded from
that new text (so term statistics stay those of real prose); its dense vector is the sentence-share
weighted mean of the two real chunks' vectors plus a little Gaussian noise, normalised; its passage vectors
(when the collection has them) are the source's, each with the same noise. The embedding model
mean-pools token vectors, so a text made of two chunks' sentences embeds close to that mean;
`check_derived_vectors` measures how close by re-encoding a sample. The payload (author, category, link,
document) is the source's, so filters select the same share of the corpus at every size.

Everything works on the collections and their payloads, whatever document classes wrote them.
"""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from dataclasses import dataclass

import numpy as np
from qdrant_client.http import models as qm

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.domain.base.qdrant_mapping import (
    DENSE_VECTOR_NAME,
    PASSAGES_VECTOR_NAME,
    SPARSE_VECTOR_NAME,
)
from llm_engineering.infrastructure.db.qdrant import get_qdrant_client

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
NOISE_SCALE = 0.01  # per dimension; about 0.2 of a unit vector's length over 384 dimensions
UPSERT_BATCH = 1000


@dataclass
class RealChunk:
    collection: str
    id: str
    payload: dict
    dense: np.ndarray
    passages: np.ndarray | None = None  # the passage vectors besides the chunk's own (rows)

    @property
    def sentences(self) -> list[str]:
        return [s for s in _SENTENCE_END.split(self.payload.get("content", "")) if s.strip()]


@dataclass
class DerivedChunk:
    collection: str
    id: str
    payload: dict
    dense: np.ndarray
    passages: np.ndarray | None = None


def hybrid_collections() -> list[str]:
    """The collections with both a dense and a BM25 vector: the searchable chunks."""
    client = get_qdrant_client()
    names = []
    for collection in client.get_collections().collections:
        params = client.get_collection(collection.name).config.params
        dense = isinstance(params.vectors, dict) and DENSE_VECTOR_NAME in params.vectors
        if dense and params.sparse_vectors and SPARSE_VECTOR_NAME in params.sparse_vectors:
            names.append(collection.name)
    return sorted(names)


def read_real_chunks() -> list[RealChunk]:
    client = get_qdrant_client()
    chunks = []
    for name in hybrid_collections():
        params = client.get_collection(name).config.params
        with_passages = PASSAGES_VECTOR_NAME in params.vectors
        offset = None
        while True:
            records, offset = client.scroll(
                collection_name=name,
                limit=2000,
                offset=offset,
                with_payload=True,
                with_vectors=[DENSE_VECTOR_NAME, PASSAGES_VECTOR_NAME]
                if with_passages
                else [DENSE_VECTOR_NAME],
            )
            for record in records:
                vector = np.asarray(record.vector[DENSE_VECTOR_NAME], dtype=np.float32)
                passages = None
                if with_passages:
                    passages = np.asarray(record.vector[PASSAGES_VECTOR_NAME][1:], dtype=np.float32).reshape(
                        -1, len(vector)
                    )
                chunks.append(RealChunk(name, str(record.id), record.payload or {}, vector, passages))
            if offset is None:
                break
    if not chunks:
        raise SystemExit("The feature store holds no chunks to derive a larger corpus from.")
    return chunks


def derive(real: list[RealChunk], count: int, seed: int, start: int = 0) -> list[DerivedChunk]:
    """`count` new chunks, numbered from `start` (ids are stable: the same seed gives the same corpus)."""
    rng = random.Random(seed + start)
    noise = np.random.default_rng(seed + start)
    by_document: dict[str, list[RealChunk]] = {}
    for chunk in real:
        by_document.setdefault(str(chunk.payload.get("document_id")), []).append(chunk)
    derived = []
    for number in range(start, start + count):
        source = real[number % len(real)]
        siblings = [c for c in by_document[str(source.payload.get("document_id"))] if c is not source]
        partner = rng.choice(siblings or [c for c in real if c is not source] or real)
        text, kept = recombine(source.sentences, partner.sentences, rng)
        vector = kept * source.dense + (1 - kept) * partner.dense
        vector = vector + noise.normal(scale=NOISE_SCALE, size=vector.shape).astype(np.float32)
        vector /= np.linalg.norm(vector)
        payload = dict(source.payload) | {"content": text}
        digest = hashlib.md5(f"{source.id}:{number}".encode(), usedforsecurity=False).digest()
        point_id = str(uuid.UUID(bytes=digest, version=4))  # stable, and a version 4 like every chunk id
        passages = None
        if source.passages is not None:
            passages = source.passages + noise.normal(scale=NOISE_SCALE, size=source.passages.shape)
            passages = (passages / np.linalg.norm(passages, axis=1, keepdims=True)).astype(np.float32)
        derived.append(DerivedChunk(source.collection, point_id, payload, vector, passages))
    return derived


def recombine(own: list[str], other: list[str], rng: random.Random) -> tuple[str, float]:
    """About 70% of `own` sentences with the rest drawn from `other`, neighbours swapped now and then;
    returns the text and the share of its sentences that came from `own`."""
    if not own:
        own = other
    sentences, from_own = [], 0
    for sentence in own:
        if other and rng.random() < 0.3:
            sentences.append(rng.choice(other))
        else:
            sentences.append(sentence)
            from_own += 1
    if from_own == len(sentences) and other:  # never an unchanged copy: swap one sentence at least
        sentences[rng.randrange(len(sentences))] = rng.choice(other)
        from_own -= 1
    for i in range(len(sentences) - 1):
        if rng.random() < 0.2:
            sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    return " ".join(sentences), from_own / max(len(sentences), 1)


def write(derived: list[DerivedChunk]) -> None:
    client = get_qdrant_client()
    encoder = get_sparse_encoder()
    for start in range(0, len(derived), UPSERT_BATCH):
        batch = derived[start : start + UPSERT_BATCH]
        by_collection: dict[str, list[qm.PointStruct]] = {}
        for chunk in batch:
            sparse = encoder.encode_document(chunk.payload["content"])
            vectors: dict = {DENSE_VECTOR_NAME: chunk.dense.tolist()}
            if chunk.passages is not None:
                vectors[PASSAGES_VECTOR_NAME] = [chunk.dense.tolist(), *chunk.passages.tolist()]
            if sparse.indices:
                vectors[SPARSE_VECTOR_NAME] = qm.SparseVector(indices=sparse.indices, values=sparse.values)
            by_collection.setdefault(chunk.collection, []).append(
                qm.PointStruct(id=chunk.id, vector=vectors, payload=chunk.payload)
            )
        for name, points in by_collection.items():
            client.upsert(collection_name=name, points=points, wait=True)


def grow_to(real: list[RealChunk], target: int, current: int, seed: int = 7) -> int:
    """Add derived chunks until the store holds `target` chunks; returns the new size."""
    if target <= current:
        return current
    write(derive(real, target - current, seed, start=current - len(real)))
    return target


def check_derived_vectors(real: list[RealChunk], samples: int = 40, seed: int = 11) -> float:
    """Median cosine between derived dense vectors and the model's own encoding of the derived texts."""
    derived = derive(real, samples, seed)
    encoded = get_embedding_model().encode([chunk.payload["content"] for chunk in derived])
    encoded = np.asarray(encoded, dtype=np.float32)
    encoded /= np.linalg.norm(encoded, axis=1, keepdims=True)
    cosines = [float(chunk.dense @ vector) for chunk, vector in zip(derived, encoded, strict=True)]
    return float(np.median(cosines))

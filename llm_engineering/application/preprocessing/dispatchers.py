"""Dispatchers: each stage looks a document's or chunk's category up in its one table.

- cleaning: `CLEANING` (cleaning_data_handlers.py): text, title and publication date per category;
- chunking: `CHUNK_SEPARATORS` (chunking_data_handlers.py) and the config's chunk sizes per category;
- embedding: nothing differs per category: every chunk is embedded as its title followed by its text, and
  so is each of its passages (groups of `passage_sentences` sentences, `passages.py`).

Chunking and embedding work on whole batches across documents: the tokenizer runs once per category, and
the embedding model sees every chunk of the run sorted by length (little padding) instead of one
document's chunks at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tqdm import tqdm

from llm_engineering.application.networks.embeddings import EmbeddingModel
from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.application.preprocessing.chunking_data_handlers import chunk_category
from llm_engineering.application.preprocessing.cleaning_data_handlers import clean_document
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.hygiene import TextHygiene
from llm_engineering.application.preprocessing.passages import passage_texts
from llm_engineering.domain.chunks import Chunk
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.documents import Document
from llm_engineering.domain.embedded_chunks import EmbeddedChunk

# Chunks encoded per model call: big enough to keep the model busy, small enough that the writer thread
# gets work early and the last write (not overlapped with encoding) is short.
ENCODE_SLICE_SIZE = 128
# Model tokens kept free in every chunk for its title, which the embedding reads before the text; a longer
# title is cut at a word boundary to fit.
TITLE_TOKEN_BUDGET = 24


class CleaningDispatcher:
    @staticmethod
    def dispatch(
        document: Document, *, content_hash: str, feature_fingerprint: str, hygiene: TextHygiene | None = None
    ) -> CleanedDocument:
        return clean_document(
            document, content_hash=content_hash, feature_fingerprint=feature_fingerprint, hygiene=hygiene
        )


def chunk_token_limit(model: EmbeddingModel) -> int:
    """The most text tokens a chunk may hold: the model's input less its special tokens and the title."""
    specials = model.tokenizer.num_special_tokens_to_add(pair=False)
    return model.max_input_length - specials - TITLE_TOKEN_BUDGET


class ChunkingDispatcher:
    @staticmethod
    def dispatch(
        documents: Sequence[CleanedDocument], config: FeatureEngineeringConfig, model: EmbeddingModel
    ) -> list[Chunk]:
        """Chunks of every document, each short enough for the model to read whole with its title."""
        max_tokens = chunk_token_limit(model)
        chunks: list[Chunk] = []
        for category in dict.fromkeys(document.category for document in documents):
            same = [document for document in documents if document.category == category]
            chunks.extend(
                chunk_category(category, same, config.chunking[category], model.tokenizer, max_tokens)
            )
        return chunks


def fit_title(title: str, tokenizer: Any, budget: int = TITLE_TOKEN_BUDGET) -> str:
    """`title`, cut at a word boundary to at most `budget` model tokens."""
    words = title.split()
    while words and len(tokenizer(" ".join(words), add_special_tokens=False)["input_ids"]) > budget:
        words.pop()
    return " ".join(words)


def embedding_texts(chunks: Sequence[Chunk], tokenizer: Any) -> list[str]:
    """What the embedding models read of each chunk: its title (cut to the budget), then its text."""
    return embedding_inputs(chunks, tokenizer)[0]


def embedding_inputs(chunks: Sequence[Chunk], tokenizer: Any) -> tuple[list[str], list[list[str]]]:
    """Each chunk's text as the embedding model reads it, and its passages' (none: no passages), all
    titled with the chunk's title cut to the budget (each title fitted once)."""
    titles = {chunk.title: fit_title(chunk.title, tokenizer) for chunk in chunks if chunk.title}
    texts = [_titled(titles.get(chunk.title or ""), chunk.content) for chunk in chunks]
    passages = [
        [
            _titled(titles.get(chunk.title or ""), passage)
            for passage in passage_texts(chunk.content, int(chunk.metadata.get("passage_sentences", 0)))
        ]
        for chunk in chunks
    ]
    return texts, passages


def _titled(title: str | None, text: str) -> str:
    return f"{title}\n\n{text}" if title else text


class EmbeddingDispatcher:
    @staticmethod
    def stream(
        chunks: Sequence[Chunk], model: EmbeddingModel, batch_size: int, slice_size: int | None = None
    ) -> Iterator[list[EmbeddedChunk]]:
        """Embedded chunks (dense and sparse BM25 vectors), a slice at a time, longest chunks first (so each
        model batch pads little). An embedded chunk keeps its chunk's id: re-embedding overwrites it."""
        if not chunks:
            return
        slice_size = max(batch_size, slice_size or ENCODE_SLICE_SIZE)
        order = sorted(
            range(len(chunks)), key=lambda i: -chunks[i].metadata.get("token_count", len(chunks[i].content))
        )
        sparse_encoder = get_sparse_encoder()
        model_metadata = {
            "embedding_model_id": model.model_id,
            "embedding_size": model.embedding_size,
            "max_input_length": model.max_input_length,
            "sparse_encoder": sparse_encoder.fingerprint,
        }
        # The BM25 encoding (pure Python) runs on its own thread while the model encodes the same slice
        # (torch releases the GIL), so it adds little to the wall time.
        with (
            tqdm(total=len(chunks), desc="Embedding chunks", unit="chunk", disable=None) as progress,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="bm25") as sparse_pool,
        ):
            for start in range(0, len(order), slice_size):
                part = [chunks[i] for i in order[start : start + slice_size]]
                texts, passages = embedding_inputs(part, model.tokenizer)
                sparse_future = sparse_pool.submit(sparse_encoder.encode_documents, texts)
                encoded = model.encode(
                    texts + [p for group in passages for p in group], batch_size=batch_size
                )
                vectors, passage_vectors = (
                    encoded[: len(texts)].tolist(),
                    iter(encoded[len(texts) :].tolist()),
                )
                sparse_vectors = sparse_future.result()
                yield [
                    EmbeddedChunk(
                        **chunk.model_dump(exclude={"metadata", "score"}),
                        embedding=vector,
                        sparse_embedding=sparse,
                        passage_embeddings=[vector, *(next(passage_vectors) for _ in group)],
                        metadata={**chunk.metadata, **model_metadata},
                    )
                    for chunk, vector, sparse, group in zip(
                        part, vectors, sparse_vectors, passages, strict=True
                    )
                ]
                progress.update(len(part))

    @classmethod
    def dispatch(cls, chunks: Sequence[Chunk], model: EmbeddingModel, batch_size: int) -> list[EmbeddedChunk]:
        return [embedded for part in cls.stream(chunks, model, batch_size) for embedded in part]

"""Dispatchers: route each document or chunk to the handler of its data category.

Chunking and embedding work on whole batches across documents: the tokenizer runs once per category, and
the embedding model sees every chunk of the run sorted by length (little padding) instead of one
document's chunks at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

from tqdm import tqdm

from llm_engineering.application.networks.embeddings import EmbeddingModel
from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.application.preprocessing.chunking_data_handlers import ChunkingHandlerFactory
from llm_engineering.application.preprocessing.cleaning_data_handlers import CleaningHandlerFactory
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.embedding_data_handlers import EmbeddingHandlerFactory
from llm_engineering.application.preprocessing.hygiene import TextHygiene
from llm_engineering.domain.chunks import Chunk
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.documents import Document
from llm_engineering.domain.embedded_chunks import EmbeddedChunk
from llm_engineering.domain.types import DataCategory

# Chunks encoded per model call: big enough to keep the model busy, small enough that the writer thread
# gets work early and the last write (not overlapped with encoding) is short.
ENCODE_SLICE_SIZE = 128


def document_category(document: Document) -> DataCategory:
    return DataCategory(document.get_collection_name())


class CleaningDispatcher:
    @staticmethod
    def dispatch(
        document: Document, *, content_hash: str, feature_fingerprint: str, hygiene: TextHygiene | None = None
    ) -> CleanedDocument:
        handler = CleaningHandlerFactory.create_handler(document_category(document))
        return handler.clean(
            document, content_hash=content_hash, feature_fingerprint=feature_fingerprint, hygiene=hygiene
        )


class ChunkingDispatcher:
    @staticmethod
    def dispatch(
        documents: Sequence[CleanedDocument], config: FeatureEngineeringConfig, model: EmbeddingModel
    ) -> list[Chunk]:
        """Chunks of every document, each at most the model's input length in tokens."""
        by_category: dict[DataCategory, list[CleanedDocument]] = defaultdict(list)
        for document in documents:
            by_category[document.get_category()].append(document)
        max_tokens = model.max_input_length - model.tokenizer.num_special_tokens_to_add(pair=False)
        chunks: list[Chunk] = []
        for category, group in by_category.items():
            handler = ChunkingHandlerFactory.create_handler(
                category, config.chunking[category], model.tokenizer, max_tokens
            )
            chunks.extend(handler.chunk(group))
        return chunks


class EmbeddingDispatcher:
    @staticmethod
    def stream(
        chunks: Sequence[Chunk], model: EmbeddingModel, batch_size: int, slice_size: int | None = None
    ) -> Iterator[list[EmbeddedChunk]]:
        """Embedded chunks (dense and sparse BM25 vectors), a slice at a time, longest chunks first (so each
        model batch pads little)."""
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
                texts = [chunk.content for chunk in part]
                sparse_future = sparse_pool.submit(sparse_encoder.encode_documents, texts)
                vectors = model.encode(texts, batch_size=batch_size).tolist()
                sparse_vectors = sparse_future.result()
                yield [
                    EmbeddingHandlerFactory.create_handler(chunk.get_category()).embed(
                        chunk, vector, sparse, model_metadata
                    )
                    for chunk, vector, sparse in zip(part, vectors, sparse_vectors, strict=True)
                ]
                progress.update(len(part))

    @classmethod
    def dispatch(cls, chunks: Sequence[Chunk], model: EmbeddingModel, batch_size: int) -> list[EmbeddedChunk]:
        return [embedded for part in cls.stream(chunks, model, batch_size) for embedded in part]

"""One chunking handler per data category: where its texts break, and what each chunk carries along."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from typing import ClassVar

from llm_engineering.application.preprocessing.cleaning_data_handlers import (
    REPOSITORY_FILE_HEADER,
    REPOSITORY_FILE_SEPARATOR,
)
from llm_engineering.application.preprocessing.text_chunking import (
    CLAUSE,
    LINE,
    MARKDOWN_SECTION,
    PARAGRAPH,
    SENTENCE,
    ChunkingSettings,
    TokenAwareSplitter,
)
from llm_engineering.domain.chunks import ArticleChunk, Chunk, PostChunk, RepositoryChunk
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.types import DataCategory

REPOSITORY_FILE = re.compile(
    re.escape(REPOSITORY_FILE_SEPARATOR) + f"(?={re.escape(REPOSITORY_FILE_HEADER)})"
)


def chunk_id(document_id: uuid.UUID, index: int) -> uuid.UUID:
    """Deterministic and unique per (document, position): re-chunking a document overwrites its points,
    and equal texts in two documents (or by two authors) never share an id. Shaped as a version-4 UUID
    because the domain models validate ids as UUID4."""
    digest = hashlib.sha256(f"{document_id}/chunk/{index}".encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


class ChunkingDataHandler:
    chunk_class: ClassVar[type[Chunk]]
    separators: ClassVar[tuple[re.Pattern[str], ...]] = (MARKDOWN_SECTION, PARAGRAPH, LINE, SENTENCE, CLAUSE)
    extra_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: ChunkingSettings, tokenizer: object, max_tokens: int) -> None:
        self.settings = settings
        self.splitter = TokenAwareSplitter(tokenizer, max_tokens=max_tokens, separators=self.separators)

    @property
    def effective_chunk_size(self) -> int:
        return min(self.settings.chunk_size, self.splitter.max_tokens)

    def chunk(self, documents: Sequence[CleanedDocument]) -> list[Chunk]:
        """Chunks of all `documents`, tokenized in one batch."""
        pieces_per_document = self.splitter.split_many([d.content for d in documents], self.settings)
        chunks: list[Chunk] = []
        for document, pieces in zip(documents, pieces_per_document, strict=True):
            for index, piece in enumerate(pieces):
                chunks.append(
                    self.chunk_class(
                        id=chunk_id(document.id, index),
                        content=piece.content,
                        platform=document.platform,
                        document_id=document.id,
                        author_id=document.author_id,
                        author_full_name=document.author_full_name,
                        link=document.link,
                        metadata={
                            "chunk_index": index,
                            "chunk_count": len(pieces),
                            "token_count": piece.token_count,
                            "char_start": piece.char_start,
                            "char_end": piece.char_end,
                            "chunk_size": self.effective_chunk_size,
                            "chunk_overlap": self.settings.chunk_overlap,
                            "min_chunk_size": self.settings.min_chunk_size,
                            "content_hash": document.content_hash,
                        },
                        **{name: getattr(document, name) for name in self.extra_fields},
                    )
                )
        return chunks


class PostChunkingHandler(ChunkingDataHandler):
    chunk_class = PostChunk
    extra_fields = ("image",)


class ArticleChunkingHandler(ChunkingDataHandler):
    chunk_class = ArticleChunk


class RepositoryChunkingHandler(ChunkingDataHandler):
    """Code breaks between files first, then at blank lines, then at line ends: never inside a line if avoidable."""

    chunk_class = RepositoryChunk
    separators = (REPOSITORY_FILE, PARAGRAPH, LINE)
    extra_fields = ("name",)


class ChunkingHandlerFactory:
    _handlers: ClassVar[dict[DataCategory, type[ChunkingDataHandler]]] = {
        DataCategory.POSTS: PostChunkingHandler,
        DataCategory.ARTICLES: ArticleChunkingHandler,
        DataCategory.REPOSITORIES: RepositoryChunkingHandler,
    }

    @classmethod
    def create_handler(
        cls, category: DataCategory, settings: ChunkingSettings, tokenizer: object, max_tokens: int
    ) -> ChunkingDataHandler:
        try:
            handler_class = cls._handlers[category]
        except KeyError:
            raise ValueError(f"No chunking handler for data category '{category}'.") from None
        return handler_class(settings, tokenizer, max_tokens)

"""The chunking table: per data category, where its texts break first. `ChunkingDispatcher`
(dispatchers.py) looks a category up here; the chunk sizes per category come from the feature config.
Every chunk carries its document's title, platform, publication date and link beside its text."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence

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
from llm_engineering.domain.chunks import Chunk
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.types import DataCategory

REPOSITORY_FILE = re.compile(
    re.escape(REPOSITORY_FILE_SEPARATOR) + f"(?={re.escape(REPOSITORY_FILE_HEADER)})"
)
PROSE_SEPARATORS = (MARKDOWN_SECTION, PARAGRAPH, LINE, SENTENCE, CLAUSE)

CHUNK_SEPARATORS: dict[DataCategory, tuple[re.Pattern[str], ...]] = {
    DataCategory.ARTICLES: PROSE_SEPARATORS,
    DataCategory.POSTS: PROSE_SEPARATORS,
    # Code breaks between files first, then at blank lines, then at line ends: never inside a line if avoidable.
    DataCategory.REPOSITORIES: (REPOSITORY_FILE, PARAGRAPH, LINE),
}


def chunk_id(document_id: uuid.UUID, index: int) -> uuid.UUID:
    """Deterministic and unique per (document, position): re-chunking a document overwrites its points,
    and equal texts in two documents (or by two authors) never share an id. Shaped as a version-4 UUID
    because the domain models validate ids as UUID4."""
    digest = hashlib.sha256(f"{document_id}/chunk/{index}".encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def chunk_category(
    category: DataCategory,
    documents: Sequence[CleanedDocument],
    settings: ChunkingSettings,
    tokenizer: object,
    max_tokens: int,
) -> list[Chunk]:
    """Chunks of `documents` (all of `category`), tokenized in one batch."""
    try:
        separators = CHUNK_SEPARATORS[category]
    except KeyError:
        raise ValueError(f"No chunking for data category '{category}'.") from None
    splitter = TokenAwareSplitter(tokenizer, max_tokens=max_tokens, separators=separators)
    effective_chunk_size = min(settings.chunk_size, splitter.max_tokens)
    pieces_per_document = splitter.split_many([d.content for d in documents], settings)
    chunks: list[Chunk] = []
    for document, pieces in zip(documents, pieces_per_document, strict=True):
        for index, piece in enumerate(pieces):
            chunks.append(
                Chunk(
                    id=chunk_id(document.id, index),
                    category=document.category,
                    content=piece.content,
                    title=document.title,
                    platform=document.platform,
                    publication_date=document.publication_date,
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
                        "chunk_size": effective_chunk_size,
                        "chunk_overlap": settings.chunk_overlap,
                        "min_chunk_size": settings.min_chunk_size,
                        "passage_sentences": settings.passage_sentences,
                        "content_hash": document.content_hash,
                    },
                )
            )
    return chunks

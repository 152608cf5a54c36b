"""A warehouse export of about N chunks made from the shared articles, for the feature-pipeline benchmark.

Fewer chunks than the export holds: the first articles, until their chunks reach N. More: the articles plus
copies of them, each copy with its own id and link and its paragraphs in another order (seeded), so the
pipeline chunks and embeds every copy for real (no copy is an unchanged duplicate).

The chunks are counted, not estimated: each article is cleaned and chunked the way the feature pipeline does
it (default settings, the packaged embedding model's tokenizer), and articles are added until the count
reaches N. A reordered copy chunks differently from its source (on the shared articles, 11.6 chunks per
copy against 17.8 per original), so a ratio of characters to chunks undershoots.
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path


def copy_id(article_id: str, copy: int) -> str:
    """A stable id for a copy, a version 4 UUID like every document id."""
    digest = hashlib.md5(f"{article_id}:{copy}".encode(), usedforsecurity=False).digest()
    return str(uuid.UUID(bytes=digest, version=4))


def article_text(article: dict) -> dict:
    content = article["content"]
    return ast.literal_eval(content) if isinstance(content, str) else dict(content)


def article_copies(articles: list[dict], seed: int) -> Iterator[dict]:
    """The articles, then copy 1 of each, copy 2 of each, and so on without end."""
    rng = random.Random(seed)
    copy = 0
    while True:
        for article in articles:
            content = article_text(article)
            if copy:
                paragraphs = (content.get("Content") or "").split("\n\n")
                rng.shuffle(paragraphs)
                content["Content"] = "\n\n".join(paragraphs)
                article = dict(article) | {
                    "_id": copy_id(article["_id"], copy),
                    "link": f"{article['link']}?copy={copy}",
                }
            yield dict(article) | {"content": content}
        copy += 1


class ChunkCounter:
    """How many chunks the feature pipeline makes of each exported article (default settings)."""

    def __init__(self) -> None:
        from llm_engineering.application.networks.embeddings import get_embedding_model
        from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig

        self._model = get_embedding_model()
        self._config = FeatureEngineeringConfig()

    def __call__(self, articles: list[dict]) -> list[int]:
        from llm_engineering.application.preprocessing.dispatchers import (
            ChunkingDispatcher,
            CleaningDispatcher,
        )
        from llm_engineering.domain.documents import Document
        from llm_engineering.domain.types import DataCategory

        documents = [Document.from_mongo(article, DataCategory.ARTICLES) for article in articles]
        cleaned = [CleaningDispatcher.dispatch(d, content_hash="", feature_fingerprint="") for d in documents]
        per_document = Counter(
            chunk.document_id for chunk in ChunkingDispatcher.dispatch(cleaned, self._config, self._model)
        )
        return [per_document[document.id] for document in documents]


def scaled_export(data_dir: Path, target_chunks: int, output_dir: Path, seed: int = 3) -> tuple[int, int]:
    """Write UserDocument.json and ArticleDocument.json for at least `target_chunks` chunks (at most one
    article's worth more) into `output_dir`; returns (articles written, chunks they make)."""
    articles = json.loads((data_dir / "ArticleDocument.json").read_text(encoding="utf-8"))
    count_chunks = ChunkCounter()
    copies = article_copies(articles, seed)
    written: list[dict] = []
    chunks = 0
    while chunks < target_chunks:
        batch = list(itertools.islice(copies, len(articles)))  # chunked in one call: one tokenizer batch
        for article, count in zip(batch, count_chunks(batch), strict=True):
            if chunks >= target_chunks:
                break
            written.append(article)
            chunks += count
    output_dir.mkdir(parents=True, exist_ok=True)
    users = (data_dir / "UserDocument.json").read_text(encoding="utf-8")
    (output_dir / "UserDocument.json").write_text(users, encoding="utf-8")
    (output_dir / "ArticleDocument.json").write_text(json.dumps(written), encoding="utf-8")
    return len(written), chunks

"""A warehouse export of about N chunks made from the shared articles, for the feature-pipeline benchmark.

Fewer chunks than the export holds: the first articles, up to the share of the text that N chunks take.
More: the articles plus copies of them, each copy with its own id and link and its paragraphs in another
order (seeded), so the pipeline chunks and embeds every copy for real (no copy is an unchanged duplicate).
"""

from __future__ import annotations

import ast
import hashlib
import json
import random
import uuid
from pathlib import Path

MEASURED_CHUNKS = 1410  # the export's chunks at the default chunk sizes


def copy_id(article_id: str, copy: int) -> str:
    """A stable id for a copy, a version 4 UUID like every document id."""
    digest = hashlib.md5(f"{article_id}:{copy}".encode(), usedforsecurity=False).digest()
    return str(uuid.UUID(bytes=digest, version=4))


def article_text(article: dict) -> dict:
    content = article["content"]
    return ast.literal_eval(content) if isinstance(content, str) else dict(content)


def scaled_export(data_dir: Path, target_chunks: int, output_dir: Path, seed: int = 3) -> int:
    """Write UserDocument.json and ArticleDocument.json for about `target_chunks` chunks into
    `output_dir`; returns how many articles it wrote."""
    articles = json.loads((data_dir / "ArticleDocument.json").read_text(encoding="utf-8"))
    total_chars = sum(len(article_text(a).get("Content") or "") for a in articles)
    wanted_chars = total_chars * target_chunks / MEASURED_CHUNKS
    rng = random.Random(seed)
    written, chars, copy = [], 0, 0
    while chars < wanted_chars:
        for article in articles:
            if chars >= wanted_chars:
                break
            content = article_text(article)
            text = content.get("Content") or ""
            if copy:
                paragraphs = text.split("\n\n")
                rng.shuffle(paragraphs)
                content["Content"] = "\n\n".join(paragraphs)
                article = dict(article) | {
                    "_id": copy_id(article["_id"], copy),
                    "link": f"{article['link']}?copy={copy}",
                }
            written.append(dict(article) | {"content": content})
            chars += len(text)
        copy += 1
    output_dir.mkdir(parents=True, exist_ok=True)
    users = (data_dir / "UserDocument.json").read_text(encoding="utf-8")
    (output_dir / "UserDocument.json").write_text(users, encoding="utf-8")
    (output_dir / "ArticleDocument.json").write_text(json.dumps(written), encoding="utf-8")
    return len(written)

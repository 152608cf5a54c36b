"""Export the data warehouse to JSON files and import them back (one file per collection, named as in the
handbook's `data_warehouse_raw_data/`: UserDocument.json, ArticleDocument.json, PostDocument.json,
RepositoryDocument.json).

Each file is a JSON list of documents as stored, with `_id` as a string.
Import is idempotent: documents are upserted by id, so importing the same files twice changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from loguru import logger
from pymongo.errors import DuplicateKeyError

from llm_engineering.domain.base.nosql import NoSQLBaseDocument
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.types import DataCategory
from llm_engineering.settings import PROJECT_ROOT

# Export file name -> the class and category stored in it; users first (documents refer to them).
EXPORT_FILES: dict[str, tuple[type[NoSQLBaseDocument], DataCategory | None]] = {
    "UserDocument": (UserDocument, None),
    "ArticleDocument": (Document, DataCategory.ARTICLES),
    "PostDocument": (Document, DataCategory.POSTS),
    "RepositoryDocument": (Document, DataCategory.REPOSITORIES),
}

# Git-ignored: an export holds a person's writing, which should not land in a commit by accident.
DEFAULT_DIR = PROJECT_ROOT / ".data" / "data_warehouse_raw_data"


def export_to_json(output_dir: Path = DEFAULT_DIR) -> dict[str, int]:
    """Write every collection to `<output_dir>/<file name>.json`; returns the count per file name."""
    output_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for file_name, (document_class, category) in EXPORT_FILES.items():
        filters = {"category": category} if category else {}
        documents = [document.to_mongo() for document in document_class.bulk_find(**filters)]
        target = output_dir / f"{file_name}.json"
        tmp = target.with_suffix(".json.tmp")  # never leave a half-written file behind
        tmp.write_text(json.dumps(documents, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(target)
        counts[file_name] = len(documents)
        logger.info(f"Exported {len(documents)} {file_name} to {target}.")
    return counts


def import_from_json(input_dir: Path = DEFAULT_DIR) -> dict[str, int]:
    """Upsert every export file found in `input_dir`; returns how many documents each file held.

    Users come first: a user whose name is already stored under another id keeps the stored id, and the
    imported documents of that author are re-pointed to it, so no document refers to a missing user.
    """
    if not input_dir.is_dir():
        raise FileNotFoundError(
            f"{input_dir} is not a folder. Pass --input-dir with the folder holding UserDocument.json etc."
        )
    found = [name for name in EXPORT_FILES if (input_dir / f"{name}.json").is_file()]
    if not found:
        expected = ", ".join(f"{name}.json" for name in EXPORT_FILES)
        raise FileNotFoundError(f"{input_dir} holds none of {expected}.")
    author_ids: dict[str, UUID] = {}  # exported user id -> stored user id, where they differ
    counts = {}
    for file_name in found:  # EXPORT_FILES lists UserDocument first
        counts[file_name] = _import_file(file_name, input_dir, author_ids)
    return counts


def _read_list(source: Path) -> list:
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{source} is not valid JSON (line {error.lineno}): {error.msg}.") from error
    if not isinstance(raw, list):
        raise ValueError(f"{source} must hold a JSON list of documents, not {type(raw).__name__}.")
    return raw


def _import_file(file_name: str, input_dir: Path, author_ids: dict[str, UUID]) -> int:
    document_class, category = EXPORT_FILES[file_name]
    source = input_dir / f"{file_name}.json"
    raw = _read_list(source)
    kept = 0
    for position, data in enumerate(raw):
        try:
            document = document_class.from_mongo(data, category)  # validates every field
        except Exception as error:
            raise ValueError(f"{source}, document #{position}: {error}") from error
        stored_author = author_ids.get(str(getattr(document, "author_id", "")))
        if stored_author is not None:
            document = document.model_copy(update={"author_id": stored_author})
        try:
            document.upsert()
        except DuplicateKeyError:  # same link (or user name) already stored under another id: keep that one
            kept += 1
            if isinstance(document, UserDocument):
                stored = UserDocument.find(first_name=document.first_name, last_name=document.last_name)
                if stored is not None:
                    author_ids[str(document.id)] = stored.id
            logger.warning(
                f"{source}, document #{position}: its unique key is stored under another id; kept."
            )
    logger.info(f"Imported {len(raw) - kept} {file_name} from {source} ({kept} kept as stored).")
    return len(raw) - kept

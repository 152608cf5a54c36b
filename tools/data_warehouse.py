"""Export the data warehouse to JSON files and import them back (one `<DocumentClass>.json` per class).

The format is the handbook's `data_warehouse_raw_data/`: a JSON list of documents with `_id` as a string.
Import is idempotent: documents are upserted by id, so importing the same files twice changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from loguru import logger
from pymongo.errors import DuplicateKeyError

from llm_engineering.domain.base.nosql import NoSQLBaseDocument
from llm_engineering.domain.documents import DOCUMENT_CLASSES, UserDocument
from llm_engineering.settings import PROJECT_ROOT

# Git-ignored: an export holds a person's writing, which should not land in a commit by accident.
DEFAULT_DIR = PROJECT_ROOT / ".data" / "data_warehouse_raw_data"


def export_to_json(output_dir: Path = DEFAULT_DIR) -> dict[str, int]:
    """Write every document class to `<output_dir>/<ClassName>.json`; returns the count per class."""
    output_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for document_class in DOCUMENT_CLASSES:
        documents = [document.to_mongo() for document in document_class.bulk_find()]
        target = output_dir / f"{document_class.__name__}.json"
        tmp = target.with_suffix(".json.tmp")  # never leave a half-written file behind
        tmp.write_text(json.dumps(documents, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(target)
        counts[document_class.__name__] = len(documents)
        logger.info(f"Exported {len(documents)} {document_class.__name__} to {target}.")
    return counts


def import_from_json(input_dir: Path = DEFAULT_DIR) -> dict[str, int]:
    """Upsert every `<ClassName>.json` found in `input_dir`; returns how many documents each file held.

    Users come first: a user whose name is already stored under another id keeps the stored id, and the
    imported documents of that author are re-pointed to it, so no document refers to a missing user.
    """
    if not input_dir.is_dir():
        raise FileNotFoundError(
            f"{input_dir} is not a folder. Pass --input-dir with the folder holding UserDocument.json etc."
        )
    found = [c for c in DOCUMENT_CLASSES if (input_dir / f"{c.__name__}.json").is_file()]
    if not found:
        expected = ", ".join(f"{c.__name__}.json" for c in DOCUMENT_CLASSES)
        raise FileNotFoundError(f"{input_dir} holds none of {expected}.")
    author_ids: dict[str, UUID] = {}  # exported user id -> stored user id, where they differ
    counts = {}
    for document_class in found:  # DOCUMENT_CLASSES lists UserDocument first
        counts[document_class.__name__] = _import_class(document_class, input_dir, author_ids)
    return counts


def _read_list(source: Path) -> list:
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{source} is not valid JSON (line {error.lineno}): {error.msg}.") from error
    if not isinstance(raw, list):
        raise ValueError(f"{source} must hold a JSON list of documents, not {type(raw).__name__}.")
    return raw


def _import_class(
    document_class: type[NoSQLBaseDocument], input_dir: Path, author_ids: dict[str, UUID]
) -> int:
    source = input_dir / f"{document_class.__name__}.json"
    raw = _read_list(source)
    kept = 0
    for position, data in enumerate(raw):
        try:
            document = document_class.from_mongo(data)  # validates every field
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
    logger.info(
        f"Imported {len(raw) - kept} {document_class.__name__} from {source} ({kept} kept as stored)."
    )
    return len(raw) - kept

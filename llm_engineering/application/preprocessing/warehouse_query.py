"""Reading an author's documents from the data warehouse: read-only, never creates a user."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from loguru import logger

from llm_engineering.domain.documents import DOCUMENT_CATEGORIES, Document, UserDocument
from llm_engineering.domain.exceptions import DocumentNotFoundError

MAX_WORKERS = 8

# What to run when the warehouse lacks an author: the ETL config files and the export import.
HOW_TO_ADD_AUTHORS = (
    "Crawl the author's links with the ETL pipeline (`poetry poe run-etl --config "
    "configs/digital_data_etl_<author>.yaml`, or the offline demo: `poetry poe run-etl --config "
    "configs/digital_data_etl_demo.yaml`), or import a warehouse export "
    "(`poetry poe run-import-data-warehouse-from-json --input-dir <folder>`)."
)


class NoAuthorsInWarehouse(DocumentNotFoundError):
    """The data warehouse holds no user yet: nothing to process."""


def warehouse_author_names() -> list[str]:
    """The full names of every user in the data warehouse, sorted; an empty warehouse is an error saying how
    to fill it."""
    names = sorted({user.full_name for user in UserDocument.bulk_find() if user.full_name})
    if not names:
        raise NoAuthorsInWarehouse(f"The data warehouse has no authors yet. {HOW_TO_ADD_AUTHORS}")
    return names


def find_authors(author_full_names: list[str] | None) -> list[UserDocument]:
    """The users with these full names (none given: every user in the warehouse); every missing name is
    reported in one error."""
    if not author_full_names:
        author_full_names = warehouse_author_names()
    authors, missing = [], []
    for full_name in dict.fromkeys(author_full_names):  # keep order, drop repeats
        first_name, last_name = UserDocument.split_full_name(full_name)
        user = UserDocument.find(first_name=first_name, last_name=last_name)
        if user is None:
            missing.append(full_name)
        else:
            authors.append(user)
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        known = ", ".join(sorted({user.full_name for user in UserDocument.bulk_find()})) or "no authors yet"
        raise DocumentNotFoundError(
            f"Author(s) {names} not found in the data warehouse (it has: {known}). Check the spelling in the "
            f"config, or leave `author_full_names` out to use every author there. {HOW_TO_ADD_AUTHORS}"
        )
    return authors


def fetch_author_documents(authors: list[UserDocument]) -> list[Document]:
    """Every article, post and repository of the authors; the collections are read concurrently."""
    jobs = [(author, category) for author in authors for category in DOCUMENT_CATEGORIES]
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(jobs)), thread_name_prefix="warehouse") as pool:
        results = list(
            pool.map(lambda job: Document.bulk_find(category=job[1], author_id=str(job[0].id)), jobs)
        )
    documents = [document for found in results for document in found]
    for author in authors:
        count = sum(1 for d in documents if d.author_id == author.id)
        logger.info(f"Data warehouse: {count} document(s) by {author.full_name}.")
    return documents

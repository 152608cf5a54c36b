"""Reading an author's documents from the data warehouse: read-only, never creates a user."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from loguru import logger

from llm_engineering.domain.documents import DOCUMENT_CATEGORIES, Document, UserDocument
from llm_engineering.domain.exceptions import DocumentNotFoundError

MAX_WORKERS = 8


def find_authors(author_full_names: list[str]) -> list[UserDocument]:
    """The users with these full names; every missing name is reported in one error."""
    if not author_full_names:
        raise ValueError("No author given: set `author_full_names` in the feature pipeline's config.")
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
        raise DocumentNotFoundError(
            f"Author(s) {names} not found in the data warehouse. Check the spelling in the config, or crawl "
            "their links first with the ETL pipeline (`poetry poe run-etl --config configs/<author>.yaml`)."
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

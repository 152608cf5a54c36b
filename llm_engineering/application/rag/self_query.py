"""Self-query: the author named in a question becomes a payload filter.

Names are matched against the authors in the warehouse, ignoring case and accents ("maxime labonne",
"Maximé LABONNE"); a unique last name alone also matches. Only when no known name matched, and a teacher LLM
is configured, the LLM is asked which author the question names; its answer must be a known author too.
"""

from __future__ import annotations

import re
import time
import unicodedata

from loguru import logger
from pydantic import BaseModel, Field

from llm_engineering.domain.documents import UserDocument

AUTHORS_CACHE_S = 60.0
_authors_cache: tuple[float, list[str]] | None = None


def normalize_name(text: str) -> str:
    """Lowercase, accents stripped, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", stripped).split())


def known_authors() -> list[str]:
    """Full names of the warehouse's users (cached for a minute: new authors appear with the next ETL)."""
    global _authors_cache
    now = time.monotonic()
    if _authors_cache is None or now - _authors_cache[0] > AUTHORS_CACHE_S:
        names = sorted({user.full_name for user in UserDocument.bulk_find() if user.full_name})
        _authors_cache = (now, names)
    return _authors_cache[1]


def reset_authors_cache() -> None:
    global _authors_cache
    _authors_cache = None


def match_author(text: str, authors: list[str]) -> str | None:
    """The known author named in `text` (full name first, then a last name no other author shares)."""
    words = f" {normalize_name(text)} "
    for author in sorted(authors, key=len, reverse=True):
        if f" {normalize_name(author)} " in words:
            return author
    last_names: dict[str, list[str]] = {}
    for author in authors:
        parts = normalize_name(author).split()
        if len(parts) > 1 and len(parts[-1]) >= 3:
            last_names.setdefault(parts[-1], []).append(author)
    for last_name, owners in last_names.items():
        if len(owners) == 1 and f" {last_name} " in words:
            return owners[0]
    return None


class AuthorMention(BaseModel):
    author_full_name: str | None = Field(
        None, description="The full name of the person the question names as author, or null if none."
    )


SELF_QUERY_PROMPT = (
    "Which person does the user's question name as the author of the writing they ask about? "
    "Answer with that person's full name exactly as written in the question, or null when no person is named."
)


def extract_author(query: str, llm: object | None = None) -> str | None:
    """The known author the query names, or None. `llm` is a configured LLM client, or None for no LLM."""
    authors = known_authors()
    if not authors:
        return None
    matched = match_author(query, authors)
    if matched or llm is None:
        return matched
    from llm_engineering.infrastructure.llm import ChatMessage, LLMError

    try:
        answer = llm.structured(  # type: ignore[attr-defined]
            [ChatMessage(role="system", content=SELF_QUERY_PROMPT), ChatMessage(role="user", content=query)],
            AuthorMention,
        )
    except LLMError as error:
        logger.warning(f"Self-query: the LLM failed ({type(error).__name__}: {error}); no author filter.")
        return None
    if not answer.author_full_name:
        return None
    return match_author(answer.author_full_name, authors)

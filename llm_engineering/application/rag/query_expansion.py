"""Query expansion: rewrites of the question by the teacher LLM, searched alongside the original.

Any failure or odd answer (no list, empty or duplicate rewrites) leaves the original query alone.
"""

from __future__ import annotations

from loguru import logger
from pydantic import BaseModel, Field

EXPANSION_PROMPT = (
    "You help search a person's articles. Write {n} different rewrites of the user's question that could "
    "find the passage answering it: vary the wording, use synonyms and the technical terms the author "
    "would use. Keep every rewrite a single standalone question."
)


class QueryRewrites(BaseModel):
    queries: list[str] = Field(description="The rewrites of the question, one per item.")


def expand_query(query: str, n: int, llm: object | None) -> list[str]:
    """The original query followed by up to n-1 distinct rewrites (only the original without an LLM)."""
    if n <= 1 or llm is None:
        return [query]
    from llm_engineering.infrastructure.llm import ChatMessage, LLMError

    messages = [
        ChatMessage(role="system", content=EXPANSION_PROMPT.format(n=n - 1)),
        ChatMessage(role="user", content=query),
    ]
    try:
        answer = llm.structured(messages, QueryRewrites, temperature=0.0)  # type: ignore[attr-defined]
    except LLMError as error:
        logger.warning(f"Query expansion failed ({type(error).__name__}: {error}); using the original query.")
        return [query]
    variants = [query]
    seen = {query.strip().casefold()}
    for rewrite in answer.queries:
        text = rewrite.strip() if isinstance(rewrite, str) else ""
        if text and text.casefold() not in seen and len(text) <= 4 * max(len(query), 100):
            variants.append(text)
            seen.add(text.casefold())
    if len(variants) == 1:
        logger.warning("Query expansion gave no usable rewrite; using the original query.")
    return variants[:n]

"""Query expansion: rewrites of the question by the teacher LLM, searched alongside the original.

Only plausible rewrites are kept: not empty, not a copy of the question or of the instruction the LLM was
given, not far longer than the question, no duplicates. Any failure, or no plausible rewrite, leaves the
original query alone.
"""

from __future__ import annotations

import re

from loguru import logger
from pydantic import BaseModel, Field

EXPANSION_PROMPT = (
    "You help search a person's articles. Write {n} different rewrites of the user's question that could "
    "find the passage answering it: vary the wording, use synonyms and the technical terms the author "
    "would use. Keep every rewrite a single standalone question."
)


# A rewrite may be this many times as long as the question (plus a little, for very short questions).
MAX_LENGTH_RATIO = 3
LENGTH_SLACK_CHARS = 60
COPIED_RUN_WORDS = 6  # a rewrite holding this many consecutive words of the instruction copied it


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
    variants = [query, *plausible_rewrites(query, answer.queries, messages[0].content)]
    if len(variants) == 1:
        logger.warning("Query expansion gave no plausible rewrite; using the original query.")
    return variants[:n]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def plausible_rewrites(query: str, rewrites: list, instruction: str) -> list[str]:
    """The rewrites worth searching, in order: non-empty, not the question again, not a copy of the
    instruction, at most MAX_LENGTH_RATIO times as long as the question, no duplicates."""
    limit = MAX_LENGTH_RATIO * len(query.strip()) + LENGTH_SLACK_CHARS
    instruction_words = _words(instruction)
    instruction_runs = {
        tuple(instruction_words[i : i + COPIED_RUN_WORDS])
        for i in range(len(instruction_words) - COPIED_RUN_WORDS + 1)
    }
    seen = {tuple(_words(query))}
    kept = []
    for rewrite in rewrites:
        text = " ".join(rewrite.split()) if isinstance(rewrite, str) else ""
        words = tuple(_words(text))
        runs = {words[i : i + COPIED_RUN_WORDS] for i in range(len(words) - COPIED_RUN_WORDS + 1)}
        if not words or words in seen or len(text) > limit or runs & instruction_runs:
            continue
        seen.add(words)
        kept.append(text)
    return kept

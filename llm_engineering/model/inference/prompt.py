"""The RAG prompt: a versioned template file (prompts/<version>.txt) with a system and a user part.

The system part is the twin's system prompt that training used (`chat_template.DEFAULT_SYSTEM_PROMPT`), the
retrieved passages go into the user turn before the question, and the in-process generator renders the
messages with the chat template training used; an endpoint applies its own serving template.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from llm_engineering.domain.retrieval import RetrievedChunk
from llm_engineering.model.chat_template import DEFAULT_SYSTEM_PROMPT

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
PROMPT_VERSION = "rag_answer_v2"
MAX_PASSAGE_CHARS = 2000


class RagPrompt(BaseModel):
    version: str
    system: str
    user: str


@functools.cache
def load_template(version: str = PROMPT_VERSION) -> tuple[str, str]:
    path = PROMPTS_DIR / f"{version}.txt"
    if not path.is_file():
        known = sorted(p.stem for p in PROMPTS_DIR.glob("*.txt"))
        raise FileNotFoundError(f"No prompt template '{version}' in {PROMPTS_DIR}; known: {known}.")
    text = path.read_text(encoding="utf-8")
    if "### system\n" not in text or "\n### user\n" not in text:
        raise ValueError(f"{path} must have a '### system' part followed by a '### user' part.")
    system, user = text.split("### system\n", 1)[1].split("\n### user\n", 1)
    return system.strip(), user.strip()


def format_context(chunks: Sequence[RetrievedChunk]) -> str:
    """Numbered sources: '[1] (link)\\ncontent', in the order given."""
    if not chunks:
        return "(no passages found)"
    parts = []
    for i, chunk in enumerate(chunks, start=1):
        source = chunk.title or chunk.link or chunk.category
        parts.append(f"[{i}] ({source})\n{chunk.content[:MAX_PASSAGE_CHARS].strip()}")
    return "\n\n".join(parts)


def build_rag_prompt(
    question: str,
    chunks: Sequence[RetrievedChunk],
    author_full_name: str | None,
    version: str = PROMPT_VERSION,
) -> RagPrompt:
    system, user = load_template(version)
    author = author_full_name or next(
        (c.author_full_name for c in chunks if c.author_full_name), "the author"
    )
    values = {
        "author": author,
        "context": format_context(chunks),
        "question": question.strip(),
        "twin_system_prompt": DEFAULT_SYSTEM_PROMPT,
    }
    return RagPrompt(version=version, system=system.format(**values), user=user.format(**values))

"""Typed values the LLM client takes and returns."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field, PrivateAttr

T = TypeVar("T")


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


Messages = Sequence[ChatMessage | dict[str, str]]


def to_wire(messages: Messages) -> list[dict[str, str]]:
    """Messages as the API takes them; dicts are validated as ChatMessage first."""
    return [
        (m if isinstance(m, ChatMessage) else ChatMessage.model_validate(m)).model_dump() for m in messages
    ]


class LLMResult(BaseModel, Generic[T]):
    """One prompt's outcome in a batch: a value, or the error that made it fail (never both)."""

    value: T | None = None
    error: str | None = None
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


class LLMUsage(BaseModel):
    """What a client has spent: HTTP requests sent (retries and re-asks included), transient failures
    retried, answers served from the cache, tokens from the answers' `usage`, and the cost when prices are
    configured. Updated from several threads, hence the lock."""

    requests: int = 0
    retries: int = 0
    reasks: int = 0
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    failures_by_reason: dict[str, int] = Field(default_factory=dict)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def add_tokens(self, input_tokens: int, output_tokens: int, cost_usd: float | None) -> None:
        with self._lock:
            self.input_tokens += input_tokens
            self.output_tokens += output_tokens
            if cost_usd is not None:
                self.cost_usd = round((self.cost_usd or 0.0) + cost_usd, 8)

    def add_failure(self, reason: str) -> None:
        with self._lock:
            self.failures_by_reason[reason] = self.failures_by_reason.get(reason, 0) + 1

    def summary(self) -> dict:
        """A plain dict for logs and pipeline metadata."""
        with self._lock:
            return self.model_dump()

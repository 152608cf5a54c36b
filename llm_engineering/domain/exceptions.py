"""Errors the system raises on purpose, each with a message that says what went wrong and how to fix it."""

from llm_engineering.infrastructure.errors import (
    DatabaseConnectionError,
    ImproperlyConfigured,
    InvalidInput,
    LLMTwinError,
)

__all__ = [
    "CrawlError",
    "DatabaseConnectionError",
    "DocumentNotFoundError",
    "ImproperlyConfigured",
    "InvalidInput",
    "LLMTwinError",
    "UnknownAuthor",
    "UnsupportedLinkError",
]


class DocumentNotFoundError(LLMTwinError):
    """A document that must exist is not in the warehouse."""


class UnknownAuthor(InvalidInput):
    """An author asked for by name is not in the data warehouse (or has no writing there); the message names
    the authors it has."""


class CrawlError(LLMTwinError):
    """Crawling one link failed. `transient` tells the retry logic whether trying again can help;
    `retry_after_s`, when the server said how long to wait (Retry-After on a 429 or 503), how long."""

    def __init__(self, message: str, *, transient: bool = False, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after_s = retry_after_s


class UnsupportedLinkError(CrawlError):
    """The link cannot be crawled at all (bad URL, unsupported scheme)."""

"""Errors the system raises on purpose, each with a message that says what went wrong and how to fix it."""


class LLMTwinError(Exception):
    """Base class of the project's own errors."""


class ImproperlyConfigured(LLMTwinError):
    """A setting is missing or wrong."""


class DatabaseConnectionError(LLMTwinError):
    """The warehouse or the vector database cannot be reached."""


class DocumentNotFoundError(LLMTwinError):
    """A document that must exist is not in the warehouse."""


class CrawlError(LLMTwinError):
    """Crawling one link failed. `transient` tells the retry logic whether trying again can help."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class UnsupportedLinkError(CrawlError):
    """The link cannot be crawled at all (bad URL, unsupported scheme)."""

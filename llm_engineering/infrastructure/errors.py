"""The project's base errors, defined at the lowest layer so connection factories and clients can raise them.
`llm_engineering.domain.exceptions` re-exports them next to the domain's own errors."""


class LLMTwinError(Exception):
    """Base class of the project's own errors."""


class InvalidInput(LLMTwinError, ValueError):
    """What the caller gave is wrong (a query, a file, a config); the message says how to fix it."""


class ImproperlyConfigured(LLMTwinError):
    """A setting is missing or wrong."""


class DatabaseConnectionError(LLMTwinError):
    """The warehouse or the vector database cannot be reached."""

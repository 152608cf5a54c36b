"""Errors of the LLM client; each message says what went wrong and what to do about it."""

from __future__ import annotations

from llm_engineering.infrastructure.errors import LLMTwinError


class LLMError(LLMTwinError):
    """Base class of the LLM client's errors."""

    reason: str = "error"
    # True when the failure was read from the answer cache (a prompt that failed for good earlier).
    cached: bool = False


class LLMNotConfigured(LLMError):
    """No endpoint is configured (neither an API key nor a base URL)."""

    reason = "not_configured"


class LLMUnavailable(LLMError):
    """The endpoint did not answer usefully after every retry (connection, timeout, 429, 5xx)."""

    def __init__(self, message: str, reason: str = "unavailable") -> None:
        super().__init__(message)
        self.reason = reason


class LLMInvalidAnswer(LLMError):
    """The answer was not valid JSON for the expected schema, also after asking again with the error."""

    reason = "invalid_answer"


class LLMRequestRejected(LLMError):
    """The endpoint refused the request itself (4xx other than 408/409/429): retrying cannot help."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.reason = f"rejected_{status_code}"

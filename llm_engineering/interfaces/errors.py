"""Which HTTP status each of the project's error types answers, in one table.

Only the project's own errors (LLMTwinError) are mapped; anything else is a bug and answers 500 with no
detail, so a stray ValueError is never passed off as the caller's mistake.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from llm_engineering.domain.exceptions import (
    DatabaseConnectionError,
    DocumentNotFoundError,
    ImproperlyConfigured,
    InvalidInput,
    LLMTwinError,
)
from llm_engineering.infrastructure.llm.errors import LLMError, LLMNotConfigured, LLMUnavailable
from llm_engineering.model.inference.generators import GenerationUnavailable

# Error type -> (status, what the detail starts with). The most specific type in an error's MRO wins.
ERROR_STATUS: dict[type[LLMTwinError], tuple[int, str]] = {
    InvalidInput: (422, ""),
    DocumentNotFoundError: (404, ""),
    DatabaseConnectionError: (503, "Retrieval is unavailable: "),
    ImproperlyConfigured: (503, "The service is not configured: "),
    GenerationUnavailable: (503, "The twin's LLM is unavailable: "),
    LLMNotConfigured: (503, "The service is not configured: "),
    LLMUnavailable: (503, "An LLM the service calls is unavailable: "),
    LLMError: (502, "An LLM the service calls gave no usable answer: "),
    LLMTwinError: (500, "The service failed: "),
}


def status_of(error: LLMTwinError) -> tuple[int, str]:
    """(status, detail) for a project error: the table's entry for the nearest type in its MRO."""
    for cls in type(error).__mro__:
        if cls in ERROR_STATUS:
            status, prefix = ERROR_STATUS[cls]
            return status, f"{prefix}{error}"
    raise TypeError(f"{type(error).__name__} is not an LLMTwinError")  # unreachable: LLMTwinError is mapped


def add_error_statuses(app: FastAPI) -> None:
    """Answer every LLMTwinError that reaches the app by the table."""

    async def answer(_: Request, error: Exception) -> JSONResponse:
        status, detail = status_of(error)  # type: ignore[arg-type]  # registered for LLMTwinError only
        return JSONResponse(status_code=status, content={"detail": detail})

    app.add_exception_handler(LLMTwinError, answer)

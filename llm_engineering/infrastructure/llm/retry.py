"""The one retry policy of the LLM client (the SDK's own retries are off).

Transient failures (connection errors, timeouts, 408, 409, 429 and 5xx) are retried with exponential
backoff and full jitter; a `Retry-After` (or `retry-after-ms`) header from the server sets the wait instead.
Anything else is not retried: a 400 or 401 will not get better by asking again.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from typing import TypeVar

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from llm_engineering.infrastructure.llm.config import LLMClientConfig
from llm_engineering.infrastructure.llm.errors import LLMError, LLMRequestRejected, LLMUnavailable

T = TypeVar("T")
RETRYABLE_STATUS = {408, 409, 429}


def is_transient(error: BaseException) -> bool:
    if isinstance(error, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in RETRYABLE_STATUS or error.status_code >= 500
    return False


def failure_reason(error: BaseException) -> str:
    """A short, stable name for counting failures by kind."""
    if isinstance(error, openai.APITimeoutError):
        return "timeout"
    if isinstance(error, openai.APIConnectionError):
        return "connection_error"
    if isinstance(error, openai.APIStatusError):
        if error.status_code == 429:
            return "rate_limited"
        return "server_error" if error.status_code >= 500 else f"http_{error.status_code}"
    return type(error).__name__


def retry_after_s(error: BaseException) -> float | None:
    """The wait the server asked for, in seconds, when it said one."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    if (value := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class RetryPolicy:
    def __init__(self, config: LLMClientConfig, on_retry: Callable[[BaseException], None]) -> None:
        self.config = config
        self.on_retry = on_retry

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = retry_after_s(error) if error is not None else None
        if asked is not None:
            return asked
        ceiling = min(self.config.backoff_max_s, self.config.backoff_base_s * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)

    def _before_sleep(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if error is not None:
            self.on_retry(error)

    def call(self, function: Callable[[], T], what: str) -> T:
        """`function()` under the policy; a final failure becomes LLMUnavailable or LLMRequestRejected."""
        retrying = Retrying(
            stop=stop_after_attempt(self.config.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(self._retryable),
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            return retrying(function)
        except LLMError:
            raise
        except openai.APIStatusError as error:
            if is_transient(error):
                raise self._unavailable(error, what) from error
            raise LLMRequestRejected(
                f"{what}: the endpoint refused the request with HTTP {error.status_code}: {error.message}. "
                "Check OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL_ID.",
                error.status_code,
            ) from error
        except openai.APIConnectionError as error:
            raise self._unavailable(error, what) from error

    def _retryable(self, error: BaseException) -> bool:
        if not is_transient(error):
            return False
        asked = retry_after_s(error)
        return asked is None or asked <= self.config.max_retry_after_s

    def _unavailable(self, error: BaseException, what: str) -> LLMUnavailable:
        reason = failure_reason(error)
        detail = f"HTTP {error.status_code}" if isinstance(error, openai.APIStatusError) else str(error)
        return LLMUnavailable(
            f"{what}: {self.config.endpoint} unavailable ({reason}: {detail}) after "
            f"{self.config.max_retries} retries; run again later (answers so far are cached).",
            reason=reason,
        )

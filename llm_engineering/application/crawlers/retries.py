"""Retrying a link's transient failures (timeouts, 429/5xx, dropped connections) with tenacity.

Exponential backoff with jitter (base, 2*base, 4*base... capped, plus up to one base more); a server's
Retry-After is honoured within RETRY_AFTER_MAX_S; permanent failures are never retried.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)
from tenacity.wait import wait_base

from llm_engineering.application.crawlers.base import CrawlResult
from llm_engineering.domain.exceptions import LLMTwinError

BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
RETRY_AFTER_MAX_S = 60.0  # a server asking for a longer wait than this gets this


class TransientFailure(LLMTwinError):
    """A failed attempt worth another: carries its result and the wait the server asked for, if any."""

    def __init__(self, result: CrawlResult, retry_after_s: float | None = None) -> None:
        super().__init__(result.reason)
        self.result = result
        self.retry_after_s = retry_after_s


class wait_backoff_or_retry_after(wait_base):  # noqa: N801 - named like tenacity's own wait strategies
    """Exponential backoff with full jitter on top, or the server's Retry-After when that is longer."""

    def __init__(self, base_s: float) -> None:
        self.backoff = wait_exponential(multiplier=base_s, max=BACKOFF_MAX_S) + wait_random(0, base_s)

    def __call__(self, retry_state: RetryCallState) -> float:
        delay = self.backoff(retry_state)
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(failure, TransientFailure) and failure.retry_after_s is not None:
            delay = max(delay, min(failure.retry_after_s, RETRY_AFTER_MAX_S))
        return delay


def backoff_delay(attempt: int, base_s: float) -> float:
    """The wait after failed attempt number `attempt` (1-based) when the server asked for none."""
    state = RetryCallState(retry_object=Retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    return wait_backoff_or_retry_after(base_s)(state)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time, so a test can replace time.sleep


def crawl_with_retries(
    attempt: Callable[[int], CrawlResult],
    *,
    max_retries: int,
    backoff_base_s: float,
    on_retry: Callable[[TransientFailure, int, float], None],
) -> CrawlResult:
    """`attempt(n)` until it returns, or until it raised TransientFailure `max_retries` + 1 times: then the
    last failure's result. `on_retry(failure, attempt_number, wait_s)` is called before each wait."""

    def before_sleep(state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        if isinstance(failure, TransientFailure) and state.next_action is not None:
            on_retry(failure, state.attempt_number, state.next_action.sleep)

    def give_up(state: RetryCallState) -> CrawlResult:
        failure = state.outcome.exception() if state.outcome else None
        if not isinstance(failure, TransientFailure):  # pragma: no cover - retry only catches these
            raise RuntimeError("retry ended without a transient failure") from failure
        return failure.result

    retrying = Retrying(
        retry=retry_if_exception_type(TransientFailure),
        stop=stop_after_attempt(max_retries + 1),
        wait=wait_backoff_or_retry_after(backoff_base_s),
        sleep=_sleep,
        before_sleep=before_sleep,
        retry_error_callback=give_up,
    )
    attempts = 0

    def next_attempt() -> CrawlResult:
        nonlocal attempts
        attempts += 1
        return attempt(attempts)

    return retrying(next_attempt)

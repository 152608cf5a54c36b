"""LLMClient: chat completions from any OpenAI-compatible endpoint, with structured outputs validated
against pydantic models, one retry policy, bounded concurrency, an answer cache on disk and accounting.

The SDK client is created on first use (no network at import) with its own retries off, so that every
retry goes through RetryPolicy and is counted once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

import openai
from pydantic import BaseModel
from tqdm import tqdm

from llm_engineering.infrastructure.llm import structured_output as so
from llm_engineering.infrastructure.llm.cache import AnswerCache, CacheEntry, cache_key
from llm_engineering.infrastructure.llm.config import NOT_CONFIGURED_HELP, LLMClientConfig
from llm_engineering.infrastructure.llm.errors import (
    LLMError,
    LLMInvalidAnswer,
    LLMNotConfigured,
    LLMRequestRejected,
    LLMUnavailable,
)
from llm_engineering.infrastructure.llm.retry import RetryPolicy
from llm_engineering.infrastructure.llm.schemas import LLMResult, LLMUsage, Messages, to_wire
from llm_engineering.settings import get_settings

T = TypeVar("T", bound=BaseModel)


class LLMClient:
    def __init__(self, config: LLMClientConfig) -> None:
        self.config = config
        self.usage = LLMUsage()
        self.cache = AnswerCache(config.cache_dir) if config.cache_dir else None
        self._retry = RetryPolicy(config, on_retry=lambda _error: self.usage.add(retries=1))
        self._sdk: openai.OpenAI | None = None
        self._sdk_lock = threading.Lock()

    @classmethod
    def from_settings(cls, **overrides: Any) -> LLMClient:
        """A client for the configured endpoint; LLMNotConfigured (naming the settings) when there is none."""
        config = LLMClientConfig.from_settings(**overrides)
        if not config.is_configured:
            raise LLMNotConfigured(NOT_CONFIGURED_HELP)
        return cls(config)

    @staticmethod
    def is_configured() -> bool:
        settings = get_settings()
        return settings.OPENAI_API_KEY is not None or bool(settings.OPENAI_BASE_URL)

    @property
    def sdk(self) -> openai.OpenAI:
        with self._sdk_lock:
            if self._sdk is None:
                key = self.config.api_key.get_secret_value() if self.config.api_key else "not-needed"
                self._sdk = openai.OpenAI(
                    base_url=self.config.base_url,
                    api_key=key,
                    timeout=self.config.timeout_s,
                    max_retries=0,
                )
            return self._sdk

    # --- one request ----------------------------------------------------------------------------------------

    def _complete(
        self,
        messages: list[dict[str, str]],
        temperature: float,
        max_tokens: int | None,
        response_format: dict[str, Any] | None = None,
    ) -> str | None:
        kwargs = self._request(messages, temperature, max_tokens, response_format=response_format)
        completion = self._send(kwargs, f"chat completion with {self.config.model}")
        self._account(completion.usage)
        if not completion.choices:
            return None
        return completion.choices[0].message.content

    def _request(
        self, messages: list[dict[str, str]], temperature: float, max_tokens: int | None, **extra: Any
    ) -> dict[str, Any]:
        kwargs = {"model": self.config.model, "messages": messages, "temperature": temperature}
        optional = {"max_tokens": max_tokens, **extra}
        return kwargs | {name: value for name, value in optional.items() if value is not None}

    def _send(self, kwargs: dict[str, Any], what: str) -> Any:
        def send() -> Any:
            self.usage.add(requests=1)
            return self.sdk.chat.completions.create(**kwargs)

        return self._retry.call(send, what)

    def _account(self, usage: Any) -> None:
        if usage is None:
            return
        input_tokens, output_tokens = usage.prompt_tokens or 0, usage.completion_tokens or 0
        self.usage.add_tokens(input_tokens, output_tokens, self.config.cost_usd(input_tokens, output_tokens))

    def _key(self, kind: str, messages: list[dict[str, str]], **params: Any) -> str | None:
        if self.cache is None:
            return None
        payload = {"kind": kind, "endpoint": self.config.endpoint, "model": self.config.model}
        return cache_key({**payload, "messages": messages, **params})

    # --- structured outputs ---------------------------------------------------------------------------------

    def structured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        use_cache: bool = True,
        retry_failed: bool = False,
        cache_scope: str = "",
    ) -> T:
        """The answer as `response_model`. An invalid answer is asked again once with the validation error,
        then LLMInvalidAnswer; LLMUnavailable after the retries; LLMRequestRejected for a refused request.
        `cache_scope` is part of the cache key (e.g. the dataset type a sample is asked for)."""
        value, _cached = self._structured(
            messages, response_model, temperature, max_tokens, use_cache, retry_failed, cache_scope
        )
        return value

    def _structured(
        self,
        messages: Messages,
        response_model: type[T],
        temperature: float,
        max_tokens: int | None,
        use_cache: bool,
        retry_failed: bool,
        cache_scope: str = "",
    ) -> tuple[T, bool]:
        mode = self.config.structured_output
        wire = to_wire(messages)
        if mode == "json_object":
            wire = so.with_schema_prompt(wire, response_model)
        response_format = so.response_format(response_model, mode)
        key = self._key(
            "structured",
            wire,
            temperature=temperature,
            max_tokens=max_tokens,
            response_format=response_format,
            scope=cache_scope,
        )
        key = key if use_cache else None
        if key is not None and self.cache is not None and (entry := self.cache.get(key)) is not None:
            cached = self._from_cache(entry, response_model, retry_failed)
            if cached is not None:
                return cached, True
        try:
            content, value = self._ask_valid(wire, response_model, temperature, max_tokens, response_format)
        except (LLMInvalidAnswer, LLMRequestRejected) as error:  # for good: remembered, not paid for again
            self.usage.add_failure(error.reason)
            if key is not None and self.cache is not None:
                self.cache.put(key, CacheEntry(status="failed", reason=error.reason, error=str(error)))
            raise
        except LLMUnavailable as error:  # transient: not cached, the next run asks again
            self.usage.add_failure(error.reason)
            raise
        if key is not None and self.cache is not None:
            self.cache.put(key, CacheEntry(status="ok", content=content))
        return value, False

    def _from_cache(self, entry: CacheEntry, response_model: type[T], retry_failed: bool) -> T | None:
        if entry.status == "ok":
            try:
                value = so.parse_answer(entry.content, response_model)
            except ValueError:
                return None  # stored under an older model version: ask again
            self.usage.add(cache_hits=1)
            return value
        if retry_failed:
            return None
        self.usage.add(cache_hits=1)
        self.usage.add_failure(entry.reason or "failed")
        error = LLMInvalidAnswer(f"{entry.error} (cached failure; retry failed prompts to ask again)")
        error.reason = entry.reason or error.reason
        error.cached = True
        raise error

    def _ask_valid(
        self,
        wire: list[dict[str, str]],
        response_model: type[T],
        temperature: float,
        max_tokens: int | None,
        response_format: dict[str, Any],
    ) -> tuple[str, T]:
        content = self._complete(wire, temperature, max_tokens, response_format)
        try:
            return content or "", so.parse_answer(content, response_model)
        except ValueError as first:
            self.usage.add(reasks=1)
            reask = [
                *wire,
                {"role": "assistant", "content": content or ""},
                {"role": "user", "content": so.REASK_PROMPT.format(error=so.short_error(first))},
            ]
            content = self._complete(reask, temperature, max_tokens, response_format)
            try:
                return content or "", so.parse_answer(content, response_model)
            except ValueError as second:
                raise LLMInvalidAnswer(
                    f"the answer did not match {response_model.__name__}, also when asked again with the "
                    f"error: {so.short_error(second, 300)}"
                ) from second

    def structured_many(
        self,
        prompts: Sequence[Messages],
        response_model: type[T],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        use_cache: bool = True,
        retry_failed: bool = False,
        progress: str | None = None,
        cache_scope: str = "",
    ) -> list[LLMResult[T]]:
        """Every prompt's result, in input order, asked `config.concurrency` at a time. A failed prompt is
        an LLMResult with its error; the others go on."""
        result_type = LLMResult[response_model]  # type: ignore[valid-type]

        def one(messages: Messages) -> LLMResult[T]:
            try:
                value, cached = self._structured(
                    messages, response_model, temperature, max_tokens, use_cache, retry_failed, cache_scope
                )
            except LLMError as error:
                return result_type(error=str(error), cached=error.cached)
            return result_type(value=value, cached=cached)

        with ThreadPoolExecutor(max_workers=max(1, self.config.concurrency)) as pool:
            futures = [pool.submit(one, messages) for messages in prompts]
            with tqdm(total=len(futures), desc=progress, disable=progress is None, unit="prompt") as bar:
                for _ in as_completed(futures):
                    bar.update(1)
            return [future.result() for future in futures]

    # --- plain text -------------------------------------------------------------------------------------------

    def text(
        self,
        messages: Messages,
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        use_cache: bool = True,
    ) -> str:
        wire = to_wire(messages)
        key = self._key("text", wire, temperature=temperature, max_tokens=max_tokens) if use_cache else None
        if key is not None and self.cache is not None:
            entry = self.cache.get(key)
            if entry is not None and entry.status == "ok" and entry.content is not None:
                self.usage.add(cache_hits=1)
                return entry.content
        try:
            content = self._complete(wire, temperature, max_tokens)
        except LLMError as error:
            self.usage.add_failure(error.reason)
            raise
        if content is None:
            self.usage.add_failure(LLMInvalidAnswer.reason)
            raise LLMInvalidAnswer(f"{self.config.model} returned no text.")
        if key is not None and self.cache is not None:
            self.cache.put(key, CacheEntry(status="ok", content=content))
        return content

    def stream_text(
        self, messages: Messages, *, temperature: float = 0.0, max_tokens: int | None = None
    ) -> Iterator[str]:
        """The answer's text as it arrives (never cached). Retries cover the request, not a broken stream."""
        kwargs = self._request(to_wire(messages), temperature, max_tokens, stream=True)
        stream = self._send(kwargs, f"streamed chat completion with {self.config.model}")
        try:
            for chunk in stream:
                self._account(getattr(chunk, "usage", None))
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.APIError as error:
            self.usage.add_failure("stream_broken")
            raise LLMUnavailable(
                f"the stream from {self.config.endpoint} broke off: {error}", "stream_broken"
            ) from error

"""The twin's generators: an OpenAI-compatible endpoint, or a transformers model in this process.

Both take the RAG prompt's system and user messages and answer whole or as a stream of text pieces. They
are blocking: the service runs them in worker threads, never on its event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from loguru import logger

from llm_engineering.domain.exceptions import LLMTwinError
from llm_engineering.model.generation_settings import GenerationSettings


class GenerationUnavailable(LLMTwinError):
    """The model cannot answer now (endpoint unreachable, timed out, overloaded, or failed to load)."""


class Generator(Protocol):
    description: str

    def generate(self, system: str, user: str, max_new_tokens: int, temperature: float) -> str: ...

    def stream(self, system: str, user: str, max_new_tokens: int, temperature: float) -> Iterator[str]: ...


class EndpointGenerator:
    """An OpenAI-compatible chat endpoint (vLLM, TGI, Ollama, llama.cpp server, a hosted API)."""

    def __init__(self, base_url: str, model_id: str, api_key: Any = None, timeout_s: float = 120.0) -> None:
        from llm_engineering.infrastructure.llm import LLMClient, LLMClientConfig

        self.description = f"OpenAI-compatible endpoint {base_url} (model '{model_id}')"
        # One retry: a user is waiting; the service reports an unreachable endpoint instead of stalling.
        self._client = LLMClient(
            LLMClientConfig(
                base_url=base_url, api_key=api_key, model=model_id, timeout_s=timeout_s, max_retries=1
            )
        )

    def _messages(self, system: str, user: str) -> list[Any]:
        from llm_engineering.infrastructure.llm import ChatMessage

        return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]

    def generate(self, system: str, user: str, max_new_tokens: int, temperature: float) -> str:
        from llm_engineering.infrastructure.llm import LLMError

        try:
            return self._client.text(
                self._messages(system, user),
                temperature=temperature,
                max_tokens=max_new_tokens,
                use_cache=False,
            )
        except LLMError as error:
            raise GenerationUnavailable(f"the twin's endpoint failed: {error}") from error

    def stream(self, system: str, user: str, max_new_tokens: int, temperature: float) -> Iterator[str]:
        from llm_engineering.infrastructure.llm import LLMError

        try:
            yield from self._client.stream_text(
                self._messages(system, user), temperature=temperature, max_tokens=max_new_tokens
            )
        except LLMError as error:
            raise GenerationUnavailable(f"the twin's endpoint failed: {error}") from error


class LocalGenerator:
    """A model folder (merged, or base + LoRA adapter) or the packaged small model, run with transformers.

    One generation at a time: a CPU model gains nothing from parallel calls and the tokenizer is shared.
    `settings` hold the repetition guard and stop sequences; each call sets its length and temperature.
    """

    def __init__(
        self,
        path: str | Path | None,
        description: str,
        device: str = "cpu",
        settings: GenerationSettings | None = None,
    ) -> None:
        self.path = path
        self.description = description
        self.device = device
        self.settings = settings or GenerationSettings()
        self._loaded: tuple[Any, Any] | None = None
        self._load_lock = threading.Lock()
        self._generate_lock = threading.Lock()

    def _model(self) -> tuple[Any, Any]:
        if self._loaded is None:
            with self._load_lock:
                if self._loaded is None:
                    from llm_engineering.model.loading import load_model_for_inference

                    try:
                        model, tokenizer, info = load_model_for_inference(self.path, device=self.device)
                    except (OSError, ValueError, RuntimeError) as error:
                        raise GenerationUnavailable(
                            f"cannot load the twin model {self.path}: {error}"
                        ) from error
                    logger.info(f"Twin model loaded: {info}")
                    self._loaded = (model, tokenizer)
        return self._loaded

    def _inputs(self, tokenizer: Any, system: str, user: str) -> Any:
        from llm_engineering.model.chat_template import format_prompt

        prompt = format_prompt(tokenizer, user, system=system)
        return tokenizer(prompt, return_tensors="pt", add_special_tokens=False)

    def _settings(self, max_new_tokens: int, temperature: float) -> GenerationSettings:
        return self.settings.model_copy(update={"max_new_tokens": max_new_tokens, "temperature": temperature})

    def generate(self, system: str, user: str, max_new_tokens: int, temperature: float) -> str:
        return "".join(self.stream(system, user, max_new_tokens, temperature))

    def stream(self, system: str, user: str, max_new_tokens: int, temperature: float) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        model, tokenizer = self._model()
        settings = self._settings(max_new_tokens, temperature)
        inputs = self._inputs(tokenizer, system, user).to(model.device)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=300)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                model.generate(
                    **inputs,
                    streamer=streamer,
                    **settings.generate_kwargs(tokenizer, inputs["input_ids"].shape[1]),
                )
            except BaseException as error:  # surfaced to the caller below, after the streamer ends
                errors.append(error)
                streamer.end()

        with self._generate_lock:
            worker = threading.Thread(target=run, name="twin-generate", daemon=True)
            worker.start()
            yield from _until_stop(streamer, settings)
            worker.join()
        if errors:
            raise GenerationUnavailable(f"generation failed: {errors[0]}") from errors[0]


def _until_stop(pieces: Iterator[str], settings: GenerationSettings) -> Iterator[str]:
    """The streamed pieces up to the first stop sequence; the generation thread stops by itself."""
    held = ""  # text that may be the start of a stop sequence, not yet sent
    longest = max((len(stop) for stop in settings.stop_sequences), default=0)
    stopped = False
    for piece in pieces:
        if stopped or not piece:
            continue  # drain the streamer so the generation thread can finish
        held += piece
        cut = settings.cut_at_stop(held)
        if len(cut) < len(held):
            stopped = True
            if cut:
                yield cut
            continue
        safe = len(held) - max(longest - 1, 0)
        if safe > 0:
            yield held[:safe]
            held = held[safe:]
    if not stopped and held:
        yield held

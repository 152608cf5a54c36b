"""RagService: retrieval and generation wired together for the API (blocking calls; the app runs them in
worker threads)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from llm_engineering.application.rag.config import RetrievalConfig
from llm_engineering.application.rag.reranking import reranker_status
from llm_engineering.application.rag.retriever import ContextRetriever, RetrievalResult
from llm_engineering.application.rag.search import searchable_collections
from llm_engineering.interfaces.schemas import RagRequest, RetrieveRequest
from llm_engineering.interfaces.tracing import opik_enabled, traced
from llm_engineering.model.inference.generators import Generator
from llm_engineering.model.inference.prompt import PROMPT_VERSION, RagPrompt, build_rag_prompt
from llm_engineering.model.inference.resolution import GeneratorChoice, build_generator, choose_generator
from llm_engineering.settings import get_settings


class RagService:
    def __init__(
        self,
        retriever: ContextRetriever | None = None,
        generator: Generator | None = None,
        choice: GeneratorChoice | None = None,
    ) -> None:
        self.retriever = retriever or ContextRetriever(RetrievalConfig.from_settings())
        self.choice = choice or (
            GeneratorChoice(kind="given", location=None, description=generator.description)
            if generator
            else choose_generator()
        )
        self._generator = generator
        self._lock = threading.Lock()
        self._retrieve = traced("retrieval", self._retrieve_untraced)
        self._generate = traced("generation", self._generate_untraced)

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            with self._lock:
                if self._generator is None:
                    self._generator = build_generator(self.choice)
        return self._generator

    def health(self) -> dict[str, Any]:
        settings = get_settings()
        return {
            "status": "ok",
            "generator": {"kind": self.choice.kind, "description": self.choice.description},
            # The registered llm_twin version served (name, number, stage, folders), or null.
            "model_version": version.model_dump() if (version := self.choice.model_version) else None,
            "prompt_version": PROMPT_VERSION,
            "collections": [cls.get_collection_name() for cls in searchable_collections()],
            "reranker": {
                "enabled": self.retriever.config.reranking,
                "model": settings.RERANKING_CROSS_ENCODER_MODEL_ID,
                "status": reranker_status(self.retriever.config.reranker_model_id),
            },
            "opik_tracing": opik_enabled(),
        }

    def _retrieve_untraced(self, query: str, k: int, author_full_name: str | None) -> RetrievalResult:
        return self.retriever.retrieve(query, k=k, author_full_name=author_full_name)

    def retrieve(self, request: RetrieveRequest) -> RetrievalResult:
        return self._retrieve(request.query, request.k, request.author_full_name)

    def prompt(self, request: RagRequest, result: RetrievalResult) -> RagPrompt:
        return build_rag_prompt(request.query, result.chunks, result.trace.author_full_name)

    def _generate_untraced(self, system: str, user: str) -> str:
        settings = get_settings()
        return self.generator.generate(
            system, user, settings.INFERENCE_MAX_NEW_TOKENS, settings.INFERENCE_TEMPERATURE
        )

    def generate(self, prompt: RagPrompt) -> str:
        return self._generate(prompt.system, prompt.user)

    def stream(self, prompt: RagPrompt) -> Iterator[str]:
        settings = get_settings()
        return iter(
            self.generator.stream(
                prompt.system, prompt.user, settings.INFERENCE_MAX_NEW_TOKENS, settings.INFERENCE_TEMPERATURE
            )
        )

"""ContextRetriever: the one entry point of retrieval (self-query, expansion, hybrid search, reranking)."""

from __future__ import annotations

import threading
import time
from typing import Any, Literal

from loguru import logger
from pydantic import BaseModel, Field

from llm_engineering.application.rag.config import RetrievalConfig, SearchMethod
from llm_engineering.application.rag.query_expansion import expand_query
from llm_engineering.application.rag.reranking import rerank
from llm_engineering.application.rag.search import encode_queries, fuse_ranked_lists, search
from llm_engineering.application.rag.self_query import extract_author, known_authors, match_author
from llm_engineering.domain.exceptions import InvalidInput, UnknownAuthor
from llm_engineering.domain.retrieval import RetrievedChunk

MAX_K = 50
_AUTO: Any = object()


class RetrievalTrace(BaseModel):
    """What one search did, for logs, traces and the CLI."""

    queries: list[str]
    author_full_name: str | None = None
    author_source: Literal["given", "question", "none"] = "none"
    method: SearchMethod
    reranked: bool = False
    timings_ms: dict[str, float] = Field(default_factory=dict)


class RetrievalResult(BaseModel):
    chunks: list[RetrievedChunk]
    trace: RetrievalTrace


def teacher_llm_from_settings() -> Any:
    """The configured teacher LLM client (OPENAI_*), or None when none is configured."""
    from llm_engineering.infrastructure.llm import LLMClient

    return LLMClient.from_settings() if LLMClient.is_configured() else None


class ContextRetriever:
    """`llm`: an LLM client for self-query fallback and expansion; by default the configured teacher, if any."""

    def __init__(self, config: RetrievalConfig | None = None, llm: Any = _AUTO) -> None:
        self.config = config or RetrievalConfig.from_settings()
        self._llm = llm
        self._llm_lock = threading.Lock()

    @property
    def llm(self) -> Any:
        if self._llm is _AUTO:
            with self._llm_lock:
                if self._llm is _AUTO:
                    self._llm = teacher_llm_from_settings()
                    if self._llm is None:
                        logger.info(
                            "No teacher LLM configured (OPENAI_API_KEY / OPENAI_BASE_URL): query expansion "
                            "and the LLM self-query fallback are off."
                        )
        return self._llm

    def search(
        self,
        query: str,
        k: int = 5,
        author_full_name: str | None = None,
        expand_to_n_queries: int | None = None,
        method: SearchMethod = SearchMethod.HYBRID,
        use_reranker: bool | None = None,
    ) -> list[RetrievedChunk]:
        return self.retrieve(query, k, author_full_name, expand_to_n_queries, method, use_reranker).chunks

    def retrieve(
        self,
        query: str,
        k: int = 5,
        author_full_name: str | None = None,
        expand_to_n_queries: int | None = None,
        method: SearchMethod = SearchMethod.HYBRID,
        use_reranker: bool | None = None,
    ) -> RetrievalResult:
        query = query.strip() if isinstance(query, str) else ""
        if not query:
            raise InvalidInput("The query is empty: pass the question to search for.")
        if not 1 <= k <= MAX_K:
            raise InvalidInput(f"k must be between 1 and {MAX_K}, got {k}.")
        timings: dict[str, float] = {}
        started = time.perf_counter()

        author, source = self._author(query, author_full_name)
        timings["self_query"] = _ms_since(started)

        n = self.config.expand_to_n_queries if expand_to_n_queries is None else expand_to_n_queries
        mark = time.perf_counter()
        variants = expand_query(query, n, self.llm if n > 1 else None)
        timings["expansion"] = _ms_since(mark)

        mark = time.perf_counter()
        vectors = encode_queries(variants, self.config.query)
        timings["encoding"] = _ms_since(mark)

        reranking = self.config.reranking if use_reranker is None else use_reranker
        limit = max(k, self.config.rerank_candidates) if reranking else k
        mark = time.perf_counter()
        lists = [search(v, method, limit, self.config.fusion, author) for v in vectors]
        candidates = lists[0] if len(lists) == 1 else fuse_ranked_lists(lists)
        timings["search"] = _ms_since(mark)

        chunks = candidates[:k]
        reranked = False
        if reranking and candidates:
            mark = time.perf_counter()
            pool = candidates[: self.config.rerank_candidates]
            result = rerank(query, pool, self.config.reranker_model_id, k)
            if result is not None:
                chunks, reranked = result, True
            timings["rerank"] = _ms_since(mark)
        timings["total"] = _ms_since(started)
        trace = RetrievalTrace(
            queries=variants,
            author_full_name=author,
            author_source=source,
            method=method,
            reranked=reranked,
            timings_ms=timings,
        )
        return RetrievalResult(chunks=chunks, trace=trace)

    def _author(
        self, query: str, given: str | None
    ) -> tuple[str | None, Literal["given", "question", "none"]]:
        if given and given.strip():
            authors = known_authors()
            canonical = match_author(given, authors)
            if canonical is None and authors:
                raise UnknownAuthor(
                    f"Unknown author '{given.strip()[:200]}': the data warehouse has {', '.join(authors)}. "
                    "Use one of these names, or leave author_full_name out to search everyone."
                )
            return canonical or given.strip(), "given"
        llm = self.llm if self.config.self_query_llm else None
        found = extract_author(query, llm)
        return found, "question" if found else "none"


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)

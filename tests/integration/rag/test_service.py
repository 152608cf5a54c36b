"""The inference service over real HTTP: retrieval on an indexed corpus, the twin behind a loopback
OpenAI-compatible server, authentication, input limits, streaming and an unreachable LLM."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from llm_engineering.application.rag.config import RetrievalConfig
from llm_engineering.application.rag.retriever import ContextRetriever
from llm_engineering.interfaces.app import create_app
from llm_engineering.interfaces.server import serve_in_thread
from llm_engineering.interfaces.service import RagService
from llm_engineering.model.chat_template import DEFAULT_SYSTEM_PROMPT
from llm_engineering.model.inference.generators import EndpointGenerator
from llm_engineering.settings import get_settings
from tests.integration.rag.service_support import read_events
from tests.support.openai_server import OpenAICompatibleServer, Reply

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROOT = Path(__file__).resolve().parents[3]
ANSWER = "In my karate club example the edge index holds 156 directed edges [1]."


@pytest.fixture(scope="module")
def twin_llm() -> Iterator[OpenAICompatibleServer]:
    def answer(body: dict) -> Reply:
        delay = 1.0 if "SLOW" in body["messages"][-1]["content"] else 0.0
        return Reply(content=ANSWER, delay_s=delay)

    with OpenAICompatibleServer(answer) as server:
        yield server


@pytest.fixture(scope="module")
def service(indexed_corpus: Path, twin_llm: OpenAICompatibleServer) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INFERENCE_API_TOKEN", TOKEN)
        get_settings.cache_clear()
        rag = RagService(
            retriever=ContextRetriever(RetrievalConfig(reranking=False, expand_to_n_queries=1), llm=None),
            generator=EndpointGenerator(twin_llm.base_url, "twin", timeout_s=10),
        )
        with serve_in_thread(create_app(rag)) as url:
            yield url
    get_settings.cache_clear()


def post(url: str, path: str, body: object, headers: dict | None = None, **kwargs: object) -> httpx.Response:
    return httpx.post(
        url + path, json=body, headers=AUTH if headers is None else headers, timeout=60, **kwargs
    )


def test_health_needs_no_token_and_names_the_generator(service: str) -> None:
    health = httpx.get(service + "/health", timeout=30).json()
    assert health["status"] == "ok"
    assert "OpenAI-compatible endpoint" in health["generator"]["description"]
    assert health["prompt_version"] == "rag_answer_v2"
    assert "embedded_articles" in health["collections"]


def test_every_other_endpoint_needs_the_bearer_token(service: str) -> None:
    body = {"query": "karate club edges"}
    assert post(service, "/retrieve", body, headers={}).status_code == 401
    wrong = post(service, "/retrieve", body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "INFERENCE_API_TOKEN" in wrong.json()["detail"]
    assert post(service, "/rag", body, headers={"Authorization": TOKEN}).status_code == 401
    assert post(service, "/retrieve", body).status_code == 200


def test_retrieve_returns_ranked_chunks(service: str) -> None:
    response = post(service, "/retrieve", {"query": "How many directed edges in the karate club?", "k": 2})
    results = response.json()["results"]
    assert len(results) == 2
    assert results[0]["link"] == "https://example.com/maxime/graphs"
    assert {"content", "author_full_name", "document_id", "category", "score"} <= set(results[0])
    # The document's title (a field of its own since cleaning) and platform survive to the passage.
    assert results[0]["title"] == "Graph neural networks" and results[0]["platform"] == "example"
    assert "publication_date" in results[0]


def test_rag_answers_with_numbered_sources_in_the_prompt(
    service: str, twin_llm: OpenAICompatibleServer
) -> None:
    before = len(twin_llm.requests)
    response = post(service, "/rag", {"query": "How many directed edges in the karate club?", "k": 2})
    assert response.status_code == 200
    data = response.json()
    assert data["answer"] == ANSWER
    assert data["sources"][0]["link"] == "https://example.com/maxime/graphs"
    assert data["sources"][0]["author_full_name"] == "Maxime Labonne"
    assert data["sources"][0]["title"] == "Graph neural networks"
    assert data["sources"][0]["platform"] == "example"
    sent = twin_llm.requests[before]["messages"]
    assert sent[0] == {"role": "system", "content": DEFAULT_SYSTEM_PROMPT}  # the prompt training used
    assert "Maxime Labonne's voice" in sent[1]["content"]
    assert "[1] (Graph neural networks)" in sent[1]["content"] and "156 directed edges" in sent[1]["content"]
    assert data["sources"][0]["passages"] and "156 directed edges" in data["sources"][0]["passages"][0]


def test_an_unknown_author_is_a_422_naming_the_known_authors(service: str) -> None:
    for path in ("/rag", "/retrieve"):
        response = post(service, path, {"query": "What is quantization?", "author_full_name": "Nobody Known"})
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        assert "Unknown author 'Nobody Known'" in detail
        assert "Maxime Labonne" in detail and "Zoé Núñez" in detail


def test_a_too_long_query_is_refused_without_echoing_it(service: str) -> None:
    query = "why " * 1250  # 5,000 characters
    response = post(service, "/rag", {"query": query})
    assert response.status_code == 422
    assert "5000 characters long; the limit is 4000" in response.text
    assert query[:200] not in response.text and len(response.text) < 1000


def test_rag_streams_token_events_then_sources_then_done(service: str) -> None:
    body = {"query": "How many directed edges in the karate club?", "stream": True}
    with httpx.stream("POST", service + "/rag", json=body, headers=AUTH, timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_events(response.iter_lines())
    names = [name for name, _, _ in events]
    assert names[-2:] == ["sources", "done"]
    tokens = [data["text"] for name, data, _ in events if name == "token"]
    assert len(tokens) > 3 and "".join(tokens) == ANSWER  # many events as the pieces come, not one at the end
    assert events[-2][1]["sources"][0]["link"] and events[-2][1]["sources"][0]["title"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"query": ""}, "must not be empty"),
        ({"query": "   "}, "must not be empty"),
        ({"query": "x" * 4001}, "limit is 4000"),
        ({"query": "ok", "k": 0}, "greater than or equal to 1"),
        ({"query": "ok", "k": 51}, "less than or equal to 50"),
        ({"k": 3}, "query"),
        (["not", "an", "object"], "dict"),
    ],
)
def test_bad_input_is_a_4xx_with_a_message(service: str, body: object, fragment: str) -> None:
    response = post(service, "/rag", body)
    assert response.status_code == 422
    assert fragment in json.dumps(response.json())


def test_malformed_json_and_oversized_bodies_are_refused(service: str) -> None:
    broken = httpx.post(
        service + "/retrieve", content=b'{"query": ', headers={**AUTH, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and "JSON" in broken.text
    huge = post(service, "/retrieve", {"query": "x", "padding": "y" * 70_000})
    assert huge.status_code == 413 and "65536" in huge.json()["detail"]


def test_concurrent_requests_are_served_concurrently(service: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: post(service, "/rag", {"query": "SLOW streaming queue"}), range(3)))
    elapsed = time.monotonic() - started
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert elapsed < 2.5, f"3 requests whose LLM answers take 1 s each took {elapsed:.1f} s"


def test_an_unreachable_llm_is_a_503_with_the_reason_and_retrieve_keeps_working(indexed_corpus: Path) -> None:
    down = OpenAICompatibleServer(lambda body: Reply(content="never"))
    down.start()
    dead_url = down.base_url
    down.stop()
    rag = RagService(
        retriever=ContextRetriever(RetrievalConfig(reranking=False, expand_to_n_queries=1), llm=None),
        generator=EndpointGenerator(dead_url, "twin", timeout_s=2),
    )
    with serve_in_thread(create_app(rag)) as url:
        for stream in (False, True):
            response = post(url, "/rag", {"query": "streaming queue", "stream": stream})
            assert response.status_code == 503
            assert "unavailable" in response.json()["detail"] and "twin" in response.json()["detail"]
        assert post(url, "/retrieve", {"query": "streaming queue"}).status_code == 200


def test_another_process_is_told_which_service_holds_the_local_store(indexed_corpus: Path) -> None:
    from llm_engineering.infrastructure.db.qdrant import get_qdrant_client
    from llm_engineering.infrastructure.db.qdrant_holder import clear_holder, write_holder

    store = indexed_corpus / "qdrant"
    get_qdrant_client()  # this process holds the store, as the running service does
    write_holder(store, "the inference service on http://127.0.0.1:8000")
    try:
        code = "from llm_engineering.infrastructure.db.qdrant import get_qdrant_client; get_qdrant_client()"
        env = {"QDRANT_DATABASE_HOST": str(store), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        clear_holder(store)
    assert result.returncode != 0
    assert "the inference service on http://127.0.0.1:8000 (pid" in result.stderr

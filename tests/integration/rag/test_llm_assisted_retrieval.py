"""Self-query and query expansion against a real loopback OpenAI-compatible server (the teacher LLM)."""

from __future__ import annotations

import json
from pathlib import Path

from llm_engineering.application.rag.query_expansion import expand_query
from llm_engineering.application.rag.self_query import extract_author, reset_authors_cache
from llm_engineering.domain.documents import UserDocument
from llm_engineering.infrastructure.llm import LLMClient, LLMClientConfig
from tests.support.openai_server import OpenAICompatibleServer, Reply


def client(server: OpenAICompatibleServer) -> LLMClient:
    return LLMClient(LLMClientConfig(base_url=server.base_url, model="teacher", max_retries=0, timeout_s=5))


def with_users(*names: str) -> None:
    for name in names:
        first, last = UserDocument.split_full_name(name)
        UserDocument(first_name=first, last_name=last).save()
    reset_authors_cache()


def test_self_query_asks_the_llm_only_when_no_known_name_matched(stores: Path) -> None:
    with_users("Maxime Labonne", "Paul Iusztin")
    answers = iter(['{"author_full_name": "maxime labonne"}', '{"author_full_name": "Somebody Else"}'])
    with OpenAICompatibleServer(lambda body: Reply(content=next(answers))) as server:
        llm = client(server)
        assert extract_author("What does PAUL IUSZTIN think of CDC?", llm) == "Paul Iusztin"
        assert server.requests == []  # a known name needs no LLM
        assert extract_author("What did the author of the GPTQ post write?", llm) == "Maxime Labonne"
        assert extract_author("What does my friend think?", llm) is None  # unknown names never filter
        assert len(server.requests) == 2
    assert extract_author("What does my friend think?", None) is None


def test_self_query_goes_on_without_a_filter_when_the_llm_fails(stores: Path) -> None:
    with_users("Maxime Labonne")
    with OpenAICompatibleServer(lambda body: Reply(status=500, content="boom")) as server:
        assert extract_author("Who wrote about quantization?", client(server)) is None
        assert server.requests


def test_expansion_adds_distinct_rewrites_after_the_original() -> None:
    rewrites = {"queries": ["How is GPTQ used?", "how is gptq used?", "  ", "What does GPTQ quantize?"]}
    with OpenAICompatibleServer(lambda body: Reply(content=json.dumps(rewrites))) as server:
        variants = expand_query("What is GPTQ?", 3, client(server))
        sent = server.requests[0]
    assert variants == ["What is GPTQ?", "How is GPTQ used?", "What does GPTQ quantize?"]
    assert "2 different rewrites" in sent["messages"][0]["content"]


def test_expansion_falls_back_to_the_original_query_on_any_failure() -> None:
    replies = iter([Reply(status=503), Reply(content="not json at all"), Reply(content='{"queries": []}')])
    with OpenAICompatibleServer(lambda body: next(replies, Reply(content="still not json"))) as server:
        llm = client(server)
        assert expand_query("What is GPTQ?", 3, llm) == ["What is GPTQ?"]  # unreachable / 5xx
        assert expand_query("What is GPTQ?", 3, llm) == ["What is GPTQ?"]  # invalid answer, asked again
        assert expand_query("What is GPTQ?", 1, llm) == ["What is GPTQ?"]  # n=1: no LLM call
    assert expand_query("What is GPTQ?", 3, None) == ["What is GPTQ?"]


def test_expansion_keeps_only_plausible_rewrites() -> None:
    """Copies of the instruction or of the question, empty and far longer rewrites are dropped; with nothing
    plausible left the question is searched alone."""

    def rewriter(body: dict) -> Reply:
        instruction = body["messages"][0]["content"]
        return Reply(
            content=json.dumps(
                {
                    "queries": [
                        instruction,  # the LLM echoed its instruction
                        "Write 2 different rewrites of the user's question that could find the passage",
                        "what is gptq ?",  # the question again
                        "",
                        "GPTQ " * 40,  # far longer than the question
                        "Which rows does GPTQ quantize first?",
                    ]
                }
            )
        )

    with OpenAICompatibleServer(rewriter) as server:
        assert expand_query("What is GPTQ?", 3, client(server)) == [
            "What is GPTQ?",
            "Which rows does GPTQ quantize first?",
        ]
    only_copies = {"queries": ["What is GPTQ?", "WHAT IS GPTQ", " "]}
    with OpenAICompatibleServer(lambda body: Reply(content=json.dumps(only_copies))) as server:
        assert expand_query("What is GPTQ?", 3, client(server)) == ["What is GPTQ?"]

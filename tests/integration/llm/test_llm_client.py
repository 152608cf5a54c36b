"""The LLM client against a real OpenAI-compatible server on loopback: structured outputs, faults, retries,
cache and accounting."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from llm_engineering.infrastructure.llm import (
    ChatMessage,
    LLMClient,
    LLMClientConfig,
    LLMInvalidAnswer,
    LLMNotConfigured,
    LLMRequestRejected,
    LLMUnavailable,
)
from tests.support.openai_server import OpenAICompatibleServer, Reply


class Pair(BaseModel):
    instruction: str
    answer: str


class Pairs(BaseModel):
    instruction_answer_pairs: list[Pair]


GOOD = json.dumps({"instruction_answer_pairs": [{"instruction": "Explain X.", "answer": "X is Y."}]})


def ask(text: str) -> list[ChatMessage]:
    return [ChatMessage(role="system", content="You write datasets."), ChatMessage(role="user", content=text)]


def prompt_of(body: dict[str, Any]) -> str:
    return [m for m in body["messages"] if m["role"] == "user"][0]["content"]


def make_client(server: OpenAICompatibleServer, cache_dir: Path | None = None, **overrides: Any) -> LLMClient:
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "model": "loopback-model",
        "cache_dir": cache_dir,
        "backoff_base_s": 0.01,
        "backoff_max_s": 0.05,
        "timeout_s": 5.0,
    }
    return LLMClient(LLMClientConfig(**{**values, **overrides}))


def test_structured_output_sends_the_schema_and_validates_the_answer() -> None:
    with OpenAICompatibleServer(
        lambda body: Reply(content=GOOD, prompt_tokens=100, completion_tokens=20)
    ) as server:
        client = make_client(server, price_per_1m_input_tokens=0.15, price_per_1m_output_tokens=0.6)
        result = client.structured(ask("extract"), Pairs, temperature=0.7, max_tokens=300)
    assert result.instruction_answer_pairs[0].answer == "X is Y."
    body = server.requests[0]
    assert body["model"] == "loopback-model"
    assert body["temperature"] == 0.7 and body["max_tokens"] == 300
    schema = body["response_format"]["json_schema"]
    assert body["response_format"]["type"] == "json_schema" and schema["name"] == "Pairs"
    assert schema["schema"]["required"] == ["instruction_answer_pairs"]
    assert schema["schema"]["additionalProperties"] is False
    usage = client.usage
    assert (usage.requests, usage.retries, usage.input_tokens, usage.output_tokens) == (1, 0, 100, 20)
    assert usage.cost_usd == pytest.approx((100 * 0.15 + 20 * 0.6) / 1e6)


def test_json_object_fallback_puts_the_schema_in_the_prompt() -> None:
    with OpenAICompatibleServer(lambda body: Reply(content=f"```json\n{GOOD}\n```")) as server:
        client = make_client(server, structured_output="json_object")
        result = client.structured(ask("extract"), Pairs)
    assert len(result.instruction_answer_pairs) == 1
    body = server.requests[0]
    assert body["response_format"] == {"type": "json_object"}
    system = body["messages"][0]
    assert system["role"] == "system" and system["content"].startswith("You write datasets.")
    assert '"instruction_answer_pairs"' in system["content"]
    assert client.usage.cost_usd is None  # no prices configured


def test_429_with_retry_after_is_waited_for_then_answered() -> None:
    replies = iter([Reply(status=429, headers={"Retry-After": "0.4"}), Reply(content=GOOD)])
    with OpenAICompatibleServer(lambda body: next(replies)) as server:
        client = make_client(server)
        started = time.perf_counter()
        client.structured(ask("extract"), Pairs)
        elapsed = time.perf_counter() - started
    assert elapsed >= 0.4
    assert (client.usage.requests, client.usage.retries) == (2, 1)


def test_500_and_slow_answers_are_retried() -> None:
    replies = iter([Reply(status=500), Reply(content=GOOD, delay_s=1.5), Reply(content=GOOD)])
    with OpenAICompatibleServer(lambda body: next(replies)) as server:
        client = make_client(server, timeout_s=0.4)
        result = client.structured(ask("extract"), Pairs)
    assert result.instruction_answer_pairs[0].instruction == "Explain X."
    assert (client.usage.requests, client.usage.retries) == (3, 2)


def test_connection_refused_ends_unavailable_after_the_retries() -> None:
    server = OpenAICompatibleServer(lambda body: Reply(content=GOOD)).start()
    server.stop()
    client = make_client(server, max_retries=2)
    with pytest.raises(LLMUnavailable, match="connection_error") as raised:
        client.structured(ask("extract"), Pairs)
    assert raised.value.reason == "connection_error"
    assert (client.usage.requests, client.usage.retries) == (3, 2)
    assert client.usage.failures_by_reason == {"connection_error": 1}


def test_a_rejected_request_is_not_retried() -> None:
    with OpenAICompatibleServer(lambda body: Reply(status=400, content="bad model")) as server:
        client = make_client(server)
        with pytest.raises(LLMRequestRejected, match="HTTP 400"):
            client.structured(ask("extract"), Pairs)
    assert len(server.requests) == 1


def test_invalid_answer_is_asked_again_once_with_the_validation_error() -> None:
    replies = iter(
        [Reply(content='{"instruction_answer_pairs": [{"instruction": "x"}]}'), Reply(content=GOOD)]
    )
    with OpenAICompatibleServer(lambda body: next(replies)) as server:
        client = make_client(server)
        client.structured(ask("extract"), Pairs)
    second = server.requests[1]["messages"]
    assert second[-2]["role"] == "assistant" and '"instruction": "x"' in second[-2]["content"]
    assert (
        second[-1]["role"] == "user"
        and "answer" in second[-1]["content"]
        and "Field required" in second[-1]["content"]
    )
    assert client.usage.reasks == 1


def test_failed_for_good_is_cached_and_asked_again_only_with_retry_failed(tmp_path: Path) -> None:
    answers = {"content": "not json"}
    with OpenAICompatibleServer(lambda body: Reply(content=answers["content"])) as server:
        client = make_client(server, tmp_path)
        with pytest.raises(LLMInvalidAnswer, match="did not match Pairs"):
            client.structured(ask("extract"), Pairs)
        assert len(server.requests) == 2  # the answer and the one re-ask
        with pytest.raises(LLMInvalidAnswer, match="cached failure") as raised:
            make_client(server, tmp_path).structured(ask("extract"), Pairs)
        assert raised.value.cached and len(server.requests) == 2
        answers["content"] = GOOD
        again = make_client(server, tmp_path)
        assert again.structured(ask("extract"), Pairs, retry_failed=True).instruction_answer_pairs
        assert len(server.requests) == 3
        assert make_client(server, tmp_path).structured(ask("extract"), Pairs).instruction_answer_pairs
        assert len(server.requests) == 3


def test_cache_hit_sends_no_request_and_no_cache_bypasses_it(tmp_path: Path) -> None:
    with OpenAICompatibleServer(lambda body: Reply(content=GOOD)) as server:
        make_client(server, tmp_path).structured(ask("extract"), Pairs)
        second = make_client(server, tmp_path)
        second.structured(ask("extract"), Pairs)
        assert (len(server.requests), second.usage.cache_hits, second.usage.requests) == (1, 1, 0)
        # Anything that changes the answer is a different key: temperature, model, prompt.
        second.structured(ask("extract"), Pairs, temperature=0.5)
        make_client(server, tmp_path, model="other").structured(ask("extract"), Pairs)
        second.structured(ask("extract"), Pairs, use_cache=False)
        assert len(server.requests) == 4
        assert second.text(ask("hello")) == GOOD and second.text(ask("hello")) == GOOD
        assert len(server.requests) == 5


def test_structured_many_keeps_order_and_counts_every_fault(tmp_path: Path) -> None:
    calls: dict[str, int] = {}
    lock = threading.Lock()

    def handler(body: dict[str, Any]) -> Reply:
        prompt = prompt_of(body)
        with lock:
            calls[prompt] = calls.get(prompt, 0) + 1
            attempt = calls[prompt]
        kind = int(prompt.split()[-1]) % 5
        if kind == 1 and attempt == 1:
            return Reply(status=429, headers={"Retry-After": "0.05"})
        if kind == 2 and attempt == 1:
            return Reply(status=503)
        if kind == 3:
            return Reply(content="{broken")  # invalid twice: dropped and counted
        if kind == 4 and attempt == 1:
            return Reply(content=GOOD, delay_s=1.0)  # slower than the timeout
        pair = {"instruction": f"About {prompt}?", "answer": "Yes."}
        return Reply(content=json.dumps({"instruction_answer_pairs": [pair]}))

    prompts = [ask(f"prompt {i}") for i in range(20)]
    with OpenAICompatibleServer(handler) as server:
        client = make_client(server, tmp_path, timeout_s=0.5, concurrency=4)
        results = client.structured_many(prompts, Pairs, progress="test")
        assert len(results) == 20
        for i, result in enumerate(results):
            if i % 5 == 3:
                assert result.value is None and "did not match" in (result.error or "")
            else:
                assert (
                    result.error is None
                    and result.value.instruction_answer_pairs[0].instruction == f"About prompt {i}?"
                )
        assert client.usage.failures_by_reason == {"invalid_answer": 4}
        assert client.usage.retries == 12  # one each for the 429s, 503s and timeouts
        sent = len(server.requests)
        rerun = make_client(server, tmp_path).structured_many(prompts, Pairs)
        assert len(server.requests) == sent  # a re-run sends nothing
        assert all(result.cached for result in rerun)
        assert sum(result.error is not None for result in rerun) == 4


def test_a_run_killed_halfway_resumes_from_the_cache(tmp_path: Path) -> None:
    answered = threading.Semaphore(6)

    def dies_after_six(body: dict[str, Any]) -> Reply:
        if not answered.acquire(blocking=False):
            return Reply(drop_connection=True)
        return Reply(content=GOOD.replace("X is Y.", prompt_of(body)))

    prompts = [ask(f"prompt {i}") for i in range(12)]
    with OpenAICompatibleServer(dies_after_six) as first:
        results = make_client(first, tmp_path, max_retries=1, concurrency=3).structured_many(prompts, Pairs)
    assert sum(result.error is None for result in results) == 6
    assert all("connection_error" in result.error for result in results if result.error)
    # The same endpoint again (the cache is keyed by it), as after restarting the run.
    port = int(first.base_url.rsplit(":", 1)[1].split("/")[0])
    echo = OpenAICompatibleServer(
        lambda body: Reply(content=GOOD.replace("X is Y.", prompt_of(body))), port=port
    )
    with echo as second:
        resumed = make_client(second, tmp_path).structured_many(prompts, Pairs)
    assert len(second.requests) == 6  # only what was missing
    assert [r.value.instruction_answer_pairs[0].answer for r in resumed] == [f"prompt {i}" for i in range(12)]


def test_stream_text_yields_the_answer_in_pieces() -> None:
    text = "The twin writes like its author, one paragraph at a time."
    with OpenAICompatibleServer(lambda body: Reply(content=text)) as server:
        client = make_client(server)
        pieces = list(client.stream_text(ask("write")))
    assert len(pieces) > 1 and "".join(pieces) == text
    assert server.requests[0]["stream"] is True


def test_not_configured_names_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from llm_engineering.settings import get_settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    get_settings.cache_clear()
    try:
        assert not LLMClient.is_configured()
        with pytest.raises(LLMNotConfigured, match="OPENAI_API_KEY.*OPENAI_BASE_URL"):
            LLMClient.from_settings()
        monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
        monkeypatch.setenv("OPENAI_CONCURRENCY", "7")
        get_settings.cache_clear()
        client = LLMClient.from_settings(model="m")
        assert LLMClient.is_configured() and client.config.concurrency == 7 and client.config.model == "m"
        assert client.config.cache_dir is not None and client.config.cache_dir.name == "llm_cache"
    finally:
        get_settings.cache_clear()


def test_the_cache_scope_is_part_of_the_key(tmp_path: Path) -> None:
    """The dataset pipeline scopes answers by dataset type: one type's answer never serves the other."""
    with OpenAICompatibleServer(lambda body: Reply(content=GOOD)) as server:
        client = make_client(server, cache_dir=tmp_path)
        for scope in ("dataset_type=instruction", "dataset_type=preference", "dataset_type=instruction"):
            client.structured_many([ask("Extract: same text.")], Pairs, cache_scope=scope)
        assert len(server.requests) == 2  # the third call is answered from the instruction scope's cache

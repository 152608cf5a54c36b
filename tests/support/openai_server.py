"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

`handler(body) -> Reply` decides each answer of `POST /v1/chat/completions` from the JSON body received:
a content string (wrapped into a chat.completion with usage), an error status with headers (429 +
Retry-After), a delay, a raw (invalid) body, or a dropped connection. A request with `"stream": true` gets
the content as server-sent events, then `[DONE]`.

    with OpenAICompatibleServer(lambda body: Reply(content='{"answer": "hi"}')) as server:
        client = LLMClient(LLMClientConfig(base_url=server.base_url, model="test"))
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    raw_body: bytes | None = None
    drop_connection: bool = False
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str = "stop"


Handler = Callable[[dict[str, Any]], Reply]


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def completion_body(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    prompt_text = "".join(str(m.get("content", "")) for m in body.get("messages", []))
    prompt_tokens = reply.prompt_tokens if reply.prompt_tokens is not None else estimate_tokens(prompt_text)
    completion_tokens = (
        reply.completion_tokens
        if reply.completion_tokens is not None
        else estimate_tokens(reply.content or "")
    )
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "loopback"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def stream_events(body: dict[str, Any], reply: Reply) -> list[bytes]:
    """The content as chat.completion.chunk events, a few characters each, then [DONE]."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion.chunk", "created": 0}
    base["model"] = body.get("model", "loopback")
    content = reply.content or ""
    pieces = [content[i : i + 8] for i in range(0, len(content), 8)]
    events = []
    for index, piece in enumerate(pieces):
        delta = {"content": piece, **({"role": "assistant"} if index == 0 else {})}
        chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
        events.append(f"data: {json.dumps(chunk)}\n\n".encode())
    final = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]}
    events.append(f"data: {json.dumps(final)}\n\n".encode())
    events.append(b"data: [DONE]\n\n")
    return events


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep test output readable
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [{"id": "loopback", "object": "model"}]})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        body = json.loads(raw or b"{}")
        owner = self.server.owner
        with owner._lock:
            owner.requests.append(body)
        reply = owner.handler(body)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if reply.drop_connection:
            self.close_connection = True
            self.connection.close()
            return
        if reply.raw_body is not None:
            self._send(reply.status, reply.raw_body, "application/json", reply.headers)
        elif reply.status != 200:
            error = {
                "error": {"message": reply.content or f"status {reply.status}", "type": "loopback_error"}
            }
            self._send_json(reply.status, error, reply.headers)
        elif body.get("stream"):
            self._send_stream(body, reply)
        else:
            self._send_json(200, completion_body(body, reply), reply.headers)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", headers or {})

    def _send(self, status: int, data: bytes, content_type: str, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout): nothing to do
            self.close_connection = True

    def _send_stream(self, body: dict[str, Any], reply: Reply) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for event in stream_events(body, reply):
                self.wfile.write(event)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    owner: OpenAICompatibleServer


class OpenAICompatibleServer:
    """A loopback chat-completions server; `requests` holds every JSON body received, in arrival order."""

    def __init__(self, handler: Handler, port: int = 0) -> None:
        """`port=0` picks a free port; a fixed one lets a restarted server keep the same base URL."""
        self.handler = handler
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = port or None  # kept after stop(): the URL then refuses connections

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("the server was never started: use it as a context manager or call start().")
        return f"http://127.0.0.1:{self._port}/v1"

    def start(self) -> OpenAICompatibleServer:
        self._server = _Server(("127.0.0.1", self._port or 0), _RequestHandler)
        self._server.owner = self
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and close the port: later requests get 'connection refused'."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> OpenAICompatibleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

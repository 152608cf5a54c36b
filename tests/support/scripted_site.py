"""A loopback HTTP server that misbehaves on purpose (404, 500-then-200, slow, redirect loop...), the pages it
serves and the crawl limits the crawler tests use with it."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.settings import PROJECT_ROOT

SAMPLES = PROJECT_ROOT / "samples" / "ada_writer"
TIMEOUT_S = 5.0  # the normal timeout: a loaded CI machine must not time out ordinary fetches
SHORT_TIMEOUT_S = 0.5  # only for the tests of slow and trickling responses
SLOW_PATHS = frozenset({"/slow", "/trickle"})
MAX_PAGE_BYTES = 1_000_000
# A normal timeout and a small page limit (huge pages fail fast); the tests of slow responses pass a short
# timeout themselves.
TEST_CRAWL = CrawlConfig(
    timeout_s=TIMEOUT_S,
    max_page_bytes=MAX_PAGE_BYTES,
    max_retries=1,
    github_clone_timeout_s=60,
    github_max_file_bytes=2_000,
    github_max_total_bytes=1_000_000,
)

# --- pages the test server serves ---------------------------------------------------------------------------

PARAGRAPHS = [
    "Every pipeline crashes halfway through at least once, so every write should be safe to repeat.",
    "Give each record a natural key and let a unique index refuse duplicates for you.",
    "Derive the ids of computed records from their parents, so that a rerun overwrites what it wrote.",
]


def article_html(title: str, *, extra_head: str = "") -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | Ada's blog</title>"
        f"<meta name='description' content='Notes on pipelines.'>{extra_head}</head><body>"
        "<nav class='menu'><a href='/'>Home</a><a href='/about'>About</a><a href='/subscribe'>Subscribe now</a></nav>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer class='site-footer'>Copyright 2026 Ada Writer. All rights reserved.</footer></body></html>"
    )


SUBSTACK_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Boring Pipelines - Ada's Letters</title>
<meta property="og:site_name" content="Ada's Letters"></head><body>
<div class="post-header"><h1 class="post-title">Boring Pipelines</h1>
<h3 class="subtitle">Why reruns should change nothing</h3></div>
<div class="available-content"><div class="body markup" dir="auto">
<p>Every pipeline crashes halfway through at least once, so every write should be safe to repeat.</p>
<div class="subscription-widget-wrap"><p>Thanks for reading Ada's Letters! Subscribe for free.</p>
<button>Subscribe</button></div>
<p>Give each record a natural key and let a unique index refuse duplicates for you.</p>
</div></div><div class="post-footer">Share this post. Leave a comment.</div></body></html>"""

BOILERPLATE_ONLY_HTML = (
    "<html><head><title>Home</title></head><body><nav class='menu'><a href='/'>Home</a>"
    "<a href='/about'>About</a></nav><footer class='site-footer'>Copyright</footer></body></html>"
)


class ScriptedServer:
    """A loopback HTTP server whose paths each behave in one way (404, 500-then-200, slow, redirect loop...).

    It counts hits per path and the most requests in flight at once per Host (127.0.0.1 and localhost are
    two domains of one server), so tests can check retries, caching and politeness limits.
    """

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.robots_txt: str | None = None
        self.delay_s = 0.2
        self.lock = threading.Lock()
        scripted = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                scripted.handle(self)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: http.server.BaseHTTPRequestHandler) -> None:
        path = urlsplit(request.path).path
        host = request.headers.get("Host", "").rsplit(":", 1)[0]
        with self.lock:
            self.hits[path] += 1
            hit = self.hits[path]
            self.in_flight[host] += 1
            self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])
        try:
            self.route(request, path, hit)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (size limit, timeout)
        finally:
            with self.lock:
                self.in_flight[host] -= 1

    def route(self, request: http.server.BaseHTTPRequestHandler, path: str, hit: int) -> None:
        if path == "/robots.txt":
            if self.robots_txt is None:
                return _send(request, 404, b"not found", "text/plain")
            return _send(request, 200, self.robots_txt.encode(), "text/plain")
        if path.startswith(("/article", "/private", "/public")):
            return _send(request, 200, article_html(f"Article {path}").encode())
        if path.startswith("/slow-article"):
            time.sleep(self.delay_s)
            return _send(request, 200, article_html(f"Slow {path}").encode())
        if path.startswith("/flaky/"):  # /flaky/<n>/...: n server errors, then the page
            failures = int(path.split("/")[2])
            if hit <= failures:
                return _send(request, 500, b"<h1>Internal Server Error</h1>")
            return _send(request, 200, article_html("Recovered").encode())
        simple = {
            "/missing": (404, b"<h1>Not Found</h1>"),
            "/gone": (410, b"<h1>Gone</h1>"),
            "/forbidden": (403, b"<h1>Forbidden</h1>"),
            "/teapot": (418, b"<h1>I'm a teapot</h1>"),
            "/unavailable": (503, b"<h1>Service Unavailable</h1>"),
            "/substack": (200, SUBSTACK_HTML.encode()),
            "/boilerplate": (200, BOILERPLATE_ONLY_HTML.encode()),
            "/empty": (200, b""),
        }
        if path in simple:
            status, body = simple[path]
            return _send(request, status, body)
        if path == "/rate-limited-once":  # 429 asking for a 1 s wait, then the page
            if hit == 1:
                return _send(request, 429, b"slow down", headers={"Retry-After": "1"})
            return _send(request, 200, article_html("After the wait").encode())
        if path == "/rate-limited":
            return _send(request, 429, b"slow down", headers={"Retry-After": "1"})
        if path == "/slow":
            time.sleep(SHORT_TIMEOUT_S * 4)
            return _send(request, 200, article_html("Too late").encode())
        if path == "/trickle":  # answers at once, then sends the body too slowly to ever finish
            return _trickle(request)
        if path == "/loop":
            return _send(request, 302, b"", headers={"Location": "/loop-b"})
        if path == "/loop-b":
            return _send(request, 302, b"", headers={"Location": "/loop"})
        if path == "/paper.pdf":
            return _send(request, 200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf")
        if path == "/image.png":
            return _send(request, 200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")
        if path == "/huge":  # no Content-Length: the crawler must stop reading by itself
            return _huge(request)
        if path == "/huge-declared":
            return _send(request, 200, b"<p>" * 10, headers={"Content-Length": str(MAX_PAGE_BYTES * 50)})
        if path == "/latin1":
            html = article_html("Caf\u00e9 cr\u00e8me").encode("latin-1")
            return _send(request, 200, html, "text/html; charset=iso-8859-1")
        if path == "/no-content-type":
            return _send(request, 200, article_html("Untyped").encode(), content_type=None)
        return _send(request, 404, b"<h1>Not Found</h1>")


def _send(
    request: http.server.BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    if content_type:
        request.send_header("Content-Type", content_type)
    headers = headers or {}
    for name, value in headers.items():
        request.send_header(name, value)
    if "Content-Length" not in headers:
        request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


def _trickle(request: http.server.BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.end_headers()
    for _ in range(20):
        request.wfile.write(b"<p>still coming</p>" * 5)
        request.wfile.flush()
        time.sleep(SHORT_TIMEOUT_S / 4)


def _huge(request: http.server.BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.end_headers()
    chunk = b"<p>" + b"x" * 8_000 + b"</p>"
    for _ in range(MAX_PAGE_BYTES * 5 // len(chunk)):
        request.wfile.write(chunk)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

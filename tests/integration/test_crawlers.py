"""The crawlers against real local sources: a loopback HTTP server that misbehaves on purpose, the saved real
pages of ../shared, git repositories made in the test, local files and a LinkedIn export CSV."""

from __future__ import annotations

import http.server
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from llm_engineering.application.crawlers.base import CrawlStatus
from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.application.crawlers.custom_article import CustomArticleCrawler, SubstackCrawler
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.github import GithubCrawler, repository_link
from llm_engineering.application.crawlers.linkedin_export import LinkedInExportCrawler
from llm_engineering.application.crawlers.local_files import LocalFilesCrawler
from llm_engineering.domain.documents import ArticleDocument, PostDocument, RepositoryDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError, UnsupportedLinkError
from llm_engineering.settings import PROJECT_ROOT
from tests.support.http_server import serve_directory
from tests.support.paths import OWN_PAGES_DIR, SHARED_PAGES_DIR

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


# --- fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture
def crawl_env(stores: Path) -> Path:
    """A fresh warehouse (the crawlers get TEST_CRAWL's limits)."""
    return stores


@pytest.fixture
def user(crawl_env: Path) -> UserDocument:
    return UserDocument.get_or_create(first_name="Ada", last_name="Writer")


@pytest.fixture
def site() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- web articles ---------------------------------------------------------------------------------------------


def test_article_crawler_stores_the_main_text_without_boilerplate(
    site: ScriptedServer, user: UserDocument
) -> None:
    link = site.url("/article/boring-pipelines")
    crawler = CrawlerDispatcher.build().get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, CustomArticleCrawler)

    result = crawler.extract(link, user)

    assert result.status is CrawlStatus.CRAWLED and result.documents == 1
    document = ArticleDocument.find(link=link)
    assert document is not None
    assert document.platform == "127.0.0.1" and document.author_full_name == "Ada Writer"
    assert {"Title", "Subtitle", "Content", "language"} <= set(document.content.model_dump())
    assert document.content.title == "Article /article/boring-pipelines"
    assert document.content.language == "en"
    assert document.content.description == "Notes on pipelines."
    for paragraph in PARAGRAPHS:
        assert paragraph in document.content.content
    for boilerplate in ("Subscribe now", "Copyright", "About"):
        assert boilerplate not in document.content.content
    assert crawler.extract(link, user).status is CrawlStatus.SKIPPED  # already stored
    assert ArticleDocument.count() == 1
    crawler.close()


def test_substack_post_comes_out_clean_with_platform_substack(
    site: ScriptedServer, user: UserDocument
) -> None:
    link = site.url("/substack")
    dispatcher = CrawlerDispatcher.build().register(site.base_url, SubstackCrawler)
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, SubstackCrawler)

    crawler.extract(link, user)

    document = ArticleDocument.find(link=link)
    assert document is not None and document.platform == "substack"
    assert document.content.title == "Boring Pipelines"
    assert document.content.subtitle == "Why reruns should change nothing"
    content = document.content.content
    assert PARAGRAPHS[0] in content and PARAGRAPHS[1] in content
    assert "Subscribe" not in content and "Share this post" not in content


def test_pages_in_other_encodings_are_decoded(site: ScriptedServer, user: UserDocument) -> None:
    for path, title in (("/latin1", "Caf\u00e9 cr\u00e8me"), ("/no-content-type", "Untyped")):
        CustomArticleCrawler.from_config(TEST_CRAWL).extract(site.url(path), user)
        document = ArticleDocument.find(link=site.url(path))
        assert document is not None and document.content.title == title


@pytest.mark.parametrize(
    ("path", "transient", "message"),
    [
        ("/missing", False, "404"),
        ("/gone", False, "410"),
        ("/forbidden", False, "403"),
        ("/teapot", False, "418"),
        ("/unavailable", True, "503"),
        ("/flaky/1/x", True, "500"),
        ("/rate-limited", True, "429"),
        ("/slow", True, "did not answer within"),
        ("/trickle", True, "did not finish"),
        ("/loop", False, "redirects in a loop"),
        ("/paper.pdf", False, "application/pdf"),
        ("/image.png", False, "image/png"),
        ("/huge", False, "too large"),
        ("/huge-declared", False, "too large"),
        ("/empty", False, "empty page"),
        ("/boilerplate", False, "No article text"),
    ],
)
def test_bad_pages_raise_crawl_errors_saying_whether_to_retry(
    site: ScriptedServer, user: UserDocument, path: str, transient: bool, message: str
) -> None:
    link = site.url(path)
    # No wall-clock bound (CI machines are loaded): the messages prove the timeout or the size limit cut the
    # request short, since the slow and trickling pages would otherwise arrive whole and be stored.
    timeout_s = SHORT_TIMEOUT_S if path in SLOW_PATHS else TIMEOUT_S
    with pytest.raises(CrawlError, match=re.escape(message)) as raised:
        CustomArticleCrawler(timeout_s=timeout_s, max_bytes=MAX_PAGE_BYTES).extract(link, user)
    assert raised.value.transient is transient
    assert link in str(raised.value)
    assert ArticleDocument.count() == 0


def test_a_server_error_then_success_stores_the_page_on_the_second_try(
    site: ScriptedServer, user: UserDocument
) -> None:
    link = site.url("/flaky/1/page")
    crawler = CustomArticleCrawler.from_config(TEST_CRAWL)
    with pytest.raises(CrawlError) as raised:
        crawler.extract(link, user)
    assert raised.value.transient
    assert crawler.extract(link, user).status is CrawlStatus.CRAWLED
    assert site.hits["/flaky/1/page"] == 2


def test_a_dead_host_is_a_transient_error(user: UserDocument) -> None:
    link = f"http://127.0.0.1:{closed_port()}/post"
    with pytest.raises(CrawlError, match="Cannot connect") as raised:
        CustomArticleCrawler.from_config(TEST_CRAWL).extract(link, user)
    assert raised.value.transient


@pytest.mark.parametrize(
    "link", ["http://exa mple.com/post", "http://[::1/post", "ftp://example.com/a", "mailto:a@b.c"]
)
def test_invalid_links_are_refused_before_any_crawl(link: str) -> None:
    with pytest.raises(UnsupportedLinkError):
        CrawlerDispatcher.build().get_crawler(link, TEST_CRAWL)


# --- the saved real pages of ../shared --------------------------------------------------------------------


def _expected(page_dir: Path) -> tuple[str, list[str]]:
    import lxml.html

    title = json.loads((page_dir / "expected-metadata.json").read_text())["title"]
    text = lxml.html.fromstring((page_dir / "expected.html").read_text()).text_content()
    return title, re.findall(r"\w+", text)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("page", "crawler_cls"),
    [
        ("mozilla-readability/medium-1", CustomArticleCrawler),
        ("mozilla-readability/wordpress", CustomArticleCrawler),
        ("omnivore-readabilityjs/josephg", CustomArticleCrawler),
        ("omnivore-readabilityjs/garymarcus", SubstackCrawler),
        ("omnivore-readabilityjs/substack-headings", SubstackCrawler),
    ],
)
def test_saved_real_pages_are_stored_with_their_article_text(
    shared_pages_server: str, user: UserDocument, page: str, crawler_cls: type[CustomArticleCrawler]
) -> None:
    link = f"{shared_pages_server}/{page}/source.html"
    # A path-prefix route, as one would register a Substack newsletter on its own domain.
    dispatcher = CrawlerDispatcher.build()
    for newsletter in ("garymarcus", "substack-headings"):
        dispatcher.register(f"{shared_pages_server}/omnivore-readabilityjs/{newsletter}", SubstackCrawler)
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert type(crawler) is crawler_cls

    crawler.extract(link, user)

    document = ArticleDocument.find(link=link)
    assert document is not None
    title, expected_words = _expected(SHARED_PAGES_DIR / page)
    assert title.startswith(document.content.title) or document.content.title.startswith(title)
    stored_words = set(re.findall(r"\w+", document.content.content))
    recall = sum(word in stored_words for word in expected_words) / len(expected_words)
    assert recall > 0.9, f"only {recall:.0%} of the article's words were kept"
    if crawler_cls is SubstackCrawler:
        assert document.platform == "substack"


# --- GitHub repositories ----------------------------------------------------------------------------------

MODULE_PY = '''"""A module whose indentation must survive crawling."""


class Greeter:
    def greet(self, name: str) -> str:
        if name:
            return f"Hello, {name}!"
        return "Hello!"
'''


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Ada Writer", "-c", "user.email=ada@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def make_repo(path: Path) -> Path:
    """A real repository: nested dirs, a binary, a lock file, a big file, an undecodable file."""
    path.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=path)
    files = {
        "README.md": "# Demo\n\n  Indented line kept.\n\n\tTabbed line kept.\n",
        "src/demo/module.py": MODULE_PY,
        "src/demo/deep/nested/config.yaml": "key:\n  nested: [1, 2]\n",
        "poetry.lock": "# lock\n" * 10,
        "web/package-lock.json": "{}\n",
        "big.txt": "x" * 5_000,
    }
    for relative, text in files.items():
        (path / relative).parent.mkdir(parents=True, exist_ok=True)
        (path / relative).write_text(text)
    (path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    git("add", "-A", cwd=path)
    git("commit", "-q", "-m", "Initial commit", cwd=path)
    return path


def clone_dirs() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("llm-twin-clone-")}


def test_github_crawler_stores_a_repository_with_its_text_intact(tmp_path: Path, user: UserDocument) -> None:
    repo = make_repo(tmp_path / "repos" / "demo-repo")
    dispatcher = CrawlerDispatcher.build().register((tmp_path / "repos").as_uri(), GithubCrawler)
    link = dispatcher.normalize(repo.as_uri())
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, GithubCrawler)
    before = clone_dirs()

    result = crawler.extract(link, user)

    assert result.status is CrawlStatus.CRAWLED and result.documents == 1
    document = RepositoryDocument.find(link=link)
    assert document is not None
    assert document.name == "demo-repo" and document.platform == "github"
    assert set(document.content) == {"README.md", "src/demo/module.py", "src/demo/deep/nested/config.yaml"}
    assert document.content["src/demo/module.py"] == MODULE_PY  # indentation and blank lines intact
    assert document.content["README.md"] == "# Demo\n\n  Indented line kept.\n\n\tTabbed line kept.\n"
    assert result.extra["skipped"] == {"lock file": 2, "too large": 1, "binary": 2}
    assert clone_dirs() <= before  # the temporary clone is gone
    assert crawler.extract(link, user).status is CrawlStatus.SKIPPED


def test_crawl_counts_no_document_when_the_link_was_stored_meanwhile(
    tmp_path: Path, site: ScriptedServer, user: UserDocument
) -> None:
    # `crawl` bypasses the "already stored?" check, as a second worker racing on the same link would.
    repo = make_repo(tmp_path / "repos" / "demo")
    assert GithubCrawler.from_config(TEST_CRAWL).crawl(repo.as_uri(), user) == 1
    assert GithubCrawler.from_config(TEST_CRAWL).crawl(repo.as_uri(), user) == 0
    article = site.url("/article/raced")
    assert CustomArticleCrawler.from_config(TEST_CRAWL).crawl(article, user) == 1
    assert CustomArticleCrawler.from_config(TEST_CRAWL).crawl(article, user) == 0
    assert RepositoryDocument.count() == 1 and ArticleDocument.count() == 1


def test_github_links_of_one_repository_are_stored_once_without_credentials(user: UserDocument) -> None:
    forms = [
        "https://github.com/ada/repo",
        "https://www.github.com/ada/repo/tree/main/docs",
        "https://github.com/ada/repo.git",
        "https://ada:ghp_secret123@github.com/ada/repo",
    ]
    assert {repository_link(form) for form in forms} == {"https://github.com/ada/repo.git"}
    RepositoryDocument(
        content={"README.md": "# repo\n"},
        name="repo",
        link=repository_link(forms[0]),
        platform="github",
        author_id=user.id,
        author_full_name=user.full_name,
    ).save()
    crawler = GithubCrawler.from_config(TEST_CRAWL)
    for form in forms:  # already stored under the normalised link: skipped, nothing cloned
        assert crawler.extract(form, user).status is CrawlStatus.SKIPPED


def test_github_crawler_reads_a_bare_repository_and_stops_at_the_total_limit(
    tmp_path: Path, user: UserDocument
) -> None:
    source = make_repo(tmp_path / "work" / "demo")
    bare = tmp_path / "bare" / "demo.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True)
    crawler = GithubCrawler(max_total_bytes=200, max_file_bytes=TEST_CRAWL.github_max_file_bytes)

    crawler.extract(bare.as_uri(), user)

    document = RepositoryDocument.find(link=bare.as_uri())
    assert document is not None and document.name == "demo"
    assert sum(len(text.encode()) for text in document.content.values()) <= 200
    assert crawler.notes["skipped"]["total size limit reached"] >= 1


def test_a_missing_repository_is_a_permanent_error_naming_the_link(
    tmp_path: Path, user: UserDocument
) -> None:
    link = (tmp_path / "no-such-repo").as_uri()
    with pytest.raises(CrawlError, match="does not exist") as raised:
        GithubCrawler.from_config(TEST_CRAWL).extract(link, user)
    assert not raised.value.transient and link in str(raised.value)
    assert RepositoryDocument.count() == 0


# --- local files ------------------------------------------------------------------------------------------


def test_a_folder_of_articles_becomes_one_document_per_file(user: UserDocument) -> None:
    dispatcher = CrawlerDispatcher.build()
    link = dispatcher.normalize("samples/ada_writer/articles")  # relative to the project root
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, LocalFilesCrawler)

    result = crawler.extract(link, user)

    assert result.status is CrawlStatus.CRAWLED and result.documents == 4
    documents = {Path(urlsplit(d.link).path).name: d for d in ArticleDocument.bulk_find()}
    assert set(documents) == {
        "idempotent-pipelines.md",
        "small-models-first.md",
        "chunking-text-for-rag.md",
        "writing-for-future-you.html",
    }
    chunking = documents["chunking-text-for-rag.md"]
    assert chunking.link == (SAMPLES / "articles" / "chunking-text-for-rag.md").resolve().as_uri()
    assert chunking.platform == "local"
    assert chunking.content.title == "Chunking Text for Retrieval, Without the Guesswork"
    assert chunking.content.subtitle == "A small, testable function beats a clever one"
    assert "    paragraphs = [p.strip()" in chunking.content.content  # the code block, indented
    assert not chunking.content.content.startswith("# ")  # the title heading is stored apart
    html = documents["writing-for-future-you.html"]
    assert html.content.title == "Writing Documentation for Future You"
    assert "Explain the why, not the what" in html.content.content
    for boilerplate in ("Archive", "cookies", "All rights reserved", "Related posts"):
        assert boilerplate not in html.content.content
    assert crawler.extract(link, user).status is CrawlStatus.SKIPPED  # every file already stored


def test_a_single_file_by_path_or_file_url(tmp_path: Path, user: UserDocument) -> None:
    note = tmp_path / "my notes.txt"
    note.write_text("Plain text notes about pipelines that should be kept as they are.\n")
    markdown = tmp_path / "post.md"
    markdown.write_text("Intro paragraph before any heading.\n\n## A section\n\nBody text of the section.\n")
    crawler = LocalFilesCrawler()

    assert crawler.extract(str(note), user).documents == 1
    assert crawler.extract(markdown.as_uri(), user).documents == 1

    stored_note = ArticleDocument.find(link=note.as_uri())
    assert stored_note is not None and stored_note.content.title == "My notes"
    stored_markdown = ArticleDocument.find(link=markdown.as_uri())
    assert stored_markdown is not None and stored_markdown.content.title == "A section"
    assert stored_markdown.content.content.startswith("Intro paragraph")


def test_a_folder_with_an_unparseable_file_is_skipped_on_the_second_run(
    tmp_path: Path, user: UserDocument
) -> None:
    (tmp_path / "post.md").write_text("# A post\n\nBody text of the post, worth keeping.\n")
    (tmp_path / "blank.md").write_text("   \n")  # listed (not 0 bytes) but never yields a document
    (tmp_path / "zero.txt").write_text("")
    crawler = LocalFilesCrawler()

    first = crawler.extract(str(tmp_path), user)
    assert first.status is CrawlStatus.CRAWLED and first.documents == 1
    assert any("blank.md" in failure for failure in first.extra["skipped_files"])

    again = crawler.extract(str(tmp_path), user)
    assert again.status is CrawlStatus.SKIPPED and ArticleDocument.count() == 1

    (tmp_path / "new.md").write_text("# New\n\nA new post added since the last run.\n")
    assert crawler.extract(str(tmp_path), user).status is CrawlStatus.CRAWLED  # a new file is crawled
    assert ArticleDocument.count() == 2


def test_local_sources_that_cannot_be_crawled(tmp_path: Path, user: UserDocument) -> None:
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "slides.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "blank.md").write_text("   \n")
    cases = {
        str(tmp_path / "missing"): "No such file",
        str(tmp_path / "empty-folder"): "holds no non-empty",
        str(tmp_path / "slides.pdf"): "not a Markdown, HTML or text file",
        str(tmp_path / "blank.md"): "No article text",
    }
    for link, message in cases.items():
        with pytest.raises(CrawlError, match=message) as raised:
            LocalFilesCrawler().extract(link, user)
        assert not raised.value.transient


# --- LinkedIn export --------------------------------------------------------------------------------------


def test_linkedin_export_csv_becomes_posts(user: UserDocument) -> None:
    dispatcher = CrawlerDispatcher.build()
    link = dispatcher.normalize(str(SAMPLES / "linkedin" / "Shares.csv"))
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, LinkedInExportCrawler)

    result = crawler.extract(link, user)

    assert result.documents == 5 and result.extra["empty_rows"] == 1
    posts = {post.link: post for post in PostDocument.bulk_find()}
    assert len(posts) == 5 and all(post.platform == "linkedin" for post in posts.values())
    multi_line = posts["https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7300000000000000005"]
    assert multi_line.content.content.startswith("Three habits that made my data pipelines boring")
    assert "\n\n1. Every record has a natural key" in multi_line.content.content
    assert multi_line.content.date == "2026-03-02 08:14:51" and multi_line.image is None
    quoted = posts["https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7300000000000000004"]
    assert 'My answer: "because it tells me' in quoted.content.content
    with_image = posts["https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7300000000000000002"]
    assert with_image.image == "https://media.licdn.example/ada-writer/docs-letter.png"
    assert crawler.extract(link, user).status is CrawlStatus.SKIPPED


def test_linkedin_export_quirks(tmp_path: Path, user: UserDocument) -> None:
    csv_path = tmp_path / "Shares.csv"
    rows = [
        "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility",
        # Commentary wrapped in an extra pair of quotes, inner quotes doubled twice.
        '2026-01-01 10:00:00,https://li.example/1,"""Wrapped post with """"inner"""" quotes.""",,,MEMBER_NETWORK',
        # No ShareLink: a stable link is derived so a re-import stays idempotent.
        '2026-01-02 10:00:00,,"A post without its link,\r\nover two lines.",,,MEMBER_NETWORK',
        '2026-01-03 10:00:00,https://li.example/3,"   ",,,MEMBER_NETWORK',
        '2026-01-01 10:00:00,https://li.example/1,"Duplicate row of the first post",,,MEMBER_NETWORK',
    ]
    csv_path.write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8"))  # BOM + CRLF, as exported

    result = LinkedInExportCrawler().extract(str(csv_path), user)

    assert result.documents == 2
    assert result.extra == {"empty_rows": 1, "duplicate_rows": 1}
    wrapped = PostDocument.find(link="https://li.example/1")
    assert wrapped is not None and wrapped.content.content == 'Wrapped post with "inner" quotes.'
    unlinked = [post for post in PostDocument.bulk_find() if post.link != "https://li.example/1"]
    assert unlinked[0].link.startswith(csv_path.as_uri() + "#post-")
    assert unlinked[0].content.content == "A post without its link,\nover two lines."
    assert LinkedInExportCrawler().extract(str(csv_path), user).status is CrawlStatus.SKIPPED


def test_a_csv_that_is_not_a_linkedin_export_is_refused(tmp_path: Path, user: UserDocument) -> None:
    csv_path = tmp_path / "Connections.csv"
    csv_path.write_text("First Name,Last Name\nGrace,Hopper\n")
    with pytest.raises(CrawlError, match="no ShareCommentary column"):
        LinkedInExportCrawler().extract(str(csv_path), user)


def test_markdown_titles_ignore_code_comments_and_read_front_matter(tmp_path: Path) -> None:
    from llm_engineering.application.crawlers.local_files import parse_markdown

    code_first = "```bash\n# not a title\necho hi\n```\n\n## Real title\n\nText.\n"
    assert parse_markdown(code_first, tmp_path / "x.md").content.title == "Real title"
    thematic_break = "---\nJust a rule, then text.\n---\n\nMore text.\n"
    parsed = parse_markdown(thematic_break, tmp_path / "rule-then-text.md")
    assert parsed.content.title == "Rule then text" and parsed.content.content.startswith("---")
    front = "---\ntitle: From front matter\nplatform: substack\n---\n# From front matter\n\nBody.\n"
    parsed = parse_markdown(front, tmp_path / "x.md")
    assert (parsed.content.title, parsed.content.content, parsed.platform) == (
        "From front matter",
        "Body.",
        "substack",
    )


@pytest.mark.parametrize(
    ("page", "crawler_cls", "platform"),
    [
        ("own/blog-post", CustomArticleCrawler, "127.0.0.1"),
        ("own/medium-story", CustomArticleCrawler, "127.0.0.1"),
        ("own/substack-post", SubstackCrawler, "substack"),
    ],
)
def test_own_saved_pages_are_stored_with_their_article_text(
    user: UserDocument, page: str, crawler_cls: type[CustomArticleCrawler], platform: str
) -> None:
    """The crawl of saved pages on any clone: small pages written for the tests, served over HTTP."""
    server, base_url = serve_directory(OWN_PAGES_DIR)
    try:
        link = f"{base_url}/{page}/source.html"
        dispatcher = CrawlerDispatcher.build().register(f"{base_url}/own/substack-post", SubstackCrawler)
        crawler = dispatcher.get_crawler(link, TEST_CRAWL)
        assert type(crawler) is crawler_cls
        assert crawler.extract(link, user).status is CrawlStatus.CRAWLED
    finally:
        server.shutdown()
    document = ArticleDocument.find(link=link)
    assert document is not None and document.platform == platform
    title, expected_words = _expected(OWN_PAGES_DIR / page)
    assert document.content.title == title
    stored_words = re.findall(r"\w+", document.content.content)
    assert set(expected_words) <= set(stored_words)
    for boilerplate in ("cookies", "Subscribe", "Related posts", "comments", "Sign in", "Share"):
        assert boilerplate not in document.content.content

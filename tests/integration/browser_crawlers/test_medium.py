"""The Medium crawler in real headless Chromium, against pages served on loopback.

Real saved Medium pages come from ../shared (skipped where absent); pages written for the tests (a Medium-like
story, a story that grows on scroll) always run. One browser for the module (a module-scoped crawler fixture)
keeps the file fast.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from llm_engineering.application.crawlers.medium import MediumCrawler
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory
from tests.support.chromium import LOOPBACK_ONLY, needs_chromium, selenium
from tests.support.http_server import serve_directory
from tests.support.medium_pages import FIRST_PARAGRAPH, GROWING_SCRIPT, STORY
from tests.support.paths import SHARED_PAGES_DIR


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    (root / "story.html").write_text(STORY.replace("{script}", ""), encoding="utf-8")
    second = STORY.replace("{script}", "").replace("Idempotent ETL in practice", "Chunking without tears")
    (root / "second.html").write_text(second, encoding="utf-8")
    (root / "growing.html").write_text(STORY.replace("{script}", GROWING_SCRIPT), encoding="utf-8")
    server, base_url = serve_directory(root)
    yield base_url
    server.shutdown()


@pytest.fixture(scope="module")
def medium_crawler() -> Iterator[MediumCrawler]:
    crawler = MediumCrawler(extra_arguments=LOOPBACK_ONLY, max_scrolls=5)
    yield crawler
    crawler.close()


# --- Medium --------------------------------------------------------------------------------------------------


@selenium
@needs_chromium
def test_medium_story_is_stored_without_page_chrome(
    medium_crawler: MediumCrawler, site: str, user: UserDocument
) -> None:
    link = f"{site}/story.html"
    assert medium_crawler.crawl(link, user) == 1

    document = Document.find(category=DataCategory.ARTICLES, link=link)
    assert document is not None
    assert document.platform == "medium" and document.author_full_name == "Jane Doe"
    content = document.content
    assert set(content.model_dump()) == {"Title", "Subtitle", "Content", "language"}
    assert content.title == "Idempotent ETL in practice"
    assert content.subtitle == "Why re-running a pipeline must change nothing"
    assert content.language == "en"
    text = content.content
    assert text.startswith(FIRST_PARAGRAPH)
    for kept in ("Unique keys", 'create_index("link", unique=True)', "deterministic ids for chunks"):
        assert kept in text
    for chrome in ("Open in app", "Sign up", "Become a member", "Recommended from Medium", "Text to speech",
                   "4 min read", "Ten productivity hacks"):  # fmt: skip
        assert chrome not in text
    assert medium_crawler.extract(link, user).status == "skipped"  # already stored: not loaded again


@selenium
@needs_chromium
def test_one_browser_serves_many_links(medium_crawler: MediumCrawler, site: str, user: UserDocument) -> None:
    assert medium_crawler.crawl(f"{site}/story.html", user) == 1
    assert medium_crawler.crawl(f"{site}/second.html", user) == 1
    assert (
        Document.find(category=DataCategory.ARTICLES, link=f"{site}/second.html").content.title
        == "Chunking without tears"
    )
    assert medium_crawler.driver_starts == 1  # the module's crawler never started a second browser


@selenium
@needs_chromium
def test_scrolling_until_the_page_stops_growing(
    medium_crawler: MediumCrawler, site: str, user: UserDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A generous settle window: on a loaded machine the page's 150 ms timer may fire late. Counts and times
    # are not asserted exactly; what matters is that the lazily added text is captured and scrolling stops.
    monkeypatch.setattr(medium_crawler, "scroll_settle_s", 2.0)
    link = f"{site}/growing.html"
    medium_crawler.open_page(link)
    assert medium_crawler.scroll_page(max_scrolls=1) <= 1  # the limit stops it while the page still grows
    scrolls = medium_crawler.scroll_page()
    assert 1 <= scrolls < medium_crawler.max_scrolls  # the page grew, then stopped growing before the limit
    assert "Lazy paragraph 3 arrived after scrolling." in medium_crawler.driver.page_source

    assert medium_crawler.crawl(link, user) == 1  # loads again, scrolls to the end, then extracts
    text = Document.find(category=DataCategory.ARTICLES, link=link).content.content
    assert "Lazy paragraph 1 arrived after scrolling." in text
    assert "Lazy paragraph 3 arrived after scrolling." in text


@selenium
@needs_chromium
def test_http_errors_are_crawl_errors_and_store_nothing(
    medium_crawler: MediumCrawler, site: str, user: UserDocument
) -> None:
    with pytest.raises(CrawlError, match="HTTP 404") as missing:
        medium_crawler.crawl(f"{site}/no-such-story.html", user)
    assert missing.value.transient is False
    assert Document.count(category=DataCategory.ARTICLES) == 0

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(CrawlError, match="ERR_CONNECTION_REFUSED") as refused:
        medium_crawler.crawl(f"http://127.0.0.1:{closed_port}/story.html", user)
    assert refused.value.transient is True
    assert medium_crawler.crawl(f"{site}/story.html", user) == 1  # the browser is still fine


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/slow"):
            time.sleep(3)
        body = STORY.replace("{script}", "").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@selenium
@needs_chromium
def test_page_load_timeout_is_transient_and_the_browser_recovers(user: UserDocument) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    crawler = MediumCrawler(extra_arguments=LOOPBACK_ONLY, page_load_timeout_s=1, max_scrolls=0)
    try:
        with pytest.raises(CrawlError, match="did not load within 1 s") as timed_out:
            crawler.crawl(f"{base}/slow", user)
        assert timed_out.value.transient is True
        assert crawler.crawl(f"{base}/fast", user) == 1
        profile = crawler.profile_dir
        assert profile is not None and profile.is_dir()
    finally:
        crawler.close()
        server.shutdown()
    assert not profile.exists() and not crawler.browser_started  # close() removes the temporary profile


SHARED_MEDIUM = [
    pytest.param("medium-mcp-server/article-content-public.html", id="medium-mcp-server"),
    pytest.param("postlight-parser/fixtures/medium.com--another.html", id="postlight-another"),
    pytest.param("vibescraper/medium-raw.html", id="vibescraper"),
]
# Menus, prompts, recommendations and footers seen in each saved page around the story.
SHARED_MEDIUM_CHROME = {
    "medium-mcp-server/article-content-public.html": (
        "Sidebar menu", "Give the gift of Medium", "Recommended from Medium", "See more recommendations",
        "The Lost Art of Crying", "Text to speech", "Open in app", "See all from Ev Williams",
    ),
    "postlight-parser/fixtures/medium.com--another.html": (
        "Get unlimited access", "Open in app", "More from Medium", "Love podcasts or audiobooks",
        "Try Knowable", "Get the Medium app", "506 Followers",
    ),
    "vibescraper/medium-raw.html": (
        "Become a member", "Follow publication", "Recommended from Medium", "Guardrails for AI Agents",
        "See more recommendations", "Text to speech", "8 min read",
    ),
}  # fmt: skip


def _shared_expectations(page: str) -> tuple[str, str | None, str]:
    """(title, subtitle, first body words) from each page's ground truth in ../shared."""
    if page.startswith("medium-mcp-server/"):
        truth = json.loads((SHARED_PAGES_DIR / "medium-mcp-server/expected.derived.json").read_text())
        return truth["h1.pw-post-title"], truth["h2.pw-subtitle-paragraph"], truth["first_body_paragraph"]
    if page.startswith("postlight-parser/"):
        truth = json.loads((SHARED_PAGES_DIR / "postlight-parser/expected.json").read_text())
        first_words = truth["medium.com--another.html"]["content_first_words"]
        return "Flag Attributes in Android — How to Use Them", None, first_words  # the page's own h1
    truth = json.loads((SHARED_PAGES_DIR / "vibescraper/expected.readability.json").read_text())
    return truth["title"], None, "Gartner believes AI agents are the future."


@selenium
@needs_chromium
@pytest.mark.shared
@pytest.mark.parametrize("page", SHARED_MEDIUM)
def test_real_medium_pages(
    medium_crawler: MediumCrawler, shared_pages_server: str, user: UserDocument, page: str
) -> None:
    link = f"{shared_pages_server}/{page}"
    title, subtitle, first_words = _shared_expectations(page)

    assert medium_crawler.crawl(link, user) == 1

    content = Document.find(category=DataCategory.ARTICLES, link=link).content
    assert content.title == title
    assert content.subtitle == subtitle
    assert content.language == "en"
    assert first_words in content.content[: len(first_words) + 40]  # the story's first paragraph leads
    for chrome in SHARED_MEDIUM_CHROME[page]:
        assert chrome not in content.content, chrome

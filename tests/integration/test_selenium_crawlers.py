"""Medium and LinkedIn crawlers in real headless Chromium, against pages served on loopback.

Real saved Medium pages come from ../shared (skipped where absent); pages written here (a Medium-like story,
a story that grows on scroll, a LinkedIn sign-in form and feed) always run. Chromium is told to resolve every
host but 127.0.0.1 to "not found", so saved pages do not wait on the internet. One browser per crawler
fixture (module scope) keeps the whole file fast.
"""

from __future__ import annotations

import http.server
import json
import logging
import shutil
import socket
import threading
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from loguru import logger

from llm_engineering.application.crawlers.linkedin import LinkedInCrawler
from llm_engineering.application.crawlers.medium import MediumCrawler
from llm_engineering.application.fetching import browser
from llm_engineering.application.fetching.browser import INSTALL_HINT, find_chromedriver, find_chromium_binary
from llm_engineering.domain.documents import ArticleDocument, PostDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError, ImproperlyConfigured
from llm_engineering.settings import get_settings
from tests.support.http_server import serve_directory
from tests.support.paths import SHARED_PAGES_DIR

LOOPBACK_ONLY = ("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",)
_HAS_CHROMIUM = find_chromium_binary() is not None and bool(
    shutil.which("chromedriver") or Path("/usr/bin/chromedriver").exists()
)
selenium = pytest.mark.selenium
needs_chromium = pytest.mark.skipif(
    not _HAS_CHROMIUM,
    reason="no Chromium here: apt-get update && apt-get install -y chromium chromium-driver",
)

# --- pages written for these tests -------------------------------------------------------------------------

FIRST_PARAGRAPH = "Re-running a pipeline on the same input must leave the warehouse exactly as it was."
STORY = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Idempotent ETL in practice | by Jane Doe | Medium</title>
<meta property="og:title" content="Idempotent ETL in practice">
<meta property="og:site_name" content="Medium"></head>
<body><div id="root">
 <nav><a href="/">Medium Logo</a> <a href="/app">Open in app</a> <a href="/signup">Sign up</a>
  <a href="/signin">Sign in</a> <a href="/new-story">Write</a></nav>
 <div class="meteredContent">Get unlimited access to the best of Medium for less than $1/week. Become a member</div>
 <article><div><section>
  <h1 class="pw-post-title" data-testid="storyTitle">Idempotent ETL in practice</h1>
  <h2 class="pw-subtitle-paragraph">Why re-running a pipeline must change nothing</h2>
  <div><span data-testid="authorName">Jane Doe</span> · <span data-testid="storyReadTime">4 min read</span>
   · <span data-testid="storyPublishDate">Mar 3, 2024</span></div>
  <div id="story-body">
   <p class="pw-post-body-paragraph">{FIRST_PARAGRAPH}</p>
   <h2 class="pw-post-body-paragraph">Unique keys</h2>
   <p class="pw-post-body-paragraph">Every document is keyed by its link, so a second insert is a no-op.</p>
   <pre><span>collection.create_index("link", unique=True)</span></pre>
   <ul><li class="pw-post-body-paragraph">upserts for users</li>
       <li class="pw-post-body-paragraph">deterministic ids for chunks</li></ul>
   <p class="pw-post-body-paragraph">That is all it takes to make the pipeline safe to re-run.</p>
   <div id="spacer" style="height: 2400px"></div>
  </div>
 </section></div></article>
 <div><h2>Recommended from Medium</h2><p>Ten productivity hacks you will not believe</p>
  <a href="/more">See more recommendations</a></div>
 <footer><a>Help</a> <a>Status</a> <a>About</a> <a>Careers</a> <a>Press</a> <a>Blog</a> <a>Privacy</a>
  <a>Terms</a> <a>Text to speech</a></footer>
</div>{{script}}</body></html>"""
# Appends one paragraph to the story shortly after each scroll, three at most, like lazily loaded content.
GROWING_SCRIPT = """<script>
let added = 0, pending = false;
window.addEventListener("scroll", () => {
  if (added >= 3 || pending) return;
  pending = true;
  setTimeout(() => {
    added += 1;
    const p = document.createElement("p");
    p.className = "pw-post-body-paragraph";
    p.style.minHeight = "1800px";
    p.textContent = `Lazy paragraph ${added} arrived after scrolling.`;
    document.getElementById("story-body").appendChild(p);
    pending = false;
  }, 150);
});
</script>"""


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


@pytest.fixture
def user(stores: Path) -> UserDocument:
    return UserDocument.get_or_create(first_name="Jane", last_name="Doe")


# --- Medium --------------------------------------------------------------------------------------------------


@selenium
@needs_chromium
def test_medium_story_is_stored_without_page_chrome(
    medium_crawler: MediumCrawler, site: str, user: UserDocument
) -> None:
    link = f"{site}/story.html"
    assert medium_crawler.crawl(link, user) == 1

    document = ArticleDocument.find(link=link)
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
    assert ArticleDocument.find(link=f"{site}/second.html").content.title == "Chunking without tears"
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
    text = ArticleDocument.find(link=link).content.content
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
    assert ArticleDocument.count() == 0

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

    content = ArticleDocument.find(link=link).content
    assert content.title == title
    assert content.subtitle == subtitle
    assert content.language == "en"
    assert first_words in content.content[: len(first_words) + 40]  # the story's first paragraph leads
    for chrome in SHARED_MEDIUM_CHROME[page]:
        assert chrome not in content.content, chrome


# --- driver discovery ---------------------------------------------------------------------------------------


def test_missing_configured_driver_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="CHROMEDRIVER_PATH=.*does not exist.*apt-get install"):
        find_chromedriver(str(tmp_path / "chromedriver"))


def test_offline_autoinstall_becomes_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import chromedriver_autoinstaller

    def offline_install() -> str:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(browser.shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(browser, "_CHROMEDRIVER_FALLBACKS", ())
    monkeypatch.setattr(chromedriver_autoinstaller, "install", offline_install)
    with pytest.raises(ImproperlyConfigured) as error:
        find_chromedriver(None)
    assert INSTALL_HINT in str(error.value) and "name resolution" in str(error.value)


# --- LinkedIn ------------------------------------------------------------------------------------------------

USERNAME, PASSWORD = "jane@example.com", "s3cret-Pa55word"
SESSION_COOKIE = "li_at=test-session"
LOGIN_FORM = """<!DOCTYPE html><html><head><title>LinkedIn Login</title></head><body>
<form method="post" action="/checkpoint/lg/login-submit">
 <input id="username" name="session_key" type="text"><input id="password" name="session_password" type="password">
 {error}<button type="submit" aria-label="Sign in">Sign in</button></form></body></html>"""
LOGIN_ERROR = '<div id="error-for-password" role="alert">Wrong email or password. Try again.</div>'
AUTH_WALL = """<html><body><h1>Join LinkedIn</h1><form><input type="email"><input type="password">
<button>Agree &amp; Join</button></form></body></html>"""
POST_CARD = """<div class="feed-shared-update-v2" data-urn="urn:li:activity:{id}">
 <div class="update-components-actor"><img src="https://media.example.com/avatar.jpg">Jane Doe</div>
 <div class="update-components-text"><span dir="ltr">{text}</span></div>
 <div class="update-components-image"><img src="https://media.example.com/{id}.jpg"></div>
 <div class="comments-comments-list"><article class="comments-comment-entity">
  <div class="update-components-text">Nice one, Jane!</div></article></div>
</div>"""
ACTIVITY_PAGE = """<!DOCTYPE html><html><head><title>Activity | Jane Doe | LinkedIn</title></head><body>
<main><div id="feed" class="scaffold-finite-scroll__content">{posts}</div>
<div style="height: 2400px"></div></main>
<script>
let page = 0, pending = false;
window.addEventListener("scroll", () => {{
  if (page >= 2 || pending) return;
  pending = true;
  setTimeout(() => {{
    page += 1;
    const card = document.createElement("div");
    card.className = "feed-shared-update-v2";
    card.dataset.urn = `urn:li:activity:720000000000000010${{page}}`;
    card.style.minHeight = "1800px";
    card.innerHTML = `<div class="update-components-text"><span dir="ltr">Older post ${{page}}</span></div>`;
    document.getElementById("feed").appendChild(card);
    pending = false;
  }}, 150);
}});
</script></body></html>"""


class _LinkedInHandler(http.server.BaseHTTPRequestHandler):
    """A sign-in form with LinkedIn's field ids, a session cookie, and pages that need it."""

    logins: list[tuple[str, bool]]  # (username, accepted); passwords are never recorded

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        signed_in = SESSION_COOKIE in (self.headers.get("Cookie") or "")
        if path == "/login":
            self._send(LOGIN_FORM.format(error=""))
        elif path == "/authwall":
            self._send(AUTH_WALL)
        elif path == "/feed/":
            self._send("<html><body><h1>Your feed</h1></body></html>")
        elif path.startswith("/in/jane-doe/recent-activity/all/"):
            if not signed_in:
                return self._redirect(f"/authwall?sessionRedirect={path}")
            posts = "".join(
                POST_CARD.format(id=f"72000000000000000{i:02d}", text=f"Post number {i} #mlops")
                for i in (1, 2)
            )
            self._send(ACTIVITY_PAGE.format(posts=posts))
        elif path.startswith("/feed/update/urn:li:activity:7200000000000000001"):
            if not signed_in:
                return self._redirect(f"/authwall?sessionRedirect={path}")
            self._send(
                f"<html><body>{POST_CARD.format(id='7200000000000000001', text='Post number 1')}</body></html>"
            )
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        username = form.get("session_key", [""])[0]
        accepted = username == USERNAME and form.get("session_password", [""])[0] == PASSWORD
        self.logins.append((username, accepted))
        if not accepted:
            return self._send(LOGIN_FORM.format(error=LOGIN_ERROR))
        self.send_response(303)
        self.send_header("Set-Cookie", f"{SESSION_COOKIE}; Path=/; HttpOnly")
        self.send_header("Location", "/feed/")
        self.end_headers()

    def _send(self, html: str) -> None:
        body = html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def linkedin_site() -> Iterator[tuple[str, list[tuple[str, bool]]]]:
    logins: list[tuple[str, bool]] = []
    handler = type("Handler", (_LinkedInHandler,), {"logins": logins})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", logins
    server.shutdown()


@pytest.fixture(scope="module")
def linkedin_crawler(linkedin_site: tuple[str, list]) -> Iterator[LinkedInCrawler]:
    crawler = LinkedInCrawler(
        login_url=f"{linkedin_site[0]}/login", extra_arguments=LOOPBACK_ONLY, max_scrolls=5
    )
    crawler.scroll_settle_s = 0.5  # the test feed answers in 150 ms; LinkedIn's needs the default
    yield crawler
    crawler.close()


def _credentials(monkeypatch: pytest.MonkeyPatch, username: str, password: str) -> None:
    monkeypatch.setenv("LINKEDIN_USERNAME", username)
    monkeypatch.setenv("LINKEDIN_PASSWORD", password)
    get_settings.cache_clear()


def test_linkedin_profile_without_credentials_names_the_settings_and_the_export(
    monkeypatch: pytest.MonkeyPatch, user: UserDocument
) -> None:
    _credentials(monkeypatch, "", "")
    crawler = LinkedInCrawler(login_url="http://127.0.0.1:9/login")
    with pytest.raises(ImproperlyConfigured) as error:
        crawler.crawl("https://www.linkedin.com/in/jane-doe/", user)
    message = str(error.value)
    assert "LINKEDIN_USERNAME" in message and "LINKEDIN_PASSWORD" in message and "Shares.csv" in message
    assert not crawler.browser_started  # refused before a browser was started


@selenium
@needs_chromium
def test_linkedin_wrong_password_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
    linkedin_crawler: LinkedInCrawler,
    linkedin_site: tuple,
    user: UserDocument,
) -> None:
    _credentials(monkeypatch, USERNAME, "not-the-password")
    with pytest.raises(ImproperlyConfigured, match="refused the sign-in.*Wrong email or password") as error:
        linkedin_crawler.login()
    assert "not-the-password" not in str(error.value)
    assert (USERNAME, False) in linkedin_site[1]
    assert not linkedin_crawler.logged_in


@selenium
@needs_chromium
def test_linkedin_login_then_posts_of_a_post_page_and_a_profile(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    linkedin_crawler: LinkedInCrawler,
    linkedin_site: tuple,
    user: UserDocument,
) -> None:
    base, logins = linkedin_site
    _credentials(monkeypatch, USERNAME, PASSWORD)
    caplog.set_level(logging.DEBUG)  # Selenium's own DEBUG log must not carry the typed password either
    messages: list[str] = []
    sink = logger.add(lambda message: messages.append(str(message)), level="DEBUG")
    try:
        # A post page answers with an auth wall: the crawler signs in and loads it again.
        post_link = f"{base}/feed/update/urn:li:activity:7200000000000000001/"
        assert linkedin_crawler.crawl(post_link, user) == 1
        assert linkedin_crawler.logged_in and (USERNAME, True) in logins
        # A profile link: its activity page, scrolled to the end, signed in already.
        attempts = len(logins)
        assert linkedin_crawler.crawl(f"{base}/in/jane-doe/", user) == 3  # post 1 is stored already
        assert len(logins) == attempts
    finally:
        logger.remove(sink)

    posts = {post.link: post for post in PostDocument.bulk_find(author_id=str(user.id))}
    feed = "https://www.linkedin.com/feed/update/urn:li:activity:"
    assert sorted(posts) == [feed + f"72000000000000000{i:02d}" for i in (1, 2)] + [
        feed + f"720000000000000010{i}" for i in (1, 2)
    ]
    assert posts[feed + "7200000000000000002"].content.model_dump() == {"Content": "Post number 2 #mlops"}
    assert posts[feed + "7200000000000000002"].image == "https://media.example.com/7200000000000000002.jpg"
    assert posts[feed + "7200000000000000102"].content.model_dump() == {
        "Content": "Older post 2"
    }  # loaded on scroll
    assert all(
        post.platform == "linkedin" and "Nice one" not in post.content.content for post in posts.values()
    )
    assert linkedin_crawler.already_stored(
        "https://www.linkedin.com/posts/jane_x-activity-7200000000000000002-Ab"
    )
    logged = "\n".join(messages) + caplog.text
    assert PASSWORD not in logged


@selenium
@needs_chromium
@pytest.mark.shared
def test_linkedin_public_post_page_needs_no_login(
    monkeypatch: pytest.MonkeyPatch,
    linkedin_crawler: LinkedInCrawler,
    shared_pages_server: str,
    user: UserDocument,
) -> None:
    _credentials(monkeypatch, "", "")
    link = f"{shared_pages_server}/intent-miner/linkedin_post.html"
    assert linkedin_crawler.crawl(link, user) == 1
    (post,) = PostDocument.bulk_find(author_id=str(user.id))
    assert post.link == "https://www.linkedin.com/feed/update/urn:li:activity:7463608443963318272"
    assert post.content.content.startswith("Looking for a tool that builds relationships")
    assert "Ryan Companies" not in post.content.content

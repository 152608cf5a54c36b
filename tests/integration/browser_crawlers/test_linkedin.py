"""The LinkedIn crawler in real headless Chromium, against a loopback sign-in form and feed (always run) and
a saved public post page of ../shared (skipped where absent)."""

from __future__ import annotations

import http.server
import logging
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from loguru import logger

from llm_engineering.application.crawlers.linkedin import LinkedInCrawler
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.domain.types import DataCategory
from llm_engineering.settings import get_settings
from tests.support.chromium import LOOPBACK_ONLY, needs_chromium, selenium

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

    posts = {
        post.link: post for post in Document.bulk_find(category=DataCategory.POSTS, author_id=str(user.id))
    }
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
    (post,) = Document.bulk_find(category=DataCategory.POSTS, author_id=str(user.id))
    assert post.link == "https://www.linkedin.com/feed/update/urn:li:activity:7463608443963318272"
    assert post.content.content.startswith("Looking for a tool that builds relationships")
    assert "Ryan Companies" not in post.content.content

"""A loopback web site with feeds and bot walls, for the ingestion tests: a real HTTP server on 127.0.0.1.

- /feed.xml: RSS 2.0 with the posts' full text (`content:encoded`), served as application/rss+xml;
- /atom: Atom without content (so the post pages are fetched), served as text/html: found by its document;
- /feed/@ada: the feed behind the profile shortcut /@ada;
- /posts/...: post pages; /posts/walled: a challenge page with status 200;
- /challenge-403, /challenge-503, /verify-200, /login-wall: bot walls of each kind.
It counts hits per path, so tests can tell which pages were fetched.
"""

from __future__ import annotations

import http.server
import threading
from collections import Counter
from urllib.parse import urlsplit

RSS_POSTS = {
    "/posts/rss-one": ("Idempotent pipelines", "Mon, 01 Jan 2024 10:00:00 GMT"),
    "/posts/rss-two": ("Boring infrastructure", "Tue, 02 Jan 2024 10:00:00 GMT"),
}
ATOM_POSTS = {
    "/posts/atom-one": ("Feature stores in practice", "2024-02-01T09:30:00Z"),
    "/posts/atom-two": ("Small models, sharp tools", "2024-02-02T09:30:00Z"),
    "/posts/walled": ("A post behind a challenge", "2024-02-03T09:30:00Z"),
}
PROFILE_POSTS = {
    "/@ada/first-story-0123456789ab": ("A story from the profile feed", "Wed, 03 Jan 2024 08:00:00 GMT")
}

BODY = (
    "<p>Every pipeline crashes halfway through at least once, so every write should be safe to repeat.</p>"
    "<p>Give each record a natural key and let a unique index refuse duplicates for you.</p>"
)
CHALLENGE_PAGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title>"
    "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></head>"
    "<body><div id='cf-chl-widget'>Checking if the site connection is secure</div>"
    "<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)
VERIFY_PAGE = (
    "<html><head><title>Security check</title></head><body><h1>One more step</h1>"
    "<p>Please verify you are human by completing the action below.</p>"
    "<div class='h-captcha' data-sitekey='x'></div></body></html>"
)
LOGIN_WALL_PAGE = (
    "<html><head><title>A members-only story</title></head><body><article><h1>A members-only story</h1>"
    f"{BODY}<p>Create an account to read the full story.</p><a href='/signin'>Sign in</a></article>"
    "</body></html>"
)


def post_page(title: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><main><article><h1>{title}</h1>{BODY}</article></main></body></html>"
    )


def rss(base_url: str, posts: dict[str, tuple[str, str]], *, full_text: bool) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{base_url}{path}?source=rss-feed</link><pubDate>{date}</pubDate>"
        "<description>A short summary, not the post.</description>"
        + (f"<content:encoded><![CDATA[<h2>{title}</h2>{BODY}]]></content:encoded>" if full_text else "")
        + "</item>"
        for path, (title, date) in posts.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Ada writes</title>'
        f"<link>{base_url}/</link>{items}</channel></rss>"
    )


def atom(base_url: str) -> str:
    entries = "".join(
        f"<entry><title>{title}</title><link rel='alternate' href='{path}'/><id>{path}</id>"
        f"<published>{date}</published><summary>Only a summary.</summary></entry>"
        for path, (title, date) in ATOM_POSTS.items()
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
        f"xml:base='{base_url}/'><title>Ada's notes</title>{entries}</feed>"
    )


class FeedSite:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.robots_txt: str | None = None  # served at /robots.txt when set
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                site.hits[path] += 1
                status, content_type, body = site.route(path)
                payload = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, path: str) -> tuple[int, str, str]:
        html = "text/html; charset=utf-8"
        if path == "/robots.txt" and self.robots_txt is not None:
            return 200, "text/plain", self.robots_txt
        pages = {
            "/feed.xml": (200, "application/rss+xml", rss(self.base_url, RSS_POSTS, full_text=True)),
            "/atom": (200, html, atom(self.base_url)),
            "/feed/@ada": (200, "text/xml", rss(self.base_url, PROFILE_POSTS, full_text=True)),
            "/feed/@bob": (403, html, CHALLENGE_PAGE),
            "/@bob": (403, html, CHALLENGE_PAGE),
            "/posts/walled": (200, html, CHALLENGE_PAGE),
            "/challenge-403": (403, html, CHALLENGE_PAGE),
            "/challenge-503": (503, html, CHALLENGE_PAGE),
            "/verify-200": (200, html, VERIFY_PAGE),
            "/login-wall": (200, html, LOGIN_WALL_PAGE),
        }
        if path in pages:
            return pages[path]
        posts = {**RSS_POSTS, **ATOM_POSTS}
        if path in posts:
            return 200, html, post_page(posts[path][0])
        return 404, "text/plain", "not found"

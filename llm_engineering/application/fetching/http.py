"""HTTP(S) fetching of web pages, with limits: time, size, content type, redirects.

The reference design uses langchain-community's AsyncHtmlLoader. We fetch with `requests` instead, because
AsyncHtmlLoader hides what a crawler must act on: it logs and returns an empty document on errors (no status
code, so a 404 cannot be told from a 503 worth retrying), it reads any content type and any size into memory,
and it gives no per-request timeout or redirect-loop error. With a streamed `requests` response we see the
status, the Content-Type and the size before reading the body, and stop at the size limit.

Every failure is a CrawlError whose `transient` says whether trying again can help.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3

from llm_engineering.application.fetching.walls import WALL_STATUSES, blocked_error, detect_wall
from llm_engineering.domain.exceptions import CrawlError

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# RSS 2.0 and Atom feeds are served under any of these (and sometimes as text/html: the crawler looks too).
FEED_CONTENT_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml"}
)
MAX_REDIRECTS = 10
_CHUNK_BYTES = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    html: str  # the body as text (a feed's XML when `content_type` says so)
    content_type: str = "text/html"
    status: int = 200


def permanent_error(message: str) -> CrawlError:
    return CrawlError(message, transient=False)


def transient_error(message: str, retry_after_s: float | None = None) -> CrawlError:
    return CrawlError(message, transient=True, retry_after_s=retry_after_s)


def retry_after_seconds(value: str | None) -> float | None:
    """The seconds form of a Retry-After header ("120"); None for a date or anything else."""
    value = (value or "").strip()
    return float(value) if value.isdigit() else None


def new_session(user_agent: str) -> requests.Session:
    """A session that announces `user_agent`, asks for HTML and follows at most MAX_REDIRECTS redirects."""
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    session.headers.update(
        {
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml;q=0.9,"
            "application/xml;q=0.8,*/*;q=0.1",
        }
    )
    return session


def fetch_html(
    session: requests.Session, link: str, *, timeout_s: float, max_bytes: int, accept_feeds: bool = False
) -> FetchedPage:
    """GET `link` as HTML (or, with `accept_feeds`, as an RSS/Atom feed too), raising a CrawlError whose
    `transient` says whether trying again can help, and a BlockedError when a bot wall answers instead."""
    deadline = time.monotonic() + timeout_s
    try:
        response = session.get(link, stream=True, timeout=(timeout_s, timeout_s))
    except requests.TooManyRedirects as error:
        raise permanent_error(
            f"{link} redirects in a loop (more than {session.max_redirects} redirects)."
        ) from error
    except requests.Timeout as error:
        raise transient_error(f"{link} did not answer within {timeout_s:g} s (crawl: timeout_s).") from error
    except requests.exceptions.SSLError as error:  # a ConnectionError, but retrying cannot fix a certificate
        raise permanent_error(
            f"{link}: the TLS handshake failed ({type(error).__name__}); check the certificate."
        ) from error
    except requests.ConnectionError as error:
        host = urlsplit(link).netloc
        raise transient_error(
            f"Cannot connect to {host} for {link}: the host is down or unreachable."
        ) from error
    except requests.RequestException as error:  # invalid URL and the like: no retry helps
        raise permanent_error(f"Cannot fetch {link}: {error}") from error
    with response:
        if response.status_code in WALL_STATUSES:  # a challenge page says so in its body: read it first
            _raise_if_wall(link, response, max_bytes=max_bytes, deadline=deadline, timeout_s=timeout_s)
        _check_status(link, response)
        content_type = _content_type(response)
        _check_content_type(link, content_type, accept_feeds)
        body = _read_limited(link, response, max_bytes=max_bytes, deadline=deadline, timeout_s=timeout_s)
    if not body.strip():
        raise permanent_error(f"{link} returned an empty page (HTTP {response.status_code}, no body).")
    text = _decode(body, response)
    if content_type not in FEED_CONTENT_TYPES and (wall := detect_wall(response.status_code, text)):
        raise blocked_error(link, response.status_code, wall)
    return FetchedPage(
        url=response.url, html=text, content_type=content_type or "text/html", status=response.status_code
    )


def _raise_if_wall(
    link: str, response: requests.Response, *, max_bytes: int, deadline: float, timeout_s: float
) -> None:
    try:
        body = _read_limited(link, response, max_bytes=max_bytes, deadline=deadline, timeout_s=timeout_s)
    except CrawlError:
        return  # the status alone decides, below
    wall = detect_wall(response.status_code, _decode(body, response))
    if wall:
        raise blocked_error(link, response.status_code, wall)


def _check_status(link: str, response: requests.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    retry_after = response.headers.get("Retry-After")
    if status == 429:
        hint = f", Retry-After: {retry_after}" if retry_after else ""
        raise transient_error(
            f"{link} answered 429 Too Many Requests (rate limited{hint}).", retry_after_seconds(retry_after)
        )
    if status >= 500:
        raise transient_error(
            f"{link} answered {status} {response.reason} (a server error; retrying may help).",
            retry_after_seconds(retry_after) if status == 503 else None,
        )
    if status in (404, 410):
        raise permanent_error(
            f"{link} answered {status} {response.reason}: the page does not exist; fix the link."
        )
    if status in (401, 403):
        raise permanent_error(
            f"{link} answered {status} {response.reason}: the page needs a login or blocks crawlers."
        )
    raise permanent_error(f"{link} answered {status} {response.reason}.")


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _check_content_type(link: str, content_type: str, accept_feeds: bool) -> None:
    if not content_type or content_type in HTML_CONTENT_TYPES:
        return
    if accept_feeds and content_type in FEED_CONTENT_TYPES:
        return
    kinds = "an HTML page or an RSS/Atom feed" if accept_feeds else "an HTML page"
    raise permanent_error(
        f"{link} is not {kinds} (Content-Type: {content_type}); only web articles and feeds can be crawled."
    )


def _read_limited(
    link: str, response: requests.Response, *, max_bytes: int, deadline: float, timeout_s: float
) -> bytes:
    """The body, refusing pages over `max_bytes` without reading past the limit."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(link, f"{int(declared):,} bytes declared", max_bytes)
    chunks, size = [], 0
    try:
        for chunk in _chunks_as_they_arrive(response):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(link, f"more than {max_bytes:,} bytes", max_bytes)
            if time.monotonic() > deadline:  # a per-read timeout alone lets a trickling server go on forever
                raise transient_error(
                    f"{link} did not finish sending the page within {timeout_s:g} s (crawl: timeout_s)."
                )
            chunks.append(chunk)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:  # reset, read timeout
        raise transient_error(
            f"{link}: the connection broke while reading the page ({type(error).__name__})."
        ) from error
    return b"".join(chunks)


def _chunks_as_they_arrive(response: requests.Response) -> Iterator[bytes]:
    """Body chunks as soon as they arrive (`iter_content` waits to fill each chunk, so a server trickling
    bytes would hold it past any deadline), decompressed."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:  # urllib3 1.x has no read1
        yield from response.iter_content(_CHUNK_BYTES)
        return
    while chunk := read1(_CHUNK_BYTES, decode_content=True):
        yield chunk


def _too_large(link: str, size: str, max_bytes: int) -> CrawlError:
    return permanent_error(f"{link} is too large ({size}; the limit is crawl: max_page_bytes={max_bytes:,}).")


def _decode(body: bytes, response: requests.Response) -> str:
    """The header's charset, else the page's <meta charset>, else UTF-8 (Windows-1252 when that fails)."""
    content_type = response.headers.get("Content-Type", "")
    match = re.search(r"charset=([\w\-:.]+)", content_type, re.IGNORECASE)
    meta = _META_CHARSET.search(body[:4096])
    for encoding in (match and match.group(1), meta and meta.group(1).decode("ascii", "ignore"), "utf-8"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")

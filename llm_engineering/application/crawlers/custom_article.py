"""Any web article (a blog, a Substack post, a Medium post without Selenium) as an ArticleDocument.

Fetching: the reference design uses langchain-community's AsyncHtmlLoader. We fetch with `requests` instead,
because AsyncHtmlLoader hides what a crawler must act on: it logs and returns an empty document on errors
(no status code, so a 404 cannot be told from a 503 worth retrying), it reads any content type and any size
into memory, and it gives no per-request timeout or redirect-loop error. With a streamed `requests` response
we see the status, the Content-Type and the size before reading the body, and stop at the size limit.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

import requests
import urllib3
from loguru import logger

from llm_engineering.application.crawlers.base import BaseCrawler, link_domain
from llm_engineering.application.extraction import ExtractedArticle, ExtractionError, extract_article
from llm_engineering.domain.content import ArticleContent
from llm_engineering.domain.documents import ArticleDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.infrastructure.redaction import mask_uri
from llm_engineering.settings import get_settings

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_REDIRECTS = 10
_CHUNK_BYTES = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    html: str


def _permanent(message: str) -> CrawlError:
    return CrawlError(message, transient=False)


def _transient(message: str, retry_after_s: float | None = None) -> CrawlError:
    return CrawlError(message, transient=True, retry_after_s=retry_after_s)


def retry_after_seconds(value: str | None) -> float | None:
    """The seconds form of a Retry-After header ("120"); None for a date or anything else."""
    value = (value or "").strip()
    return float(value) if value.isdigit() else None


def fetch_html(session: requests.Session, link: str, *, timeout_s: float, max_bytes: int) -> FetchedPage:
    """GET `link` as HTML, raising a CrawlError whose `transient` says whether trying again can help."""
    deadline = time.monotonic() + timeout_s
    try:
        response = session.get(link, stream=True, timeout=(timeout_s, timeout_s))
    except requests.TooManyRedirects as error:
        raise _permanent(
            f"{link} redirects in a loop (more than {session.max_redirects} redirects)."
        ) from error
    except requests.Timeout as error:
        raise _transient(f"{link} did not answer within {timeout_s:g} s (CRAWL_TIMEOUT_S).") from error
    except requests.exceptions.SSLError as error:  # a ConnectionError, but retrying cannot fix a certificate
        raise _permanent(
            f"{link}: the TLS handshake failed ({type(error).__name__}); check the certificate."
        ) from error
    except requests.ConnectionError as error:
        host = urlsplit(link).netloc
        raise _transient(f"Cannot connect to {host} for {link}: the host is down or unreachable.") from error
    except requests.RequestException as error:  # invalid URL and the like: no retry helps
        raise _permanent(f"Cannot fetch {link}: {error}") from error
    with response:
        _check_status(link, response)
        _check_content_type(link, response)
        body = _read_limited(link, response, max_bytes=max_bytes, deadline=deadline, timeout_s=timeout_s)
    if not body.strip():
        raise _permanent(f"{link} returned an empty page (HTTP {response.status_code}, no body).")
    return FetchedPage(url=response.url, html=_decode(body, response))


def _check_status(link: str, response: requests.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    retry_after = response.headers.get("Retry-After")
    if status == 429:
        hint = f", Retry-After: {retry_after}" if retry_after else ""
        raise _transient(
            f"{link} answered 429 Too Many Requests (rate limited{hint}).", retry_after_seconds(retry_after)
        )
    if status >= 500:
        raise _transient(
            f"{link} answered {status} {response.reason} (a server error; retrying may help).",
            retry_after_seconds(retry_after) if status == 503 else None,
        )
    if status in (404, 410):
        raise _permanent(
            f"{link} answered {status} {response.reason}: the page does not exist; fix the link."
        )
    if status in (401, 403):
        raise _permanent(
            f"{link} answered {status} {response.reason}: the page needs a login or blocks crawlers."
        )
    raise _permanent(f"{link} answered {status} {response.reason}.")


def _check_content_type(link: str, response: requests.Response) -> None:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and content_type not in HTML_CONTENT_TYPES:
        raise _permanent(
            f"{link} is not an HTML page (Content-Type: {content_type}); only web articles can be crawled."
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
                raise _transient(
                    f"{link} did not finish sending the page within {timeout_s:g} s (CRAWL_TIMEOUT_S)."
                )
            chunks.append(chunk)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:  # reset, read timeout
        raise _transient(
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
    return _permanent(f"{link} is too large ({size}; the limit is CRAWL_MAX_PAGE_BYTES={max_bytes:,}).")


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


def article_content(article: ExtractedArticle) -> ArticleContent:
    """The stored content: title, subtitle, text and language, plus description and author when the page
    has them (absent otherwise, not stored as null)."""
    described = {"description": article.description, "author": article.author}
    return ArticleContent(
        title=article.title,
        subtitle=article.subtitle,
        content=article.content,
        language=article.language,
        **{name: value for name, value in described.items() if value},
    )


class CustomArticleCrawler(BaseCrawler):
    """Fetch one page over HTTP(S) and store its main text. `platform` is the link's domain."""

    model: ClassVar[type[ArticleDocument]] = ArticleDocument
    platform: ClassVar[str | None] = None  # None: the link's domain

    def __init__(self, *, timeout_s: float | None = None, max_bytes: int | None = None) -> None:
        settings = get_settings()
        self.timeout_s = timeout_s if timeout_s is not None else settings.CRAWL_TIMEOUT_S
        self.max_bytes = max_bytes if max_bytes is not None else settings.CRAWL_MAX_PAGE_BYTES
        self._session = requests.Session()
        self._session.max_redirects = MAX_REDIRECTS
        self._session.headers.update(
            {"User-Agent": settings.USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
        )

    def crawl(self, link: str, user: UserDocument) -> int:
        page = fetch_html(self._session, link, timeout_s=self.timeout_s, max_bytes=self.max_bytes)
        try:
            article = extract_article(page.html, page.url)
        except ExtractionError as error:
            raise _permanent(f"No article text found at {link}: {error}") from error
        document = ArticleDocument(
            content=article_content(article),
            platform=self.platform or link_domain(link),
            link=self.document_link(link),
            author_id=user.id,
            author_full_name=user.full_name,
        )
        stored = document.save()
        written = int(stored.id == document.id)  # another id: the link was stored meanwhile, kept as is
        logger.info(
            f"{self.name}: stored '{article.title}' from {mask_uri(link)} ({len(article.content):,} chars)."
        )
        return written

    def close(self) -> None:
        self._session.close()


class SubstackCrawler(CustomArticleCrawler):
    """Substack posts: the extraction module knows Substack's markup; only the platform name differs."""

    platform: ClassVar[str | None] = "substack"

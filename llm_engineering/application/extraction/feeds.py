"""RSS 2.0 and Atom feeds: recognised by content type or by the document itself, parsed with lxml. No I/O.

Each entry gives its own link, title and date, and its full text when the feed carries it (RSS
`content:encoded`, Atom `content`); the summary (`description`, `summary`) is never taken for the full text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from llm_engineering.application.extraction.boilerplate import drop_boilerplate, drop_never_content
from llm_engineering.application.extraction.dom import parse_html
from llm_engineering.application.extraction.models import MIN_CONTENT_CHARS, ExtractionError
from llm_engineering.application.extraction.rendering import render_markdown

FEED_MEDIA_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_FEED_ROOT = re.compile(
    r"^\ufeff?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(rss|feed)\b", re.DOTALL
)
_TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|source)$")  # Medium adds ?source=rss-...


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str | None
    date: str | None  # ISO 8601 when the feed's date parses, else as written
    content_html: str | None  # the full text, when the feed carries it


@dataclass(frozen=True)
class ParsedFeed:
    kind: str  # "rss" | "atom"
    title: str | None
    entries: list[FeedEntry]


def is_feed(content_type: str, text: str) -> bool:
    """An RSS 2.0 or Atom feed, by its media type or by its root element (feeds are also served as
    text/xml, application/xml or even text/html)."""
    return content_type in FEED_MEDIA_TYPES or bool(_FEED_ROOT.match(text[:4096]))


def parse_feed(text: str, base_url: str) -> ParsedFeed:
    """The feed's entries, in feed order, without repeated links. ExtractionError when it is no feed."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(_XML_DECLARATION.sub("", text, count=1).strip().encode(), parser)
    except etree.XMLSyntaxError as error:
        raise ExtractionError(f"the feed is not well-formed XML: {error}") from error
    if root is None:
        raise ExtractionError("the feed is empty or not XML")
    if root.tag == "rss":
        channel = root.find("channel")
        items = channel.findall("item") if channel is not None else []
        title = _text(channel.find("title")) if channel is not None else None
        entries = [_rss_entry(item, base_url) for item in items]
        kind = "rss"
    elif root.tag == f"{_ATOM}feed":
        title = _text(root.find(f"{_ATOM}title"))
        entries = [_atom_entry(entry, base_url) for entry in root.findall(f"{_ATOM}entry")]
        kind = "atom"
    else:
        raise ExtractionError(
            f"the document's root is <{etree.QName(root).localname}>, not <rss> or Atom <feed>"
        )
    unique: dict[str, FeedEntry] = {}
    for entry in entries:
        if entry is not None and entry.link not in unique:
            unique[entry.link] = entry
    return ParsedFeed(kind=kind, title=title, entries=list(unique.values()))


def _text(node: etree._Element | None) -> str | None:
    if node is None:
        return None
    text = " ".join("".join(node.itertext()).split())
    return text or None


def _rss_entry(item: etree._Element, base_url: str) -> FeedEntry | None:
    guid = item.find("guid")
    permalink = guid is not None and guid.get("isPermaLink", "true").lower() == "true"
    link = _text(item.find("link")) or (_text(guid) if permalink else None)
    if not link:
        return None
    content = item.find(_CONTENT_ENCODED)
    return FeedEntry(
        link=canonical_link(urljoin(base_url, link)),
        title=_text(item.find("title")),
        date=_date(_text(item.find("pubDate")) or _text(item.find(_DC_DATE))),
        content_html=content.text if content is not None and (content.text or "").strip() else None,
    )


def _atom_entry(entry: etree._Element, base_url: str) -> FeedEntry | None:
    links = entry.findall(f"{_ATOM}link")
    alternate = next((node for node in links if node.get("rel", "alternate") == "alternate"), None)
    if alternate is None or not alternate.get("href"):
        return None
    return FeedEntry(
        link=canonical_link(urljoin(base_url, alternate.get("href"))),
        title=_text(entry.find(f"{_ATOM}title")),
        date=_date(_text(entry.find(f"{_ATOM}published")) or _text(entry.find(f"{_ATOM}updated"))),
        content_html=_atom_content(entry.find(f"{_ATOM}content")),
    )


def _atom_content(node: etree._Element | None) -> str | None:
    """Inline content only (`src=` points elsewhere): html as escaped text, xhtml as markup, text as text."""
    if node is None or node.get("src"):
        return None
    kind = node.get("type", "text")
    if kind == "xhtml":
        html = "".join(etree.tostring(child, encoding="unicode") for child in node)
    elif kind == "html":
        html = node.text or ""
    else:
        paragraphs = (node.text or "").split("\n\n")
        html = "".join(f"<p>{_escape(paragraph)}</p>" for paragraph in paragraphs if paragraph.strip())
    return html if html.strip() else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _date(value: str | None) -> str | None:
    """RFC 822 (RSS) or ISO 8601 (Atom) as ISO 8601; a date that parses neither way is kept as written."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return value


def canonical_link(link: str) -> str:
    """The entry's link without tracking parameters (`utm_*`, Medium's `source=rss-...`) and fragment, so
    the post is stored once whether it came from the feed, its page or an export."""
    parts = urlsplit(link)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(key, value) for key, value in query if not _TRACKING_PARAMS.match(key)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))


def entry_text(html: str) -> str | None:
    """A feed entry's full text as Markdown-ish text (subscribe widgets and scripts dropped); None when it
    holds less than an article's worth of text."""
    try:
        root = parse_html(f"<html><body><article>{html}</article></body></html>")
    except ExtractionError:
        return None
    drop_never_content(root)
    drop_boilerplate(root)
    node = root.find(".//article")
    text = render_markdown(node if node is not None else root)
    return text if len(text) >= MIN_CONTENT_CHARS else None

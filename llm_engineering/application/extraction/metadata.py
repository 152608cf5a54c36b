"""Page metadata: title, description, author and language from <meta>, JSON-LD, <title> and <html lang>."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from llm_engineering.application.extraction.dom import (
    HEADINGS,
    Element,
    clean_text,
    first_text,
    norm,
    norm_words,
)

# " | ", " - ", " — " ... between the post's title and the site's name; a colon belongs to titles.
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•»]{1,2})\s+")


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    description: str | None
    social_description: str | None  # og/twitter/JSON-LD: written for this article, unlike a site-wide one
    author: str | None
    language: str | None


def page_metadata(root: Element) -> PageMetadata:
    """Title, description, author and language from <meta>, JSON-LD, <title> and <html lang>."""
    ld = _json_ld(root)
    social = meta_content(root, "og:description") or meta_content(root, "twitter:description")
    social = social or clean_text(ld.get("description"))
    author = meta_content(root, "author") or _ld_author(ld) or meta_content(root, "article:author")
    if author and re.match(r"(https?:)?/", author):  # article:author is often a profile URL, not a name
        author = _ld_author(ld)
    language = (
        root.get("lang")
        or root.get("xml:lang")
        or meta_content(root, "og:locale")
        or meta_content(root, "language")
    )
    language = language or _meta_http_equiv(root, "content-language") or clean_text(ld.get("inLanguage"))
    return PageMetadata(
        title=_page_title(root, ld),
        description=social or meta_content(root, "description"),
        social_description=social,
        author=author,
        language=language.strip().replace("_", "-") if language and language.strip() else None,
    )


def _page_title(root: Element, ld: dict) -> str | None:
    """og:title, JSON-LD headline or <title>, without the site name when a page heading shows which part
    is the article's ("Post title | Blog name" -> "Post title")."""
    title = (
        meta_content(root, "og:title")
        or meta_content(root, "twitter:title")
        or clean_text(ld.get("headline"))
    )
    title = title or first_text(root, "title")
    h1s = {norm(h.text_content()): clean_text(h.text_content()) for h in root.iter("h1")}
    h1s.pop("", None)
    if not title:
        return next(iter(h1s.values()), None) or first_text(root, "h2")
    site = norm(meta_content(root, "og:site_name") or "")
    parts = [p for p in _TITLE_SEPARATORS.split(title) if norm(p)]
    if len(parts) > 1:
        # The longest part that is also the page's h1 (a logo h1 with the site name does not count).
        matching = [p for p in parts if norm(p) in h1s and norm(p) != site]
        if matching:
            return h1s[norm(max(matching, key=len))]
        if site and norm(parts[-1]) == site:
            return " ".join(title.split()[: -len(parts[-1].split())]).rstrip(" |-–—·•»")
    return title


def meta_content(root: Element, key: str) -> str | None:
    """Content of <meta property=key> or <meta name=key> (case-insensitive), whitespace-normalised."""
    key = key.lower()
    for el in root.iter("meta"):
        if (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower() == key:
            value = clean_text(el.get("content"))
            if value:
                return value
    return None


def _meta_http_equiv(root: Element, key: str) -> str | None:
    for el in root.iter("meta"):
        if (el.get("http-equiv") or "").lower() == key:
            return clean_text(el.get("content"))
    return None


def _json_ld(root: Element) -> dict:
    """The first JSON-LD object that describes an article (or the first object at all)."""
    found: list[dict] = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # broken JSON-LD is common and only costs us one metadata source
        found.extend(_ld_objects(data))
    for obj in found:
        kinds = obj.get("@type") if isinstance(obj.get("@type"), list) else [obj.get("@type")]
        if any(isinstance(k, str) and ("Article" in k or "Posting" in k) for k in kinds):
            return obj
    return found[0] if found else {}


def _ld_objects(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_objects(data.get("@graph", []))


def _ld_author(ld: dict) -> str | None:
    author = ld.get("author")
    if isinstance(author, list) and author:
        author = author[0]
    if isinstance(author, dict):
        author = author.get("name")
    return clean_text(author)


def real_subtitle(description: str | None, node: Element) -> str | None:
    """A description is a subtitle when the body shows it as a heading, or when it is not an excerpt of
    the body (excerpts are cut from the first paragraph and often end in an ellipsis)."""
    if not description or len(description) > 250 or description.endswith(("…", "...")):
        return None
    wanted = norm(description)
    if any(norm(h.text_content()) == wanted for h in node.iter(*HEADINGS)):
        return description
    head = norm(" ".join(norm_words(description)[:10]))
    return None if head in norm(node.text_content()[:6000]) else description

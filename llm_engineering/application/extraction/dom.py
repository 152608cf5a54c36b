"""HTML parsing and the small tree helpers every extraction module uses (lxml, CSS selectors via cssselect)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from llm_engineering.application.extraction.models import ExtractionError

Element = lxml.html.HtmlElement


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Inline tags: when scoring, their text belongs to the nearest enclosing block.
INLINE_TAGS = word_set(
    """
    a abbr b bdi bdo big br cite code data del dfn em font i ins kbd label mark q s samp small span
    strike strong sub sup time tt u var wbr
    """
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

_WS = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")


def parse_html(html: str | bytes) -> Element:
    """Parse HTML into a tree; refuse input that is empty or not text, with a message saying which."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not isinstance(html, str):
        raise ExtractionError(f"expected the page's HTML as a string, got {type(html).__name__}")
    if not html.strip():
        raise ExtractionError("the page is empty: there is no HTML to extract an article from")
    if _looks_binary(html):
        raise ExtractionError(
            "the page looks like binary data (control characters or undecodable bytes), not HTML; "
            "check the response's content type and encoding"
        )
    # Parse UTF-8 bytes with an explicit encoding: lxml refuses str input that carries an XML encoding
    # declaration, and a stale <meta charset> must not re-decode text that is already Unicode.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    data = html.replace("\x00", "").encode("utf-8", errors="replace")
    try:
        return lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"the page could not be parsed as HTML: {exc}") from exc


def _looks_binary(text: str) -> bool:
    """True when the first 4 KB hold many control characters or replacement characters."""
    sample = text[:4096]
    bad = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad > max(8, len(sample) // 20)


@functools.lru_cache(maxsize=128)
def _css_xpath(selector: str) -> str:
    """The XPath of a CSS selector, kept as a string: compiled selectors must not cross threads."""
    return CSSSelector(selector, translator="html").path


def select(node: Element, selector: str) -> list[Element]:
    """Elements under (or at) `node` matching a CSS selector, in document order."""
    return node.xpath(_css_xpath(selector).replace("descendant-or-self::", "descendant-or-self::", 1))


def largest_by_text(elements: list[Element]) -> Element | None:
    return max(elements, key=text_len, default=None)


def first_text(root: Element, selector: str) -> str | None:
    for el in select(root, selector):
        text = clean_text(el.text_content())
        if text:
            return text
    return None


def text_len(el: Element) -> int:
    return len(_WS.sub("", el.text_content()))


def clean_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def norm(text: str) -> str:
    return " ".join(norm_words(text))


def norm_words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def common_ancestor(elements: list[Element]) -> Element:
    """Lowest common ancestor of a non-empty list of elements."""
    path = [elements[0], *elements[0].iterancestors()]
    depth = {id(el): i for i, el in enumerate(path)}
    lowest = 0
    for el in elements[1:]:
        for anc in (el, *el.iterancestors()):
            if id(anc) in depth:
                lowest = max(lowest, depth[id(anc)])
                break
    return path[lowest]


def prune(node: Element, should_remove: Callable[[Element], bool]) -> None:
    """Remove every descendant for which `should_remove` is true, without visiting removed subtrees."""
    stack = [c for c in node if isinstance(c.tag, str)]
    while stack:
        el = stack.pop()
        if should_remove(el):
            remove(el)
        else:
            stack.extend(c for c in el if isinstance(c.tag, str))


def remove(el: Element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    if el.getparent() is not None:
        el.drop_tree()

"""A LinkedIn element's text as the reader sees it (BeautifulSoup): line breaks from <br> and blocks, list
items as "- item", LinkedIn's pre-wrapped newlines kept, screen-reader labels and buttons left out."""

from __future__ import annotations

import re

from bs4 import Comment, NavigableString, Tag

_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "svg", "button", "img", "iframe", "video"))
_HIDDEN_CLASSES = frozenset(("visually-hidden", "sr-only", "a11y-text"))
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Blocks separated by a blank line; other blocks by a line break.
_PARAGRAPH_TAGS = frozenset(("p", "blockquote", "pre", "ul", "ol", "table", *_HEADINGS))
_BLOCK_TAGS = _PARAGRAPH_TAGS | {
    "div",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "li",
    "tr",
}
# Markers for block edges while rendering, merged afterwards (see _join_breaks).
_LINE_BREAK, _PARAGRAPH_BREAK = "\x00", "\x01"
_BREAK_RUN = re.compile(r"\s*[\x00\x01][\x00\x01\s]*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_ALL_WHITESPACE = re.compile(r"[\s\u00a0\u200b]+")


def render_text(element: Tag) -> str:
    """An element's text as the reader sees it: line breaks from <br> and blocks, list items as "- item",
    newlines kept where LinkedIn renders them (`whitespace-pre-wrap`), screen-reader labels and buttons
    ("...see more") left out."""
    pieces: list[str] = []
    _render(element, pieces, preserve=_is_pre_wrap(element))
    text = _BREAK_RUN.sub(_join_breaks, "".join(pieces))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _join_breaks(run: re.Match[str]) -> str:
    """Adjacent block edges make one break, not one each: a paragraph edge a blank line, others a line
    break (two when the text itself had a blank line there)."""
    value = run.group()
    if _PARAGRAPH_BREAK in value or value.count("\n") > 1:
        return "\n\n"
    return "\n"


def _render(node: Tag, pieces: list[str], preserve: bool) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            pieces.append(_SPACES.sub(" ", str(child)) if preserve else _ALL_WHITESPACE.sub(" ", str(child)))
            continue
        if not isinstance(child, Tag) or _is_skipped(child):
            continue
        if child.name == "br":
            pieces.append("\n")
            continue
        block = child.name in _BLOCK_TAGS
        gap = _PARAGRAPH_BREAK if child.name in _PARAGRAPH_TAGS else _LINE_BREAK
        if block:
            pieces.append(gap)
        if child.name == "li":
            pieces.append(_list_marker(child))
        _render(child, pieces, preserve or _is_pre_wrap(child) or child.name == "pre")
        if block:
            pieces.append(gap)


def _is_skipped(tag: Tag) -> bool:
    if tag.name in _SKIP_TAGS:
        return True
    classes = set(tag.get("class") or ())
    return bool(classes & _HIDDEN_CLASSES) or tag.get("hidden") is not None


def _is_pre_wrap(tag: Tag) -> bool:
    if "whitespace-pre-wrap" in (tag.get("class") or ()):
        return True
    return "white-space:pre-wrap" in str(tag.get("style", "")).replace(" ", "")


def _list_marker(item: Tag) -> str:
    parent = item.parent
    if isinstance(parent, Tag) and parent.name == "ol":
        position = 1 + sum(1 for sibling in item.find_previous_siblings("li"))
        return f"{position}. "
    return "- "

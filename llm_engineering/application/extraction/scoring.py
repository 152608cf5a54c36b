"""Main-node scoring: the element holding the most paragraph text net of boilerplate-like text."""

from __future__ import annotations

from collections.abc import Iterator

from llm_engineering.application.extraction.dom import HEADINGS, INLINE_TAGS, Element

# What one character of boilerplate-like text (short fragments, link text) costs against one character of
# paragraph text; the benchmark gives the same means for any weight from 0.5 to 2, and worse at 3.
_BAD_WEIGHT = 1.0
_PARAGRAPH_MIN_CHARS = 50
_PARAGRAPH_MAX_LINK_RATIO = 0.35
# A child holding this share of its parent's paragraph text is the article; the rest is lead-in or
# calls to action (measured: 0.9 beats 0.8 and 0.95 on the benchmark).
_DOMINANT_SHARE = 0.9


def best_node(root: Element) -> Element:
    """The element maximising paragraph text minus weighted boilerplate text in its subtree.

    A block's own text (text not inside a nested block) is good when it reads like a paragraph (long
    enough, few links) or is code, and bad otherwise (menu items, buttons, dates, teasers). An ancestor only
    beats a child when what it adds is net positive, so the choice stops at the article body.
    """
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    # Blocks inside a link (cards, teasers: <a><h3>..</h3><p>..</p></a>) are link text through and through.
    linked = {d for a in root.iter("a") for d in a.iter() if d is not a}
    good: dict[Element, float] = {}
    bad: dict[Element, float] = {}
    for el in elements:
        if el.tag in INLINE_TAGS:
            continue
        own, link = _own_text(el)
        link = own if el in linked else link
        if own == 0:
            continue
        if el.tag == "pre" or _is_paragraph(el, own, link):
            good[el], bad[el] = own - link, link
        elif el.tag not in HEADINGS:
            bad[el] = own
    # Reverse pre-order visits every child before its parent: sum the subtrees bottom-up.
    sub_good: dict[Element, float] = {}
    sub_bad: dict[Element, float] = {}
    for el in reversed(elements):
        sub_good[el] = sub_good.get(el, 0.0) + good.get(el, 0.0)
        sub_bad[el] = sub_bad.get(el, 0.0) + bad.get(el, 0.0)
        parent = el.getparent()
        if parent is not None:
            sub_good[parent] = sub_good.get(parent, 0.0) + sub_good[el]
            sub_bad[parent] = sub_bad.get(parent, 0.0) + sub_bad[el]
    best, best_score = root, float("-inf")
    for el in elements:
        if el.tag in INLINE_TAGS or el.tag in HEADINGS:
            continue
        score = sub_good[el] - _BAD_WEIGHT * sub_bad[el]
        if score >= best_score:  # >= prefers the deeper element on ties (pre-order visits ancestors first)
            best, best_score = el, score
    return _descend_to_dominant_child(best, sub_good)


def _descend_to_dominant_child(node: Element, sub_good: dict[Element, float]) -> Element:
    """Step into a child that holds nearly all the paragraph text."""
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        top = max(children, key=lambda c: sub_good.get(c, 0.0), default=None)
        total = sub_good.get(node, 0.0)
        if top is None or total <= 0 or sub_good.get(top, 0.0) < _DOMINANT_SHARE * total:
            return node
        node = top


def _is_paragraph(el: Element, own: int, link: int) -> bool:
    if own < 25 or (own < _PARAGRAPH_MIN_CHARS and el.tag not in ("p", "li", "blockquote", "dd", "td")):
        return False
    return link / own <= _PARAGRAPH_MAX_LINK_RATIO


def _own_text(el: Element) -> tuple[int, int]:
    """Characters of text a block owns (its text and its inline descendants'), and how many are links."""
    own = link = 0
    for piece, in_link in _own_pieces(el, False):
        n = len(piece.strip())
        own += n
        link += n if in_link else 0
    return own, link


def _own_pieces(el: Element, in_link: bool) -> Iterator[tuple[str, bool]]:
    in_link = in_link or el.tag == "a"
    if el.text:
        yield el.text, in_link
    for child in el:
        if isinstance(child.tag, str) and child.tag in INLINE_TAGS:
            yield from _own_pieces(child, in_link)
        if child.tail:
            yield child.tail, in_link

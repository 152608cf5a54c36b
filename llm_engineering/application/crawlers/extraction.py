"""Main-text extraction of web articles (Medium, Substack, any blog) into clean Markdown-ish text.

The crawlers hand us a page's HTML; we return its title, subtitle, language, description, author and the
article's main text. The text is what an LLM is fine-tuned on, so boilerplate (menus, cookie banners, share
buttons, related links, comments, footers) must go while headings, lists and code blocks stay.

How: parse with lxml, drop elements that are never content, pick the main node (Medium and Substack by their
own markup, anything else by a text-density score), strip boilerplate inside it, render it with html2text.
`python -m tools.bench_extraction` measures the result against saved pages with known article text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import html2text
import lxml.html
from lxml import etree

from llm_engineering.domain.exceptions import LLMTwinError


class ExtractionError(LLMTwinError, ValueError):
    """No article text could be found in a page (empty, binary, or nothing but boilerplate)."""


@dataclass(frozen=True)
class ExtractedArticle:
    title: str | None
    subtitle: str | None
    content: str
    language: str | None
    description: str | None
    author: str | None


# Below this many characters of text the page holds no article worth keeping.
MIN_CONTENT_CHARS = 40

# Tags whose text is never article text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "video",
    "audio", "source", "picture", "img", "map", "link", "meta", "input", "select", "textarea", "button",
    "dialog", "head",
)  # fmt: skip
# Structural tags that hold site chrome, not the article.
_CHROME_TAGS = ("nav", "footer", "aside", "menu")
# Inline tags: their text belongs to the nearest enclosing block when scoring.
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo big br cite code data del dfn em font i ins kbd label mark q s samp small span strike "
    "strong sub sup time tt u var wbr".split()
)
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))

# Class/id words that mark boilerplate. Matched as whole words inside class/id values (split on -, _, space)
# so that Medium's two-letter generated classes and words like "commentary" do not match by accident.
_BOILERPLATE_WORDS = frozenset(
    """
    ad ads adsbygoogle advert advertisement advertising banner breadcrumb breadcrumbs byline comment comments
    commentlist consent cookie cookies cookiebanner disqus footer footnote-back gdpr masthead menu modal
    navbar navigation newsletter pagination paywall popup promo promotion recirculation recommended related
    respond share sharing sharedaddy sidebar signup skip social sponsor sponsored subscribe subscription
    toolbar tags tagcloud widget
    """.split()
)
# Words that rescue an element from the list above (e.g. "post-footer-content" is not; "entry-content" is).
_CONTENT_WORDS = frozenset("article articlebody body content entry main post story text markup".split())
_WORD_SPLIT = re.compile(r"[\s_\-]+")
# Whole-string markers that need no word split (camelCase ids, common plugin names).
_BOILERPLATE_SUBSTRINGS = (
    "cookie", "consent", "onetrust", "newsletter", "subscribe", "share-", "sharing", "social-", "related-",
    "comments", "disqus", "jp-relatedposts", "sharedaddy", "wpcnt", "addtoany", "post-nav", "author-bio",
)  # fmt: skip

# Medium and Substack chrome inside the article container.
_MEDIUM_JUNK_SELECTORS = (
    "[data-testid='authorName']",
    "[data-testid='storyPublishDate']",
    "[data-testid='headerClapButton']",
    "[data-testid='audioPlayButton']",
    "[data-testid='headerSocialShareButton']",
    "[data-testid='headerBookmarkButton']",
    ".speechify-ignore",
    "[role='button']",
    "[aria-label='responses']",
    ".pw-multi-vote-icon",
    ".pw-multi-vote-count",
    ".pw-responses-count",
    ".pw-published-date",
    ".pw-reading-time",
    ".pw-author",
)
_SUBSTACK_JUNK_SELECTORS = (
    ".subscription-widget-wrap",
    ".subscription-widget-wrap-editor",
    ".subscribe-widget",
    ".button-wrapper",
    ".share-dialog",
    ".post-ufi",
    ".tweet",  # embedded tweets are other people's words, not the author's voice
    ".image-link-expand",
    ".paywall",
    ".footnote-anchor",
    ".captioned-button-wrap",
    ".digest-post-embed",
)

_WS = re.compile(r"[ \t\u00a0\u200b\u200c\u200d\ufeff]+")


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


def extract_article(html: str, url: str | None = None) -> ExtractedArticle:
    """Extract the article of any page: Medium and Substack by their markup, other pages by text density.

    `url` only helps recognise the platform; pages are recognised by their markup first because tests and
    mirrors serve them from other hosts.
    """
    root = _parse(html)
    if _is_medium(root, url):
        return _extract_medium(root)
    if _is_substack(root, url):
        return _extract_substack(root)
    return _extract_generic(root)


def extract_medium_article(html: str) -> ExtractedArticle:
    """Extract a Medium story: title `h1.pw-post-title`, subtitle `h2.pw-subtitle-paragraph`, body text."""
    return _extract_medium(_parse(html))


def extract_substack_article(html: str) -> ExtractedArticle:
    """Extract a Substack post: title `h1.post-title`, subtitle `h3.subtitle`, body `.available-content`."""
    return _extract_substack(_parse(html))


# ---------------------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------------------


def _parse(html: str | bytes) -> lxml.html.HtmlElement:
    """Parse HTML into a tree; refuse input that is empty or not text, with a message saying which."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not isinstance(html, str):
        raise ExtractionError(f"expected the page's HTML as a string, got {type(html).__name__}")
    if not html.strip():
        raise ExtractionError("the page is empty: no HTML to extract an article from")
    if _looks_binary(html):
        raise ExtractionError(
            "the page looks like binary data (control characters / undecodable bytes), not HTML; "
            "check the response's content type and encoding"
        )
    # Parse from UTF-8 bytes with an explicit encoding: lxml refuses str input that carries an XML encoding
    # declaration, and a stale <meta charset> must not re-decode text that is already Unicode.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(html.replace("\x00", "").encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"the page could not be parsed as HTML: {exc}") from exc
    return root


def _looks_binary(text: str) -> bool:
    """True when the first 4 KB are mostly control characters or replacement characters."""
    sample = text[:4096]
    bad = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad > max(8, len(sample) // 20)


# ---------------------------------------------------------------------------------------------------------
# Platform detection and specialised extractors
# ---------------------------------------------------------------------------------------------------------


def _is_medium(root: lxml.html.HtmlElement, url: str | None) -> bool:
    """Medium pages: their post classes or their app metadata (custom domains included)."""
    if root.cssselect("h1.pw-post-title, p.pw-post-body-paragraph, .postArticle-content, p.graf"):
        return True
    if _meta(root, "al:android:package") == "com.medium.reader" or _meta(root, "og:site_name") == "Medium":
        return True
    return bool(url and re.match(r"https?://([^/]+\.)?medium\.com/", url))


def _is_substack(root: lxml.html.HtmlElement, url: str | None) -> bool:
    """Substack posts: the post body container plus a Substack title or content wrapper."""
    if root.cssselect("div.body.markup") and root.cssselect("h1.post-title, div.available-content, .post"):
        return True
    return bool(url and re.match(r"https?://[^/]+\.substack\.com/", url)) and bool(
        root.cssselect("div.body.markup")
    )


def _extract_medium(root: lxml.html.HtmlElement) -> ExtractedArticle:
    meta = _page_metadata(root)
    title = _first_text(root, "h1.pw-post-title") or meta.title
    subtitle = _first_text(root, "h2.pw-subtitle-paragraph")
    author = _first_text(root, "[data-testid='authorName']") or meta.author
    _drop_never_content(root)
    scope = _largest_by_text(root.cssselect("article"))
    if scope is None:
        scope = root
    node = _medium_body(scope)
    _remove_selectors(node, _MEDIUM_JUNK_SELECTORS)
    _remove_title_headings(node, title, subtitle)
    content = _render(_clean_main_node(node))
    return _finish(meta, title=title, subtitle=subtitle, content=content, author=author)


def _medium_body(scope: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The smallest element holding all body paragraphs; generic scoring inside the article otherwise."""
    markers = scope.cssselect("p.pw-post-body-paragraph, .graf")
    if markers:
        return _common_ancestor(markers)
    for selector in (".postArticle-content", "section[data-field='body']"):
        found = scope.cssselect(selector)
        if found:
            return found[0]
    return _best_node(scope)


def _extract_substack(root: lxml.html.HtmlElement) -> ExtractedArticle:
    meta = _page_metadata(root)
    title = _first_text(root, "h1.post-title") or meta.title
    subtitle = _first_text(root, "h3.subtitle")
    author = _first_text(root, ".post-header .profile-hover-card-target, .byline-names") or meta.author
    _drop_never_content(root)
    # The free part of a post lives in .available-content; email renderings only have .body.markup.
    candidates = root.cssselect("div.available-content .body.markup") or root.cssselect("div.body.markup")
    node = _largest_by_text(candidates)
    if node is None:
        node = _best_node(root)
    _remove_selectors(node, _SUBSTACK_JUNK_SELECTORS)
    _remove_title_headings(node, title, subtitle)
    content = _render(_clean_main_node(node))
    return _finish(meta, title=title, subtitle=subtitle, content=content, author=author)


def _extract_generic(root: lxml.html.HtmlElement) -> ExtractedArticle:
    meta = _page_metadata(root)
    _drop_never_content(root)
    _drop_boilerplate(root)
    node = _best_node(root)
    title = meta.title or _first_text(node, "h1")
    _remove_title_headings(node, title, None)
    content = _render(_clean_main_node(node))
    subtitle = _real_subtitle(meta.description, content)
    return _finish(meta, title=title, subtitle=subtitle, content=content, author=meta.author)


def _finish(
    meta: _Metadata, *, title: str | None, subtitle: str | None, content: str, author: str | None
) -> ExtractedArticle:
    """Build the result; a page whose main text is (nearly) empty is an error, not an empty article."""
    if len(content) < MIN_CONTENT_CHARS:
        raise ExtractionError(
            f"no article text found: the main content has {len(content)} characters "
            f"(at least {MIN_CONTENT_CHARS} expected); the page may be empty, a login wall or script-rendered"
        )
    if subtitle is None:
        subtitle = _real_subtitle(meta.description, content)
    return ExtractedArticle(
        title=title,
        subtitle=subtitle,
        content=content,
        language=meta.language,
        description=meta.description,
        author=author,
    )


# ---------------------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Metadata:
    title: str | None
    description: str | None
    author: str | None
    language: str | None


def _page_metadata(root: lxml.html.HtmlElement) -> _Metadata:
    """Title, description, author and language from <meta>, JSON-LD and <html lang>, best source first."""
    ld = _json_ld(root)
    title = _meta(root, "og:title") or _meta(root, "twitter:title") or _clean(ld.get("headline"))
    if not title:
        title = _clean(_first_text(root, "title"))
    description = _meta(root, "og:description") or _meta(root, "description") or _meta(root, "twitter:description")
    author = _meta(root, "author") or _ld_author(ld) or _meta(root, "article:author")
    if author and re.match(r"(https?:)?/", author):  # article:author is often a profile URL, not a name
        author = _ld_author(ld)
    language = root.get("lang") or root.get("xml:lang") or _meta(root, "og:locale") or _meta(root, "language")
    if not language:
        language = _meta_http_equiv(root, "content-language") or _clean(ld.get("inLanguage"))
    return _Metadata(
        title=title,
        description=description,
        author=author,
        language=language.strip().replace("_", "-") if language and language.strip() else None,
    )


def _meta(root: lxml.html.HtmlElement, key: str) -> str | None:
    """Content of <meta property=key> or <meta name=key> (case-insensitive), whitespace-normalised."""
    key = key.lower()
    for el in root.iter("meta"):
        if (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower() == key:
            value = _clean(el.get("content"))
            if value:
                return value
    return None


def _meta_http_equiv(root: lxml.html.HtmlElement, key: str) -> str | None:
    for el in root.iter("meta"):
        if (el.get("http-equiv") or "").lower() == key:
            return _clean(el.get("content"))
    return None


def _json_ld(root: lxml.html.HtmlElement) -> dict:
    """The first JSON-LD object that describes an article (or the first object at all)."""
    found: list[dict] = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # broken JSON-LD is common and only costs us a metadata source
        found.extend(_ld_objects(data))
    for obj in found:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
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
    return _clean(author) if isinstance(author, str) else None


def _real_subtitle(description: str | None, content: str) -> str | None:
    """The description counts as a subtitle only when it is not a truncated excerpt of the body."""
    if not description or len(description) > 300 or description.endswith(("…", "...")):
        return None
    head = _norm_words(description)[:12]
    body = _norm_words(content[:4000])
    if not head or _contains_run(body, head):
        return None
    return description


# ---------------------------------------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------------------------------------


def _drop_never_content(root: lxml.html.HtmlElement) -> None:
    """Remove scripts, media, form controls, site chrome and hidden elements from the whole tree."""
    for el in list(root.iter(*_DROP_TAGS)):
        _remove(el)
    for el in list(root.iter(*_CHROME_TAGS)):
        _remove(el)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if _is_hidden(el) or el.get("role") in ("navigation", "banner", "contentinfo", "complementary"):
            _remove(el)


# Classes that hide text from sighted readers (editor hints, screen-reader labels).
_HIDDEN_CLASSES = frozenset(
    "hide-text sr-only visually-hidden visuallyhidden screen-reader-text screenreader-only".split()
)


def _is_hidden(el: lxml.html.HtmlElement) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true" and not _text_len(el):
        return True
    if _HIDDEN_CLASSES.intersection((el.get("class") or "").split()):
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _drop_boilerplate(root: lxml.html.HtmlElement) -> None:
    """Remove elements whose class/id says boilerplate, unless they hold most of the page's text.

    The guard matters: wrappers named like "page has-sidebar" contain the article itself.
    """
    body = root.find("body")
    total = _text_len(body if body is not None else root) or 1
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body") or el.getparent() is None:
            continue
        if _is_boilerplate_name(el) and _text_len(el) < 0.4 * total:
            _remove(el)
    # Page-level headers hold logos and menus; headers inside an article hold its title, which we keep.
    for el in list(root.iter("header")):
        if not any(a.tag in ("article", "main") for a in el.iterancestors()) and _text_len(el) < 0.2 * total:
            _remove(el)


def _is_boilerplate_name(el: lxml.html.HtmlElement) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if not names.strip():
        return False
    words = set(_WORD_SPLIT.split(names))
    if words & _CONTENT_WORDS and el.tag in ("article", "main", "section", "div"):
        # "post-content", "entry-content" and the like; but "comment-content" is still a comment.
        return bool(words & {"comment", "comments", "related", "sidebar", "footer", "share", "cookie"})
    return bool(words & _BOILERPLATE_WORDS) or any(s in names for s in _BOILERPLATE_SUBSTRINGS)


def _clean_main_node(node: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Strip what survives inside the main node: boilerplate-named parts and link lists (related posts)."""
    for el in list(node.iter()):
        if el is node or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if _is_hidden(el) or el.tag in _CHROME_TAGS:
            _remove(el)
        elif _is_boilerplate_name(el) and el.tag not in _HEADINGS and el.tag != "pre":
            _remove(el)
    for el in list(node.iter("ul", "ol", "div", "section", "table")):
        if el is not node and el.getparent() is not None and _is_link_list(el):
            _remove(el)
    return node


def _is_link_list(el: lxml.html.HtmlElement) -> bool:
    """A block that is nearly all link text in short pieces: related posts, tag clouds, share rows."""
    text = _text_len(el)
    if text == 0:
        return False
    links = sum(_text_len(a) for a in el.iter("a"))
    if links / text < 0.8:
        return False
    # Several short link items; a single long linked sentence in a paragraph is content.
    anchors = sum(1 for _ in el.iter("a"))
    return anchors >= 3 and text / anchors < 80


def _remove_selectors(node: lxml.html.HtmlElement, selectors: Iterable[str]) -> None:
    for selector in selectors:
        for el in node.cssselect(selector):
            if el is not node:
                _remove(el)


def _remove_title_headings(node: lxml.html.HtmlElement, title: str | None, subtitle: str | None) -> None:
    """Drop headings that repeat the title or subtitle: they are separate fields, not body text."""
    targets = {_norm(t) for t in (title, subtitle) if t}
    if not targets:
        return
    for el in list(node.iter(*_HEADINGS)):
        text = _norm(el.text_content())
        if text and (text in targets or any(t.startswith(text) and len(text) > 20 for t in targets)):
            _remove(el)


def _remove(el: lxml.html.HtmlElement) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    el.drop_tree()


# ---------------------------------------------------------------------------------------------------------
# Main-node scoring
# ---------------------------------------------------------------------------------------------------------

# How much one character of boilerplate-like text (short fragments, link text) costs against one character
# of paragraph text. Measured on the benchmark pages (tools/bench_extraction.py).
_BAD_WEIGHT = float(__import__("os").environ.get("BW", "1.0"))
_PARAGRAPH_MIN_CHARS = int(__import__("os").environ.get("PMC", "50"))
_PARAGRAPH_MAX_LINK_RATIO = 0.35
_DOMINANT_SHARE = float(__import__("os").environ.get("DOM", "0.9"))


def _best_node(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element maximising paragraph text minus weighted boilerplate text in its subtree.

    Each block's own text (text not inside a nested block) is "good" when it reads like a paragraph (long
    enough, few links) or is code, and "bad" otherwise (menu items, buttons, dates, link lists). An ancestor
    only wins over a child when what it adds is net positive, so the choice stops at the article body.
    """
    good: dict[lxml.html.HtmlElement, float] = {}
    bad: dict[lxml.html.HtmlElement, float] = {}
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    for el in elements:
        if el.tag in _INLINE_TAGS:
            continue
        own, link = _own_text(el)
        if own == 0:
            continue
        if el.tag == "pre" or _is_paragraph(own, link, el):
            good[el] = good.get(el, 0.0) + own - link
            bad[el] = bad.get(el, 0.0) + link
        elif el.tag not in _HEADINGS:
            bad[el] = bad.get(el, 0.0) + own
    # Reverse pre-order visits every child before its parent: accumulate subtree sums bottom-up.
    sub_good: dict[lxml.html.HtmlElement, float] = {}
    sub_bad: dict[lxml.html.HtmlElement, float] = {}
    for el in reversed(elements):
        g = sub_good.get(el, 0.0) + good.get(el, 0.0)
        b = sub_bad.get(el, 0.0) + bad.get(el, 0.0)
        sub_good[el], sub_bad[el] = g, b
        parent = el.getparent()
        if parent is not None:
            sub_good[parent] = sub_good.get(parent, 0.0) + g
            sub_bad[parent] = sub_bad.get(parent, 0.0) + b
    best, best_score = root, float("-inf")
    for el in elements:
        if el.tag in _INLINE_TAGS or el.tag in _HEADINGS:
            continue
        score = sub_good[el] - _BAD_WEIGHT * sub_bad[el]
        if score >= best_score:  # >= prefers the deeper element on ties (pre-order visits ancestors first)
            best, best_score = el, score
    return _descend_to_dominant_child(best, sub_good)


def _descend_to_dominant_child(
    node: lxml.html.HtmlElement, sub_good: dict[lxml.html.HtmlElement, float]
) -> lxml.html.HtmlElement:
    """Step into a child that holds nearly all the paragraph text: the rest is a lead-in or a call to action."""
    while True:
        total = sub_good.get(node, 0.0)
        children = [c for c in node if isinstance(c.tag, str)]
        top = max(children, key=lambda c: sub_good.get(c, 0.0), default=None)
        if top is None or total <= 0 or sub_good.get(top, 0.0) < _DOMINANT_SHARE * total:
            return node
        node = top


def _is_paragraph(own: int, link: int, el: lxml.html.HtmlElement) -> bool:
    if own < _PARAGRAPH_MIN_CHARS and el.tag not in ("p", "li", "blockquote", "dd", "td"):
        return False
    if own < 25:
        return False
    return link / own <= _PARAGRAPH_MAX_LINK_RATIO


def _own_text(el: lxml.html.HtmlElement) -> tuple[int, int]:
    """Characters of text owned by a block (its own text and inline descendants), and how many are links."""
    own = link = 0
    for piece, in_link in _own_pieces(el, False):
        n = len(piece.strip())
        own += n
        if in_link:
            link += n
    return own, link


def _own_pieces(el: lxml.html.HtmlElement, in_link: bool) -> Iterator[tuple[str, bool]]:
    in_link = in_link or el.tag == "a"
    if el.text:
        yield el.text, in_link
    for child in el:
        if isinstance(child.tag, str) and child.tag in _INLINE_TAGS:
            yield from _own_pieces(child, in_link)
        if child.tail:
            yield child.tail, in_link


# ---------------------------------------------------------------------------------------------------------
# Rendering and small helpers
# ---------------------------------------------------------------------------------------------------------


def _render(node: lxml.html.HtmlElement) -> str:
    """html2text of the node: links as text, no images, fenced code, no hard wrapping; tidy blank lines."""
    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.ignore_emphasis = False
    converter.body_width = 0
    converter.backquote_code_style = True  # ``` fences keep code blocks unambiguous for the model
    converter.unicode_snob = True  # keep “smart quotes” and accents instead of ASCII look-alikes
    converter.single_line_break = False
    markdown = converter.handle(etree.tostring(node, encoding="unicode", method="html"))
    return _tidy(markdown)


def _tidy(markdown: str) -> str:
    lines = [line.rstrip() for line in markdown.splitlines()]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
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


def _largest_by_text(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement | None:
    return max(elements, key=_text_len, default=None)


def _first_text(root: lxml.html.HtmlElement, selector: str) -> str | None:
    for el in root.cssselect(selector):
        text = _clean(el.text_content())
        if text:
            return text
    return None


def _text_len(el: lxml.html.HtmlElement | None) -> int:
    if el is None:
        return 0
    return len(_WS.sub(" ", el.text_content()).strip())


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value or None


def _norm(text: str) -> str:
    return " ".join(_norm_words(text))


def _norm_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    """True when `needle` occurs as a contiguous run of words in `haystack`."""
    n = len(needle)
    first = needle[0]
    return any(haystack[i : i + n] == needle for i, w in enumerate(haystack) if w == first)

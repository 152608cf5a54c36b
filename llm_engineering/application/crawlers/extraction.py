"""Main-text extraction of web articles (Medium, Substack, any blog) into clean Markdown-ish text.

The crawlers hand us a page's HTML; we return its title, subtitle, language, description, author and the
article's main text. That text is what an LLM is fine-tuned on, so boilerplate (menus, cookie banners, share
buttons, related links, comments, footers) must go while headings, lists and code blocks stay.

How: parse with lxml, drop elements that are never content, pick the main node (Medium and Substack by their
own markup, any other page by a text-density score), strip boilerplate inside it, render it with html2text.
`python -m tools.bench_extraction` measures the result against saved pages whose article text is known.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import html2text
import lxml.html
from lxml import etree

from llm_engineering.domain.exceptions import LLMTwinError

Element = lxml.html.HtmlElement


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


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


# Below this many characters the page holds no article worth keeping.
MIN_CONTENT_CHARS = 40

# Tags whose text is never article text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "video",
    "audio", "source", "picture", "img", "map", "link", "meta", "input", "select", "textarea", "button",
    "dialog", "head",
)  # fmt: skip
# Structural tags that hold site chrome, not the article.
_CHROME_TAGS = ("nav", "footer", "aside", "menu")
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog"))
# Inline tags: when scoring, their text belongs to the nearest enclosing block.
_INLINE_TAGS = _word_set(
    """
    a abbr b bdi bdo big br cite code data del dfn em font i ins kbd label mark q s samp small span
    strike strong sub sup time tt u var wbr
    """
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Classes that hide text from sighted readers (editor hints, screen-reader labels).
_HIDDEN_CLASSES = _word_set(
    "hide-text sr-only visually-hidden visuallyhidden screen-reader-text screenreader-only"
)

# Class/id words that mark boilerplate, matched as whole words of class/id values (split on space, - and _)
# so that Medium's generated two-letter classes and words like "commentary" do not match by accident.
_BOILERPLATE_WORDS = _word_set(
    """
    ad ads adsbygoogle advert advertisement advertising banner breadcrumb breadcrumbs byline comment
    comments commentlist consent cookie cookies cookiebanner cta disqus footer gdpr masthead menu meta
    modal navbar navigation newsletter pagination paywall popup promo promotion recirculation
    recommended related respond share sharing sharedaddy sidebar signup skip social sponsor sponsored
    subscribe subscription toolbar tags tagcloud widget
    """
)
# Words that rescue a container ("entry-content", "post-body") unless a strong boilerplate word is present
# too ("comment-body", "post-share", "entry-meta").
_CONTENT_WORDS = _word_set("article articlebody body content entry main post story text markup")
_STRONG_BOILERPLATE_WORDS = _word_set(
    """
    comment comments related sidebar footer share sharing social cookie consent newsletter subscribe
    subscription meta byline tags recommended promo advert ads
    """
)
# Markers inside camelCase or compound class names that the word split cannot see.
_BOILERPLATE_SUBSTRINGS = (
    "cookie", "consent", "onetrust", "newsletter", "subscribe", "sharing", "disqus", "relatedposts",
    "sharedaddy", "addtoany", "author-bio", "authorbio", "mixtapeembed",
)  # fmt: skip
_WORD_SPLIT = re.compile(r"[\s_\-]+")

# Medium and Substack chrome inside the article container.
_MEDIUM_JUNK = (
    "[data-testid='authorName']",
    "[data-testid='authorPhoto']",
    "[data-testid='storyPublishDate']",
    "[data-testid='storyReadTime']",
    "[data-testid='headerClapButton']",
    "[data-testid='audioPlayButton']",
    "[data-testid='headerSocialShareButton']",
    "[data-testid='headerBookmarkButton']",
    ".speechify-ignore",
    "[role='button']",
    "[role='tooltip']",
    ".pw-multi-vote-icon",
    ".pw-multi-vote-count",
    ".pw-responses-count",
    ".pw-published-date",
    ".pw-reading-time",
    ".pw-author",
    ".graf--title",  # old Medium: the title inside the body
    ".graf--subtitle",
)
_SUBSTACK_JUNK = (
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
    ".embedded-post-wrap",
)

_WS = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")
_READ_TIME = re.compile(r"\b\d+\s*min(ute)?s?\s+read\b", re.IGNORECASE)
# " | ", " - ", " — " ... between the post's title and the site's name; a colon belongs to titles.
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•»]{1,2})\s+")


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


def extract_article(html: str, url: str | None = None) -> ExtractedArticle:
    """Extract the article of any page: Medium and Substack by their markup, other pages by text density.

    `url` only helps to recognise the platform: pages are recognised by their markup first, because mirrors
    and tests serve them from other hosts.
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


def _parse(html: str | bytes) -> Element:
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


# ---------------------------------------------------------------------------------------------------------
# Platforms
# ---------------------------------------------------------------------------------------------------------


def _is_medium(root: Element, url: str | None) -> bool:
    """Medium stories: their post classes or their app metadata (custom domains included)."""
    if _select(root, "h1.pw-post-title, p.pw-post-body-paragraph, .postArticle-content, p.graf--p"):
        return True
    if _meta(root, "al:android:package") == "com.medium.reader" or _meta(root, "og:site_name") == "Medium":
        return True
    return bool(url and re.match(r"https?://([^/]+\.)?medium\.com/", url))


def _is_substack(root: Element, url: str | None) -> bool:
    """Substack posts: the post body container next to a Substack title or content wrapper."""
    if not _select(root, "div.body.markup"):
        return False
    if _select(root, "h1.post-title, div.available-content, div.post, article.post"):
        return True
    return bool(url and re.match(r"https?://[^/]+\.substack\.com/", url))


def _extract_medium(root: Element) -> ExtractedArticle:
    meta = _page_metadata(root)
    title = _first_text(root, "h1.pw-post-title") or meta.title
    subtitle = _first_text(root, "h2.pw-subtitle-paragraph, .graf--subtitle")
    author = _first_text(root, "[data-testid='authorName']") or meta.author
    _drop_never_content(root)
    scope = _largest_by_text(_select(root, "article"))
    node = _medium_body(root if scope is None else scope)
    _remove_all(node, _MEDIUM_JUNK)
    _remove_read_time_bylines(node)
    return _finish(meta, node, title=title, subtitle=subtitle, author=author)


def _medium_body(scope: Element) -> Element:
    """Current markup: the smallest element holding every body paragraph. Older markup (graf--p classes,
    obfuscated classes) varies too much for selectors: score the story's own <article> instead."""
    markers = _select(scope, "p.pw-post-body-paragraph")
    if markers:
        return _common_ancestor(markers)
    _drop_boilerplate(scope)
    return _best_node(scope)


def _remove_read_time_bylines(node: Element) -> None:
    """Old Medium markup has no classes: find the byline by its "N min read" and drop its small block."""
    for text in node.xpath(".//text()[contains(., 'min read')]"):
        owner = text.getparent().getparent() if text.is_tail else text.getparent()
        if owner is None or owner is node or _text_len(owner) > 60:
            continue  # a sentence that mentions reading time is body text
        if not _READ_TIME.search(" ".join(owner.text_content().split())):
            continue
        block = owner
        while block.getparent() is not None and block.getparent() is not node:
            if _text_len(block.getparent()) > 200:
                break
            block = block.getparent()
        _remove(block)


def _extract_substack(root: Element) -> ExtractedArticle:
    meta = _page_metadata(root)
    title = _first_text(root, "h1.post-title") or meta.title
    subtitle = _first_text(root, "h3.subtitle")
    author = meta.author or _first_text(root, ".byline-names, .post-header .profile-hover-card-target")
    _drop_never_content(root)
    # The free part of a post is in .available-content; email renderings only have .body.markup.
    node = _largest_by_text(_select(root, "div.available-content .body.markup"))
    if node is None:
        node = _largest_by_text(_select(root, "div.body.markup"))
    if node is None:
        node = _best_node(root)
    _remove_all(node, _SUBSTACK_JUNK)
    return _finish(meta, node, title=title, subtitle=subtitle, author=author)


def _extract_generic(root: Element) -> ExtractedArticle:
    meta = _page_metadata(root)
    _drop_never_content(root)
    _drop_boilerplate(root)
    node = _best_node(root)
    return _finish(meta, node, title=meta.title, subtitle=None, author=meta.author)


def _finish(
    meta: _Metadata, node: Element, *, title: str | None, subtitle: str | None, author: str | None
) -> ExtractedArticle:
    """Clean the main node, render it, and refuse a page whose main text is (nearly) empty."""
    _clean_main_node(node)
    # A subtitle from its own element is dropped from the body; one read from the description is kept in
    # the body too, since the page may show it as the first section heading.
    _remove_title_headings(node, title, subtitle)
    if subtitle is None:
        subtitle = _real_subtitle(meta.social_description, node)
    content = _render(node)
    if len(content) < MIN_CONTENT_CHARS:
        raise ExtractionError(
            f"no article text found: the main content has {len(content)} characters "
            f"(at least {MIN_CONTENT_CHARS} expected); the page may be empty, a login wall or rendered by "
            "JavaScript"
        )
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
    social_description: str | None  # og/twitter/JSON-LD: written for this article, unlike a site-wide one
    author: str | None
    language: str | None


def _page_metadata(root: Element) -> _Metadata:
    """Title, description, author and language from <meta>, JSON-LD, <title> and <html lang>."""
    ld = _json_ld(root)
    social = _meta(root, "og:description") or _meta(root, "twitter:description")
    social = social or _clean(ld.get("description"))
    author = _meta(root, "author") or _ld_author(ld) or _meta(root, "article:author")
    if author and re.match(r"(https?:)?/", author):  # article:author is often a profile URL, not a name
        author = _ld_author(ld)
    language = root.get("lang") or root.get("xml:lang") or _meta(root, "og:locale") or _meta(root, "language")
    language = language or _meta_http_equiv(root, "content-language") or _clean(ld.get("inLanguage"))
    return _Metadata(
        title=_page_title(root, ld),
        description=social or _meta(root, "description"),
        social_description=social,
        author=author,
        language=language.strip().replace("_", "-") if language and language.strip() else None,
    )


def _page_title(root: Element, ld: dict) -> str | None:
    """og:title, JSON-LD headline or <title>, without the site name when a page heading shows which part
    is the article's ("Post title | Blog name" -> "Post title")."""
    title = _meta(root, "og:title") or _meta(root, "twitter:title") or _clean(ld.get("headline"))
    title = title or _first_text(root, "title")
    h1s = {_norm(h.text_content()): _clean(h.text_content()) for h in root.iter("h1")}
    h1s.pop("", None)
    if not title:
        return next(iter(h1s.values()), None) or _first_text(root, "h2")
    site = _norm(_meta(root, "og:site_name") or "")
    parts = [p for p in _TITLE_SEPARATORS.split(title) if _norm(p)]
    if len(parts) > 1:
        # The longest part that is also the page's h1 (a logo h1 with the site name does not count).
        matching = [p for p in parts if _norm(p) in h1s and _norm(p) != site]
        if matching:
            return h1s[_norm(max(matching, key=len))]
        if site and _norm(parts[-1]) == site:
            return " ".join(title.split()[: -len(parts[-1].split())]).rstrip(" |-–—·•»")
    return title


def _meta(root: Element, key: str) -> str | None:
    """Content of <meta property=key> or <meta name=key> (case-insensitive), whitespace-normalised."""
    key = key.lower()
    for el in root.iter("meta"):
        if (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower() == key:
            value = _clean(el.get("content"))
            if value:
                return value
    return None


def _meta_http_equiv(root: Element, key: str) -> str | None:
    for el in root.iter("meta"):
        if (el.get("http-equiv") or "").lower() == key:
            return _clean(el.get("content"))
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
    return _clean(author)


def _real_subtitle(description: str | None, node: Element) -> str | None:
    """A description is a subtitle when the body shows it as a heading, or when it is not an excerpt of
    the body (excerpts are cut from the first paragraph and often end in an ellipsis)."""
    if not description or len(description) > 250 or description.endswith(("…", "...")):
        return None
    wanted = _norm(description)
    if any(_norm(h.text_content()) == wanted for h in node.iter(*_HEADINGS)):
        return description
    head = _norm(" ".join(_norm_words(description)[:10]))
    return None if head in _norm(node.text_content()[:6000]) else description


# ---------------------------------------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------------------------------------


def _prune(node: Element, should_remove: Callable[[Element], bool]) -> None:
    """Remove every descendant for which `should_remove` is true, without visiting removed subtrees."""
    stack = [c for c in node if isinstance(c.tag, str)]
    while stack:
        el = stack.pop()
        if should_remove(el):
            _remove(el)
        else:
            stack.extend(c for c in el if isinstance(c.tag, str))


def _drop_never_content(root: Element) -> None:
    """Remove scripts, media, form controls, site chrome and hidden elements from the whole tree."""
    for el in list(root.iter(*_DROP_TAGS)):
        _remove(el)
    _prune(root, lambda el: el.tag in _CHROME_TAGS or el.get("role") in _CHROME_ROLES or _is_hidden(el))


def _is_hidden(el: Element) -> bool:
    if el.get("hidden") is not None or _HIDDEN_CLASSES.intersection((el.get("class") or "").split()):
        return True
    if el.get("aria-hidden") == "true" and not _text_len(el):
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _drop_boilerplate(root: Element) -> None:
    """Remove elements whose class/id says boilerplate, unless they hold much of the page's text.

    The guard matters: wrappers named like "page has-sidebar" hold the article itself.
    """
    body = root.find("body")
    total = _text_len(root if body is None else body) or 1
    _prune(root, lambda el: _is_boilerplate_name(el) and _text_len(el) < 0.4 * total)

    # Page-level headers hold logos and menus; a header inside an article holds its title, which we keep.
    def is_page_header(el: Element) -> bool:
        return el.tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors())

    _prune(root, lambda el: is_page_header(el) and _text_len(el) < 0.2 * total)


def _is_boilerplate_name(el: Element) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if not names.strip() or el.tag in ("html", "body"):
        return False
    words = set(_WORD_SPLIT.split(names))
    hits = words & _BOILERPLATE_WORDS
    if not hits and not any(s in names for s in _BOILERPLATE_SUBSTRINGS):
        return False
    if words & _CONTENT_WORDS:
        return bool(hits & _STRONG_BOILERPLATE_WORDS)
    return True


def _clean_main_node(node: Element) -> None:
    """Strip what survives inside the main node: boilerplate-named parts, link cards and link lists."""
    _prune(
        node,
        lambda el: (
            el.tag in _CHROME_TAGS
            or _is_hidden(el)
            or (_is_boilerplate_name(el) and el.tag not in _HEADINGS and el.tag != "pre")
            or _is_link_card(el)
            or _is_post_navigation(el)
            or _is_empty_block(el)
        ),
    )
    _drop_related_sections(node)


# Headings that introduce teasers for other pages. Author-curated "Further reading"/"See also" stays.
_RELATED_HEADING = re.compile(
    r"^(related|more (from|by|in|on|stories|articles|posts|like this)|read (next|more)|recommended|"
    r"popular|trending|you (may|might) also (like|enjoy)|recent posts|latest posts)\b",
    re.IGNORECASE,
)


def _drop_related_sections(node: Element) -> None:
    """Remove a "Related posts"-style heading together with the link lists that follow it.

    Link lists elsewhere stay: inside the main node they are usually content (a list of fixed bugs).
    """
    for heading in list(node.iter(*_HEADINGS)):
        if heading.getparent() is None or not _RELATED_HEADING.match(_clean(heading.text_content()) or ""):
            continue
        following, dropped = heading.getnext(), 0
        while following is not None and _is_link_list(following):
            after = following.getnext()
            _remove(following)
            following, dropped = after, dropped + 1
        if dropped:  # a heading like "Popular misconceptions" followed by prose stays
            _remove(heading)


def _is_link_card(el: Element) -> bool:
    """A link wrapping headings or paragraphs: a teaser for another page, not part of this one."""
    return el.tag == "a" and any(isinstance(c.tag, str) and c.tag not in _INLINE_TAGS for c in el.iter())


def _is_link_list(el: Element) -> bool:
    """A block that is nearly all link text in short pieces: related posts, tag clouds, share rows."""
    text = _text_len(el)
    if text == 0:
        return False
    anchors = list(el.iter("a"))
    if len(anchors) < 3 or sum(_text_len(a) for a in anchors) < 0.8 * text:
        return False
    return text / len(anchors) < 80  # a paragraph of long linked sentences is still content


def _remove_all(node: Element, selectors: tuple[str, ...]) -> None:
    for el in _select(node, ", ".join(selectors)):
        if el is not node:
            _remove(el)


def _remove_title_headings(node: Element, title: str | None, subtitle: str | None) -> None:
    """Drop headings that repeat the title or subtitle: those are separate fields, not body text.

    Before the first paragraph a heading that is only part of the title goes too (old Medium splits the
    title over two headings); after it, only exact repeats do.
    """
    targets = [_norm(t) for t in (title, subtitle) if t]
    if not targets:
        return
    before_body = True
    for el in list(node.iter("p", *_HEADINGS)):
        if el.tag == "p":
            before_body = before_body and _text_len(el) < 40
            continue
        text = _norm(el.text_content())
        if text and any(text == t or (before_body and len(text) > 15 and text in t) for t in targets):
            _remove(el)


_POST_NAVIGATION = re.compile(r"^\W*(previous|next|older|newer)( post| article| entry)?\b", re.IGNORECASE)


def _is_post_navigation(el: Element) -> bool:
    """'← Previous: Other post' / 'Next post →' links between a blog's posts."""
    if el.tag not in ("p", "div", "li", "span") or el.find(".//a") is None or _text_len(el) > 150:
        return False
    return bool(_POST_NAVIGATION.match(" ".join(el.text_content().split())))


def _is_empty_block(el: Element) -> bool:
    """A table, list or wrapper without text: leftovers of removed images and widgets (not a <hr>)."""
    if el.tag not in ("table", "ul", "ol", "figure", "div", "section", "p", *_HEADINGS) or _text_len(el):
        return False
    return next(el.iter("hr", "pre"), None) is None


def _remove(el: Element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    if el.getparent() is not None:
        el.drop_tree()


# ---------------------------------------------------------------------------------------------------------
# Main-node scoring
# ---------------------------------------------------------------------------------------------------------

# What one character of boilerplate-like text (short fragments, link text) costs against one character of
# paragraph text; the benchmark gives the same means for any weight from 0.5 to 2, and worse at 3.
_BAD_WEIGHT = 1.0
_PARAGRAPH_MIN_CHARS = 50
_PARAGRAPH_MAX_LINK_RATIO = 0.35
# A child holding this share of its parent's paragraph text is the article; the rest is lead-in or
# calls to action (measured: 0.9 beats 0.8 and 0.95 on the benchmark).
_DOMINANT_SHARE = 0.9


def _best_node(root: Element) -> Element:
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
        if el.tag in _INLINE_TAGS:
            continue
        own, link = _own_text(el)
        link = own if el in linked else link
        if own == 0:
            continue
        if el.tag == "pre" or _is_paragraph(el, own, link):
            good[el], bad[el] = own - link, link
        elif el.tag not in _HEADINGS:
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
        if el.tag in _INLINE_TAGS or el.tag in _HEADINGS:
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
        if isinstance(child.tag, str) and child.tag in _INLINE_TAGS:
            yield from _own_pieces(child, in_link)
        if child.tail:
            yield child.tail, in_link


# ---------------------------------------------------------------------------------------------------------
# Rendering and small helpers
# ---------------------------------------------------------------------------------------------------------


def _render(node: Element) -> str:
    """html2text of the node: links as text, no images, fenced code, no hard wrapping; tidy blank lines."""
    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.body_width = 0
    converter.backquote_code_style = True  # ``` fences keep code blocks unambiguous for the model
    converter.unicode_snob = True  # keep “smart quotes” and accents instead of ASCII look-alikes
    return _tidy(converter.handle(etree.tostring(node, encoding="unicode", method="html")))


def _tidy(markdown: str) -> str:
    lines, in_code = [], False
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code:
            line = _unescape_line_start(line)
            line = _EMPTY_EMPHASIS.sub("", line).rstrip()
            if re.fullmatch(r"#+", line.strip()):
                continue  # a heading whose text was an image or a line break
            if line.startswith(" ") and not line.startswith("  "):
                line = line[1:]  # html2text's stray space before inline emphasis
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    # A heading at the very end introduces nothing: it is a leftover of a removed widget ("Like this:").
    return re.sub(r"(\n\n#+ [^\n]*)+\Z", "", text).strip()


# "** **" or "_ _" from emphasis tags that held only whitespace.
_EMPTY_EMPHASIS = re.compile(r"(?<!\S)(\*\*|__?)\s*\1(?!\S)")


def _unescape_line_start(line: str) -> str:
    """html2text escapes "1." "+" "-" at a line start so they are not read as lists; in prose it is noise."""
    line = re.sub(r"^(\s*(?:#+\s+)?\d+)\\\.", r"\1.", line)
    return re.sub(r"^(\s*)\\([-+])", r"\1\2", line)


def _common_ancestor(elements: list[Element]) -> Element:
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


# A small CSS subset (tag, .class, [attr='value'], descendant combinator, comma lists) compiled to XPath:
# enough for the platform selectors here, without a dependency on the cssselect package.
_CSS_PART = re.compile(r"([a-zA-Z][\w-]*)|\.([\w-]+)|\[([\w:-]+)='([^']*)'\]")


@functools.lru_cache(maxsize=64)
def _css_to_xpath(selector: str) -> str:
    alternatives = []
    for alternative in selector.split(","):
        steps = []
        for compound in alternative.split():
            tag, conditions, pos = "*", [], 0
            for match in _CSS_PART.finditer(compound):
                if match.start() != pos:
                    raise ValueError(f"unsupported CSS selector: {compound!r}")
                pos = match.end()
                name, cls, attr, value = match.groups()
                if name:
                    tag = name
                elif cls:
                    conditions.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')")
                else:
                    conditions.append(f"@{attr}='{value}'")
            if pos != len(compound):
                raise ValueError(f"unsupported CSS selector: {compound!r}")
            steps.append(tag + "".join(f"[{c}]" for c in conditions))
        alternatives.append("descendant-or-self::" + "//".join(steps))
    return " | ".join(alternatives)  # a string, not a compiled etree.XPath: those must not cross threads


def _select(node: Element, selector: str) -> list[Element]:
    """Elements under (or at) `node` matching a simple CSS selector, in document order."""
    return node.xpath(_css_to_xpath(selector))


def _largest_by_text(elements: list[Element]) -> Element | None:
    return max(elements, key=_text_len, default=None)


def _first_text(root: Element, selector: str) -> str | None:
    for el in _select(root, selector):
        text = _clean(el.text_content())
        if text:
            return text
    return None


def _text_len(el: Element) -> int:
    return len(_WS.sub("", el.text_content()))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _norm(text: str) -> str:
    return " ".join(_norm_words(text))


def _norm_words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())

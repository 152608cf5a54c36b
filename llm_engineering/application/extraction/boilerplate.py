"""What is never article text: scripts and media, site chrome, boilerplate-named blocks, link cards and lists,
"related posts" sections, and headings that repeat the title."""

from __future__ import annotations

import re

from llm_engineering.application.extraction.dom import (
    HEADINGS,
    INLINE_TAGS,
    Element,
    clean_text,
    norm,
    prune,
    remove,
    select,
    text_len,
    word_set,
)

# Tags whose text is never article text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "video",
    "audio", "source", "picture", "img", "map", "link", "meta", "input", "select", "textarea", "button",
    "dialog", "head",
)  # fmt: skip
# Structural tags that hold site chrome, not the article.
_CHROME_TAGS = ("nav", "footer", "aside", "menu")
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog"))
# Classes that hide text from sighted readers (editor hints, screen-reader labels).
_HIDDEN_CLASSES = word_set(
    "hide-text sr-only visually-hidden visuallyhidden screen-reader-text screenreader-only"
)

# Class/id words that mark boilerplate, matched as whole words of class/id values (split on space, - and _)
# so that Medium's generated two-letter classes and words like "commentary" do not match by accident.
_BOILERPLATE_WORDS = word_set(
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
_CONTENT_WORDS = word_set("article articlebody body content entry main post story text markup")
_STRONG_BOILERPLATE_WORDS = word_set(
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


def drop_never_content(root: Element) -> None:
    """Remove scripts, media, form controls, site chrome and hidden elements from the whole tree."""
    for el in list(root.iter(*_DROP_TAGS)):
        remove(el)
    prune(root, lambda el: el.tag in _CHROME_TAGS or el.get("role") in _CHROME_ROLES or _is_hidden(el))


def _is_hidden(el: Element) -> bool:
    if el.get("hidden") is not None or _HIDDEN_CLASSES.intersection((el.get("class") or "").split()):
        return True
    if el.get("aria-hidden") == "true" and not text_len(el):
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def drop_boilerplate(root: Element) -> None:
    """Remove elements whose class/id says boilerplate, unless they hold much of the page's text.

    The guard matters: wrappers named like "page has-sidebar" hold the article itself.
    """
    body = root.find("body")
    total = text_len(root if body is None else body) or 1
    prune(root, lambda el: _is_boilerplate_name(el) and text_len(el) < 0.4 * total)

    # Page-level headers hold logos and menus; a header inside an article holds its title, which we keep.
    def is_page_header(el: Element) -> bool:
        return el.tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors())

    prune(root, lambda el: is_page_header(el) and text_len(el) < 0.2 * total)


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


def clean_main_node(node: Element) -> None:
    """Strip what survives inside the main node: boilerplate-named parts, link cards and link lists."""
    prune(
        node,
        lambda el: (
            el.tag in _CHROME_TAGS
            or _is_hidden(el)
            or (_is_boilerplate_name(el) and el.tag not in HEADINGS and el.tag != "pre")
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
    for heading in list(node.iter(*HEADINGS)):
        if heading.getparent() is None or not _RELATED_HEADING.match(
            clean_text(heading.text_content()) or ""
        ):
            continue
        following, dropped = heading.getnext(), 0
        while following is not None and _is_link_list(following):
            after = following.getnext()
            remove(following)
            following, dropped = after, dropped + 1
        if dropped:  # a heading like "Popular misconceptions" followed by prose stays
            remove(heading)


def _is_link_card(el: Element) -> bool:
    """A link wrapping headings or paragraphs: a teaser for another page, not part of this one."""
    return el.tag == "a" and any(isinstance(c.tag, str) and c.tag not in INLINE_TAGS for c in el.iter())


def _is_link_list(el: Element) -> bool:
    """A block that is nearly all link text in short pieces: related posts, tag clouds, share rows."""
    text = text_len(el)
    if text == 0:
        return False
    anchors = list(el.iter("a"))
    if len(anchors) < 3 or sum(text_len(a) for a in anchors) < 0.8 * text:
        return False
    return text / len(anchors) < 80  # a paragraph of long linked sentences is still content


def remove_all(node: Element, selectors: tuple[str, ...]) -> None:
    for el in select(node, ", ".join(selectors)):
        if el is not node:
            remove(el)


def remove_title_headings(node: Element, title: str | None, subtitle: str | None) -> None:
    """Drop headings that repeat the title or subtitle: those are separate fields, not body text.

    Before the first paragraph a heading that is only part of the title goes too (old Medium splits the
    title over two headings); after it, only exact repeats do.
    """
    targets = [norm(t) for t in (title, subtitle) if t]
    if not targets:
        return
    before_body = True
    for el in list(node.iter("p", *HEADINGS)):
        if el.tag == "p":
            before_body = before_body and text_len(el) < 40
            continue
        text = norm(el.text_content())
        if text and any(text == t or (before_body and len(text) > 15 and text in t) for t in targets):
            remove(el)


_POST_NAVIGATION = re.compile(r"^\W*(previous|next|older|newer)( post| article| entry)?\b", re.IGNORECASE)


def _is_post_navigation(el: Element) -> bool:
    """'← Previous: Other post' / 'Next post →' links between a blog's posts."""
    if el.tag not in ("p", "div", "li", "span") or el.find(".//a") is None or text_len(el) > 150:
        return False
    return bool(_POST_NAVIGATION.match(" ".join(el.text_content().split())))


def _is_empty_block(el: Element) -> bool:
    """A table, list or wrapper without text: leftovers of removed images and widgets (not a <hr>)."""
    if el.tag not in ("table", "ul", "ol", "figure", "div", "section", "p", *HEADINGS) or text_len(el):
        return False
    return next(el.iter("hr", "pre"), None) is None

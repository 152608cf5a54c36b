"""Medium's markup: how a story is recognised, where its title, subtitle and body are, what chrome to drop."""

from __future__ import annotations

import re

from llm_engineering.application.extraction.assembly import finish_article
from llm_engineering.application.extraction.boilerplate import (
    drop_boilerplate,
    drop_never_content,
    remove_all,
)
from llm_engineering.application.extraction.dom import (
    Element,
    common_ancestor,
    first_text,
    largest_by_text,
    remove,
    select,
    text_len,
)
from llm_engineering.application.extraction.metadata import meta_content, page_metadata
from llm_engineering.application.extraction.models import ExtractedArticle
from llm_engineering.application.extraction.scoring import best_node

# Medium and Substack chrome inside the article container.
MEDIUM_JUNK = (
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
_READ_TIME = re.compile(r"\b\d+\s*min(ute)?s?\s+read\b", re.IGNORECASE)


def is_medium(root: Element, url: str | None) -> bool:
    """Medium stories: their post classes or their app metadata (custom domains included)."""
    if select(root, "h1.pw-post-title, p.pw-post-body-paragraph, .postArticle-content, p.graf--p"):
        return True
    if (
        meta_content(root, "al:android:package") == "com.medium.reader"
        or meta_content(root, "og:site_name") == "Medium"
    ):
        return True
    return bool(url and re.match(r"https?://([^/]+\.)?medium\.com/", url))


def extract_medium(root: Element) -> ExtractedArticle:
    meta = page_metadata(root)
    title = first_text(root, "h1.pw-post-title") or meta.title
    subtitle = first_text(root, "h2.pw-subtitle-paragraph, .graf--subtitle")
    author = first_text(root, "[data-testid='authorName']") or meta.author
    drop_never_content(root)
    scope = largest_by_text(select(root, "article"))
    node = _medium_body(root if scope is None else scope)
    remove_all(node, MEDIUM_JUNK)
    _remove_read_time_bylines(node)
    return finish_article(meta, node, title=title, subtitle=subtitle, author=author)


def _medium_body(scope: Element) -> Element:
    """Current markup: the smallest element holding every body paragraph. Older markup (graf--p classes,
    obfuscated classes) varies too much for selectors: score the story's own <article> instead."""
    markers = select(scope, "p.pw-post-body-paragraph")
    if markers:
        return common_ancestor(markers)
    drop_boilerplate(scope)
    return best_node(scope)


def _remove_read_time_bylines(node: Element) -> None:
    """Old Medium markup has no classes: find the byline by its "N min read" and drop its small block."""
    for text in node.xpath(".//text()[contains(., 'min read')]"):
        owner = text.getparent().getparent() if text.is_tail else text.getparent()
        if owner is None or owner is node or text_len(owner) > 60:
            continue  # a sentence that mentions reading time is body text
        if not _READ_TIME.search(" ".join(owner.text_content().split())):
            continue
        block = owner
        while block.getparent() is not None and block.getparent() is not node:
            if text_len(block.getparent()) > 200:
                break
            block = block.getparent()
        remove(block)

"""Substack's markup: how a post is recognised, where its title, subtitle and free body are, what to drop."""

from __future__ import annotations

import re

from llm_engineering.application.extraction.assembly import finish_article
from llm_engineering.application.extraction.boilerplate import drop_never_content, remove_all
from llm_engineering.application.extraction.dom import Element, first_text, largest_by_text, select
from llm_engineering.application.extraction.metadata import page_metadata
from llm_engineering.application.extraction.models import ExtractedArticle
from llm_engineering.application.extraction.scoring import best_node

SUBSTACK_JUNK = (
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


def is_substack(root: Element, url: str | None) -> bool:
    """Substack posts: the post body container next to a Substack title or content wrapper."""
    if not select(root, "div.body.markup"):
        return False
    if select(root, "h1.post-title, div.available-content, div.post, article.post"):
        return True
    return bool(url and re.match(r"https?://[^/]+\.substack\.com/", url))


def extract_substack(root: Element) -> ExtractedArticle:
    meta = page_metadata(root)
    title = first_text(root, "h1.post-title") or meta.title
    subtitle = first_text(root, "h3.subtitle")
    author = meta.author or first_text(root, ".byline-names, .post-header .profile-hover-card-target")
    drop_never_content(root)
    # The free part of a post is in .available-content; email renderings only have .body.markup.
    node = largest_by_text(select(root, "div.available-content .body.markup"))
    if node is None:
        node = largest_by_text(select(root, "div.body.markup"))
    if node is None:
        node = best_node(root)
    remove_all(node, SUBSTACK_JUNK)
    return finish_article(meta, node, title=title, subtitle=subtitle, author=author)

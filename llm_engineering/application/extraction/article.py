"""Main-text extraction of web articles (Medium, Substack, any blog) into clean Markdown-ish text.

The crawlers hand us a page's HTML; we return its title, subtitle, language, description, author and the
article's main text. That text is what an LLM is fine-tuned on, so boilerplate (menus, cookie banners, share
buttons, related links, comments, footers) must go while headings, lists and code blocks stay.

How: parse with lxml, drop elements that are never content, pick the main node (Medium and Substack by their
own markup in `sites/`, any other page by a text-density score), strip boilerplate inside it, render it.
`python -m tools.bench_extraction` measures the result against saved pages whose article text is known.
"""

from __future__ import annotations

from llm_engineering.application.extraction.assembly import finish_article
from llm_engineering.application.extraction.boilerplate import drop_boilerplate, drop_never_content
from llm_engineering.application.extraction.dom import Element, parse_html
from llm_engineering.application.extraction.metadata import page_metadata
from llm_engineering.application.extraction.models import ExtractedArticle
from llm_engineering.application.extraction.scoring import best_node
from llm_engineering.application.extraction.sites.medium import extract_medium, is_medium
from llm_engineering.application.extraction.sites.substack import extract_substack, is_substack


def extract_article(html: str, url: str | None = None) -> ExtractedArticle:
    """Extract the article of any page: Medium and Substack by their markup, other pages by text density.

    `url` only helps to recognise the platform: pages are recognised by their markup first, because mirrors
    and tests serve them from other hosts.
    """
    root = parse_html(html)
    if is_medium(root, url):
        return extract_medium(root)
    if is_substack(root, url):
        return extract_substack(root)
    return _extract_generic(root)


def extract_medium_article(html: str) -> ExtractedArticle:
    """Extract a Medium story: title `h1.pw-post-title`, subtitle `h2.pw-subtitle-paragraph`, body text."""
    return extract_medium(parse_html(html))


def extract_substack_article(html: str) -> ExtractedArticle:
    """Extract a Substack post: title `h1.post-title`, subtitle `h3.subtitle`, body `.available-content`."""
    return extract_substack(parse_html(html))


def _extract_generic(root: Element) -> ExtractedArticle:
    meta = page_metadata(root)
    drop_never_content(root)
    drop_boilerplate(root)
    node = best_node(root)
    return finish_article(meta, node, title=meta.title, subtitle=None, author=meta.author)

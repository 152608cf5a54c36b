"""The last step every extractor shares: clean the main node, render it, refuse a page without text."""

from __future__ import annotations

from llm_engineering.application.extraction.boilerplate import clean_main_node, remove_title_headings
from llm_engineering.application.extraction.dom import Element
from llm_engineering.application.extraction.metadata import PageMetadata, real_subtitle
from llm_engineering.application.extraction.models import MIN_CONTENT_CHARS, ExtractedArticle, ExtractionError
from llm_engineering.application.extraction.rendering import render_markdown


def finish_article(
    meta: PageMetadata, node: Element, *, title: str | None, subtitle: str | None, author: str | None
) -> ExtractedArticle:
    """Clean the main node, render it, and refuse a page whose main text is (nearly) empty."""
    clean_main_node(node)
    # A subtitle from its own element is dropped from the body; one read from the description is kept in
    # the body too, since the page may show it as the first section heading.
    remove_title_headings(node, title, subtitle)
    if subtitle is None:
        subtitle = real_subtitle(meta.social_description, node)
    content = render_markdown(node)
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

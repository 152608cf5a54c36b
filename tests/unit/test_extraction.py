"""Main-text extraction: boilerplate goes, body text / headings / lists / code stay, bad input fails loudly.

tests/unit/test_extraction_benchmark.py holds the measured quality on saved pages.
"""

from __future__ import annotations

import time

import pytest

from llm_engineering.application.extraction import (
    ExtractedArticle,
    ExtractionError,
    extract_article,
    extract_medium_article,
    extract_substack_article,
)

PARAGRAPH_1 = (
    "Vector databases store embeddings next to their payloads, which lets a retrieval step filter by author "
    "and category before it ranks by similarity."
)
PARAGRAPH_2 = (
    "In this post we build a small ingestion pipeline, look at the failure modes we hit in production, and "
    "explain why idempotent writes matter more than raw throughput."
)
PARAGRAPH_3 = (
    "Once the data is in, the rest of the system only ever talks to the warehouse, which keeps the feature, "
    "training and inference parts independent of each other."
)

BLOG_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Building an ingestion pipeline | Jane's Engineering Notes</title>
  <meta name="description" content="Notes on software, data and the occasional hike.">
  <meta name="author" content="Jane Doe">
  <script>window.analytics = {{"track": true}};</script>
  <style>.nav {{ color: red; }}</style>
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">
    We use cookies to improve your experience. By continuing you accept our cookie policy.
    <button>Accept all cookies</button>
  </div>
  <header class="site-header">
    <a href="/">Jane's Engineering Notes</a>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/about">About me</a></li>
      <li><a href="/archive">Archive</a></li></ul></nav>
  </header>
  <div class="layout">
    <article class="post">
      <h1>Building an ingestion pipeline</h1>
      <div class="post-meta">Posted on 3 March 2024 by Jane Doe</div>
      <p>{PARAGRAPH_1}</p>
      <p>{PARAGRAPH_2}</p>
      <h2>Installing the client</h2>
      <p>Three things have to be in place before the first run:</p>
      <ul>
        <li>a running database with a user that may write</li>
        <li>the client library pinned to a known version</li>
        <li>credentials in the environment, never in code</li>
      </ul>
      <pre><code>client = connect(url)
client.upsert(documents, key="link")</code></pre>
      <p>{PARAGRAPH_3} Read <a href="https://example.org/docs">the official documentation</a> too.</p>
      <div class="share-buttons"><a href="#">Share on Twitter</a> <a href="#">Share on LinkedIn</a>
        <a href="#">Share by email</a></div>
      <div class="related-posts"><h3>You might also enjoy</h3><ul>
        <li><a href="/a">Chunking strategies compared in depth</a></li>
        <li><a href="/b">Embedding models we tried this year</a></li>
        <li><a href="/c">A gentle introduction to rerankers</a></li></ul></div>
      <h3>Popular posts</h3>
      <ul><li><a href="/d">Ten tips for faster pandas code today</a></li>
        <li><a href="/e">Why we moved off our old message broker</a></li>
        <li><a href="/f">Observability on a shoestring budget</a></li></ul>
    </article>
    <section id="comments" class="comments-area">
      <h3>3 comments</h3>
      <p>Great article! This helped me a lot with my own pipeline, thanks so much for writing it up.</p>
      <p>I disagree with the part about throughput, in our setup throughput mattered a great deal more.</p>
    </section>
    <aside class="sidebar"><h3>About me</h3><p>Jane writes about data engineering and mountains.</p></aside>
  </div>
  <footer>Copyright 2024 Jane Doe. All rights reserved. Privacy policy. Terms of use.</footer>
</body>
</html>
"""

MEDIUM_PAGE = f"""<html lang="en"><head>
  <title>Five lessons from shipping RAG | by Sam Writer | Medium</title>
  <meta property="og:site_name" content="Medium">
  <meta property="og:description" content="What nobody tells you before your first deployment">
  <meta name="author" content="Sam Writer">
</head><body>
  <div class="top-bar"><a href="/">Medium</a> <a href="/new-story">Write</a>
    <a href="/signin">Sign in</a></div>
  <article><div><section><div><div>
    <h1 class="pw-post-title">Five lessons from shipping RAG</h1>
    <h2 class="pw-subtitle-paragraph">What nobody tells you before your first deployment</h2>
    <div class="speechify-ignore"><a data-testid="authorName" href="/@sam">Sam Writer</a>
      <span>Follow</span><span data-testid="storyReadTime">6 min read</span><span>Mar 3, 2024</span></div>
    <p class="pw-post-body-paragraph">{PARAGRAPH_1}</p>
    <h2 class="pw-section">Lesson one: measure retrieval first</h2>
    <p class="pw-post-body-paragraph">{PARAGRAPH_2}</p>
    <pre><span>results = retriever.search(query, k=5)</span></pre>
    <p class="pw-post-body-paragraph">{PARAGRAPH_3}</p>
  </div></div></section></div>
  <div class="claps"><button>Clap</button> 1.2K <button>Respond</button></div>
  </article>
  <div class="more-from"><h2>More from Sam Writer</h2>
    <a href="/x"><div><h2>Another story by Sam with a long teaser title</h2></div></a></div>
</body></html>
"""

SUBSTACK_PAGE = f"""<html><head>
  <meta property="og:title" content="Notes on evaluation">
  <meta property="og:description" content="How we judge a fine-tuned model without fooling ourselves">
  <meta name="author" content="Alex Newsletter">
</head><body>
  <div class="main-menu"><a href="/">Alex's Newsletter</a> <a href="/subscribe">Subscribe</a>
    <a href="/signin">Sign in</a></div>
  <article class="typography newsletter-post post">
    <div class="post-header">
      <h1 class="post-title published">Notes on evaluation</h1>
      <h3 class="subtitle">How we judge a fine-tuned model without fooling ourselves</h3>
      <div class="post-meta">Alex Newsletter · Mar 3, 2024</div>
    </div>
    <div class="available-content"><div class="body markup" dir="auto">
      <p>{PARAGRAPH_1}</p>
      <div class="subscription-widget-wrap"><div class="subscription-widget">
        <p>Alex's Newsletter is a reader-supported publication. To receive new posts, consider becoming a
        subscriber.</p><form><input type="email"><button>Subscribe</button></form></div></div>
      <h2>What we measure</h2>
      <p>{PARAGRAPH_2}</p>
      <p class="button-wrapper"><a class="button primary" href="/share"><span>Share</span></a></p>
      <p>{PARAGRAPH_3}</p>
    </div></div>
  </article>
  <div class="post-footer"><a href="/like">Like</a> <a href="/comments">Comment</a>
    <a href="/restack">Restack</a></div>
  <div class="comments-section">
    <p>First comment that is long enough to look like a paragraph of text.</p></div>
</body></html>
"""

BOILERPLATE_PHRASES = (
    "cookie",
    "Archive",
    "Share on",
    "Chunking strategies",
    "Ten tips",
    "Great article",
    "About me",
    "Copyright",
    "Posted on",
    "analytics",
)


def test_blog_page_keeps_the_article_and_drops_boilerplate() -> None:
    article = extract_article(BLOG_PAGE, url="http://127.0.0.1:8000/posts/ingestion")

    assert isinstance(article, ExtractedArticle)
    content = article.content
    for paragraph in (PARAGRAPH_1, PARAGRAPH_2):
        assert paragraph in content
    assert "the official documentation too." in content  # links become their text
    assert "https://example.org" not in content
    assert "## Installing the client" in content.splitlines()
    assert "* a running database with a user that may write" in content
    assert '```\nclient = connect(url)\nclient.upsert(documents, key="link")\n```' in content
    for phrase in BOILERPLATE_PHRASES:
        assert phrase.lower() not in content.lower(), phrase
    assert "\n\n\n" not in content  # paragraphs are separated by exactly one blank line
    assert article.title == "Building an ingestion pipeline"
    assert "# Building an ingestion pipeline" not in content  # the title is its own field
    assert article.language == "en-GB"
    assert article.author == "Jane Doe"
    assert article.description == "Notes on software, data and the occasional hike."
    assert article.subtitle is None  # a site-wide meta description is not a subtitle


def test_medium_page_uses_medium_markup() -> None:
    article = extract_article(MEDIUM_PAGE, url="http://127.0.0.1:8000/@sam/five-lessons")

    assert article == extract_medium_article(MEDIUM_PAGE)
    assert article.title == "Five lessons from shipping RAG"
    assert article.subtitle == "What nobody tells you before your first deployment"
    assert article.author == "Sam Writer"
    assert article.language == "en"
    content = article.content
    assert content.startswith(PARAGRAPH_1)  # no title, subtitle or byline in front of the body
    assert "## Lesson one: measure retrieval first" in content
    assert "results = retriever.search(query, k=5)" in content
    assert content.endswith(PARAGRAPH_3)
    for junk in ("min read", "Follow", "Clap", "More from", "Another story", "Sign in"):
        assert junk not in content, junk


def test_substack_page_uses_substack_markup() -> None:
    article = extract_article(SUBSTACK_PAGE, url="http://127.0.0.1:8000/p/notes-on-evaluation")

    assert article == extract_substack_article(SUBSTACK_PAGE)
    assert article.title == "Notes on evaluation"
    assert article.subtitle == "How we judge a fine-tuned model without fooling ourselves"
    assert article.author == "Alex Newsletter"
    content = article.content
    assert content.startswith(PARAGRAPH_1)
    assert "## What we measure" in content
    assert content.endswith(PARAGRAPH_3)
    for junk in ("reader-supported", "Subscribe", "Share", "Restack", "First comment", "Sign in"):
        assert junk not in content, junk


def test_real_subtitle_from_description_only_when_not_an_excerpt() -> None:
    page = (
        "<html><head><meta property='og:description' content='{desc}'></head><body><article>"
        f"<h1>A title</h1><p>{PARAGRAPH_1}</p><p>{PARAGRAPH_2}</p></article></body></html>"
    )
    excerpt = extract_article(page.format(desc=PARAGRAPH_1[:80]))
    assert excerpt.subtitle is None
    assert excerpt.description == PARAGRAPH_1[:80]
    dek = extract_article(page.format(desc="Why idempotency beats speed"))
    assert dek.subtitle == "Why idempotency beats speed"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("".join(chr(i % 32) for i in range(3000)), "binary"),
        (bytes(range(256)).decode("latin-1") * 20, "binary"),
        ("<html><body><nav><a href='/'>Home</a></nav><footer>(c) 2024</footer></body></html>", "no article"),
        ("<html><head><title>Loading</title></head><body><div id='root'></div></body></html>", "no article"),
    ],
)
def test_pages_without_article_text_raise(html: str, reason: str) -> None:
    with pytest.raises(ExtractionError, match=reason):
        extract_article(html)


def test_extraction_error_is_a_value_error() -> None:
    assert issubclass(ExtractionError, ValueError)


def test_large_page_extracts_well_under_a_second() -> None:
    menu = "".join(f"<li><a href='/p{i}'>Menu entry {i}</a></li>" for i in range(3000))
    body = "".join(f"<p>{PARAGRAPH_1} ({i})</p>" for i in range(1500))
    page = f"<html><body><ul class='menu'>{menu}</ul><div><article>{body}</article></div></body></html>"

    started = time.perf_counter()
    article = extract_article(page)
    elapsed = time.perf_counter() - started

    assert elapsed < 1.0, f"extraction took {elapsed:.2f}s"
    assert "Menu entry" not in article.content
    assert article.content.count(PARAGRAPH_1) == 1500


def test_deeply_nested_markup_does_not_break_extraction() -> None:
    # libxml2 caps nesting at 256 levels; up to there every level must be walked without recursion errors.
    nested = "<span>" * 240 + PARAGRAPH_1 + "</span>" * 240
    article = extract_article(f"<html><body><div><p>{nested}</p><p>{PARAGRAPH_2}</p></div></body></html>")
    assert PARAGRAPH_1 in article.content
    assert PARAGRAPH_2 in article.content

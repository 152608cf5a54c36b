"""The local files crawler: folders and single files of Markdown, HTML and text."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from llm_engineering.application.crawlers.base import CrawlStatus
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.local_files import LocalFilesCrawler
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory
from tests.support.scripted_site import (
    SAMPLES,
    TEST_CRAWL,
)

# --- local files ------------------------------------------------------------------------------------------


def test_a_folder_of_articles_becomes_one_document_per_file(user: UserDocument) -> None:
    dispatcher = CrawlerDispatcher.build()
    link = dispatcher.normalize("samples/ada_writer/articles")  # relative to the project root
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, LocalFilesCrawler)

    result = crawler.extract(link, user)

    assert result.status is CrawlStatus.CRAWLED and result.documents == 4
    documents = {
        Path(urlsplit(d.link).path).name: d for d in Document.bulk_find(category=DataCategory.ARTICLES)
    }
    assert set(documents) == {
        "idempotent-pipelines.md",
        "small-models-first.md",
        "chunking-text-for-rag.md",
        "writing-for-future-you.html",
    }
    chunking = documents["chunking-text-for-rag.md"]
    assert chunking.link == (SAMPLES / "articles" / "chunking-text-for-rag.md").resolve().as_uri()
    assert chunking.platform == "local"
    assert chunking.content.title == "Chunking Text for Retrieval, Without the Guesswork"
    assert chunking.content.subtitle == "A small, testable function beats a clever one"
    assert "    paragraphs = [p.strip()" in chunking.content.content  # the code block, indented
    assert not chunking.content.content.startswith("# ")  # the title heading is stored apart
    html = documents["writing-for-future-you.html"]
    assert html.content.title == "Writing Documentation for Future You"
    assert "Explain the why, not the what" in html.content.content
    for boilerplate in ("Archive", "cookies", "All rights reserved", "Related posts"):
        assert boilerplate not in html.content.content
    assert crawler.extract(link, user).status is CrawlStatus.SKIPPED  # every file already stored


def test_a_single_file_by_path_or_file_url(tmp_path: Path, user: UserDocument) -> None:
    note = tmp_path / "my notes.txt"
    note.write_text("Plain text notes about pipelines that should be kept as they are.\n")
    markdown = tmp_path / "post.md"
    markdown.write_text("Intro paragraph before any heading.\n\n## A section\n\nBody text of the section.\n")
    crawler = LocalFilesCrawler()

    assert crawler.extract(str(note), user).documents == 1
    assert crawler.extract(markdown.as_uri(), user).documents == 1

    stored_note = Document.find(category=DataCategory.ARTICLES, link=note.as_uri())
    assert stored_note is not None and stored_note.content.title == "My notes"
    stored_markdown = Document.find(category=DataCategory.ARTICLES, link=markdown.as_uri())
    assert stored_markdown is not None and stored_markdown.content.title == "A section"
    assert stored_markdown.content.content.startswith("Intro paragraph")


def test_a_folder_with_an_unparseable_file_is_skipped_on_the_second_run(
    tmp_path: Path, user: UserDocument
) -> None:
    (tmp_path / "post.md").write_text("# A post\n\nBody text of the post, worth keeping.\n")
    (tmp_path / "blank.md").write_text("   \n")  # listed (not 0 bytes) but never yields a document
    (tmp_path / "zero.txt").write_text("")
    crawler = LocalFilesCrawler()

    first = crawler.extract(str(tmp_path), user)
    assert first.status is CrawlStatus.CRAWLED and first.documents == 1
    assert any("blank.md" in failure for failure in first.extra["skipped_files"])

    again = crawler.extract(str(tmp_path), user)
    assert again.status is CrawlStatus.SKIPPED and Document.count(category=DataCategory.ARTICLES) == 1

    (tmp_path / "new.md").write_text("# New\n\nA new post added since the last run.\n")
    assert crawler.extract(str(tmp_path), user).status is CrawlStatus.CRAWLED  # a new file is crawled
    assert Document.count(category=DataCategory.ARTICLES) == 2


def test_local_sources_that_cannot_be_crawled(tmp_path: Path, user: UserDocument) -> None:
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "slides.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "blank.md").write_text("   \n")
    cases = {
        str(tmp_path / "missing"): "No such file",
        str(tmp_path / "empty-folder"): "holds no non-empty",
        str(tmp_path / "slides.pdf"): "not a Markdown, HTML or text file",
        str(tmp_path / "blank.md"): "No article text",
    }
    for link, message in cases.items():
        with pytest.raises(CrawlError, match=message) as raised:
            LocalFilesCrawler().extract(link, user)
        assert not raised.value.transient


def test_markdown_titles_ignore_code_comments_and_read_front_matter(tmp_path: Path) -> None:
    from llm_engineering.application.crawlers.local_files import parse_markdown

    code_first = "```bash\n# not a title\necho hi\n```\n\n## Real title\n\nText.\n"
    assert parse_markdown(code_first, tmp_path / "x.md").content.title == "Real title"
    thematic_break = "---\nJust a rule, then text.\n---\n\nMore text.\n"
    parsed = parse_markdown(thematic_break, tmp_path / "rule-then-text.md")
    assert parsed.content.title == "Rule then text" and parsed.content.content.startswith("---")
    front = "---\ntitle: From front matter\nplatform: substack\n---\n# From front matter\n\nBody.\n"
    parsed = parse_markdown(front, tmp_path / "x.md")
    assert (parsed.content.title, parsed.content.content, parsed.platform) == (
        "From front matter",
        "Body.",
        "substack",
    )

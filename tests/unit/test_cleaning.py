"""Cleaning keeps structure (paragraphs, code), normalises Unicode and never drops text fields."""

from __future__ import annotations

import uuid

from llm_engineering.application.preprocessing.cleaning_data_handlers import CLEANING
from llm_engineering.application.preprocessing.dispatchers import CleaningDispatcher
from llm_engineering.application.preprocessing.text_cleaning import clean_code, clean_prose, normalize_unicode
from llm_engineering.domain.documents import Document
from llm_engineering.domain.types import DataCategory

AUTHOR = {"author_id": uuid.uuid4(), "author_full_name": "Ada Lovelace"}


def clean(document) -> object:
    return CleaningDispatcher.dispatch(document, content_hash="h", feature_fingerprint="f")


def test_nfkc_turns_mathematical_bold_into_plain_letters() -> None:
    assert normalize_unicode("𝗟𝗟𝗠 𝘁𝘄𝗶𝗻 𝐞𝐱𝐚𝐦𝐩𝐥𝐞") == "LLM twin example"


def test_pictographs_and_invisible_characters_go_but_punctuation_stays() -> None:
    text = "Ship it 🔥🚀 → now\u200b! ©2024 “quoted” … ✔️ done"
    assert clean_prose(text) == "Ship it → now! ©2024 “quoted” ... done"


def test_bullet_symbols_become_dashes() -> None:
    assert clean_prose("∙ first\n• second") == "- first\n- second"


def test_soft_wrapped_lines_join_into_one_paragraph_and_blank_lines_stay() -> None:
    text = "A first paragraph that html2text\nwrapped at eighty columns.\n\n\n\nA second one, with a pre-\ntrained model."
    assert clean_prose(text) == (
        "A first paragraph that html2text wrapped at eighty columns.\n\nA second one, with a pre-trained model."
    )


def test_headings_and_list_items_stay_on_their_own_lines() -> None:
    text = "## Why this\nmatters\n\n* item one\n  continued\n* item two\n1. step one\n2. step two"
    assert (
        clean_prose(text)
        == "## Why this matters\n\n* item one continued\n* item two\n1. step one\n2. step two"
    )


def test_indented_and_fenced_code_keep_their_lines() -> None:
    text = (
        "Install it:\n\n    !pip install -qU unsloth\n\n    # Load the model\n    model = load(\n"
        "        name='x',\n    )\n\nThen:\n\n```python\nfor i in range(3):\n    print(i ** 2)\n```"
    )
    assert clean_prose(text) == (
        "Install it:\n\n    !pip install -qU unsloth\n\n    # Load the model\n    model = load(\n"
        "        name='x',\n    )\n\nThen:\n\n```python\nfor i in range(3):\n    print(i ** 2)\n```"
    )


def test_markdown_links_keep_their_text_and_bold_markers_go() -> None:
    text = "Read **the [LLM course](https://github.com/mlabonne/llm-course)** and ![a chart](img.png)."
    assert clean_prose(text) == "Read the LLM course and a chart."


def test_lines_of_markup_only_are_dropped() -> None:
    assert clean_prose("Menu\n\n* __\n\n* * * *\n\n---\n\nText") == "Menu\n\nText"


def test_clean_code_keeps_indentation_and_trims_blank_runs() -> None:
    code = "def f(x):   \r\n\tif x:\n\t\treturn x ** 2\n\n\n\n\nclass A:\n    pass\n"
    assert clean_code(code) == "def f(x):\n    if x:\n        return x ** 2\n\nclass A:\n    pass"


def test_article_title_is_a_field_and_the_text_keeps_its_order_without_missing_subtitle() -> None:
    article = Document(
        category=DataCategory.ARTICLES,
        content={"Title": "Fine-tune 𝗟𝗹𝗮𝗺𝗮", "Subtitle": "None", "Content": "Body text.", "language": "en"},
        platform="medium",
        link="https://example.com/a",
        **AUTHOR,
    )
    cleaned = clean(article)
    assert cleaned.category == DataCategory.ARTICLES
    assert cleaned.content == "Body text." and cleaned.title == "Fine-tune Llama"
    assert cleaned.platform == "medium" and cleaned.publication_date is None
    dated = article.model_copy(update={"content": article.content.model_copy(update={"date": "2024-03-16"})})
    assert clean(dated).publication_date == "2024-03-16" and clean(dated).content == "Body text."
    assert (
        cleaned.id == article.id and cleaned.link == article.link and cleaned.author_id == AUTHOR["author_id"]
    )
    assert cleaned.content_hash == "h" and cleaned.feature_fingerprint == "f"


def test_post_keeps_text_under_an_unknown_key_and_its_date_as_a_field() -> None:
    post = Document(
        category=DataCategory.POSTS,
        content={"Content": "Main text.", "Date": "2024-01-01", "Comment": "An extra field."},
        platform="linkedin",
        link="https://example.com/p/1",
        image="https://example.com/i.png",
        **AUTHOR,
    )
    cleaned = clean(post)
    assert cleaned.category == DataCategory.POSTS
    assert cleaned.content == "Main text.\n\nAn extra field."
    assert cleaned.publication_date == "2024-01-01" and cleaned.title is None


def test_empty_post_cleans_to_empty_text() -> None:
    post = Document(
        category=DataCategory.POSTS,
        content={"Content": "  \n "},
        platform="linkedin",
        link="https://example.com/p/2",
        **AUTHOR,
    )
    assert clean(post).content == ""


def test_repository_files_get_a_header_code_stays_code_and_docs_are_prose() -> None:
    repository = Document(
        category=DataCategory.REPOSITORIES,
        content={
            "README.md": "# Tool\n\nA tool that\ndoes things. 🚀",
            "src/app.py": "import os\n\n\n\ndef main():\n    return os.sep  # → separator\n",
            "empty.txt": "   ",
        },
        name="tool",
        link="https://github.com/ada/tool",
        platform="github",
        **AUTHOR,
    )
    cleaned = clean(repository)
    assert cleaned.category == DataCategory.REPOSITORIES
    assert cleaned.title == "tool"
    assert cleaned.content == (
        "File: README.md\n# Tool\n\nA tool that does things.\n\n\n"
        "File: src/app.py\nimport os\n\ndef main():\n    return os.sep  # → separator"
    )


def test_every_document_category_has_one_cleaning_entry() -> None:
    assert set(CLEANING) == {DataCategory.POSTS, DataCategory.ARTICLES, DataCategory.REPOSITORIES}

"""Token-aware chunking with the real embedding model's tokenizer: nothing dropped, nothing too long."""

from __future__ import annotations

import re
import uuid

import pytest

from llm_engineering.application.networks.embeddings import EmbeddingModel, get_embedding_model
from llm_engineering.application.preprocessing.chunking_data_handlers import chunk_id
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.dispatchers import ChunkingDispatcher
from llm_engineering.application.preprocessing.text_chunking import (
    LINE,
    PARAGRAPH,
    SENTENCE,
    ChunkingSettings,
    TextChunk,
    TokenAwareSplitter,
)
from llm_engineering.domain.cleaned_documents import CleanedDocument
from llm_engineering.domain.types import DataCategory

SETTINGS = ChunkingSettings(chunk_size=64, chunk_overlap=8, min_chunk_size=16)
PARAGRAPHS = [
    f"Paragraph {i} explains how retrieval augmented generation uses a vector database. "
    f"It stores embeddings of chunks, then finds the nearest ones to a query number {i}."
    for i in range(12)
]


@pytest.fixture(scope="module")
def model() -> EmbeddingModel:
    return get_embedding_model()


@pytest.fixture(scope="module")
def splitter(model: EmbeddingModel) -> TokenAwareSplitter:
    return TokenAwareSplitter(model.tokenizer, max_tokens=254, separators=(PARAGRAPH, LINE, SENTENCE))


def exact_tokens(model: EmbeddingModel, text: str) -> int:
    return len(model.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


def assert_covers(text: str, chunks: list[TextChunk]) -> None:
    """Every non-space character of `text` is inside some chunk, and each chunk is its slice of the text."""
    covered = [False] * len(text)
    for chunk in chunks:
        assert text[chunk.char_start : chunk.char_end] == chunk.content
        covered[chunk.char_start : chunk.char_end] = [True] * (chunk.char_end - chunk.char_start)
    assert not [c for c, seen in zip(text, covered, strict=True) if not seen and not c.isspace()]


def test_chunks_fit_the_size_cover_the_text_and_counts_are_exact(model, splitter) -> None:
    text = "\n\n".join(PARAGRAPHS)
    chunks = splitter.split(text, SETTINGS)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.token_count == exact_tokens(model, chunk.content) <= SETTINGS.chunk_size
    assert_covers(text, chunks)


def test_chunks_end_at_paragraph_or_sentence_boundaries_and_overlap(splitter) -> None:
    text = "\n\n".join(PARAGRAPHS)
    chunks = splitter.split(text, SETTINGS)
    for chunk in chunks[:-1]:
        assert chunk.content.endswith(".")
    overlapping = sum(1 for a, b in zip(chunks, chunks[1:], strict=False) if b.char_start < a.char_end)
    assert overlapping >= len(chunks) // 2


def test_separators_actually_split_at_paragraphs(splitter) -> None:
    """The reference collapsed whitespace first, so '\\n\\n' never split anything; here chunks are whole paragraphs."""
    text = "\n\n".join(PARAGRAPHS)
    chunks = splitter.split(text, ChunkingSettings(chunk_size=80, chunk_overlap=0, min_chunk_size=1))
    assert len(chunks) >= 6
    assert [p for chunk in chunks for p in chunk.content.split("\n\n")] == PARAGRAPHS


def test_a_short_text_is_one_chunk(splitter) -> None:
    chunks = splitter.split(
        "Shipped it today. 🚀", ChunkingSettings(chunk_size=200, chunk_overlap=20, min_chunk_size=100)
    )
    assert [chunk.content for chunk in chunks] == ["Shipped it today. 🚀"]


def test_empty_text_has_no_chunk(splitter) -> None:
    assert splitter.split("", SETTINGS) == [] and splitter.split("  \n\n ", SETTINGS) == []


def test_a_short_tail_borrows_from_the_previous_chunk_instead_of_being_dropped(model, splitter) -> None:
    text = "\n\n".join(PARAGRAPHS[:3]) + "\n\nThe end."
    chunks = splitter.split(text, ChunkingSettings(chunk_size=64, chunk_overlap=0, min_chunk_size=24))
    assert chunks[-1].content.endswith("The end.")
    assert chunks[-1].token_count >= 24
    assert_covers(text, chunks)


def test_chunk_size_is_capped_by_the_model_input_length(model, splitter) -> None:
    text = " ".join(PARAGRAPHS * 3)
    chunks = splitter.split(text, ChunkingSettings(chunk_size=1000, chunk_overlap=10, min_chunk_size=10))
    assert max(chunk.token_count for chunk in chunks) <= 254
    assert max(exact_tokens(model, chunk.content) for chunk in chunks) <= 254


def test_a_word_longer_than_the_window_is_cut_and_still_fits(model) -> None:
    splitter = TokenAwareSplitter(model.tokenizer, max_tokens=254, separators=(PARAGRAPH,))
    text = "start " + "abcdefghij" * 9 + "xyz" + " end"  # one 93-character word: many word pieces
    settings = ChunkingSettings(chunk_size=12, chunk_overlap=0, min_chunk_size=1)
    chunks = splitter.split(text, settings)
    assert len(chunks) > 2
    for chunk in chunks:
        assert exact_tokens(model, chunk.content) <= settings.chunk_size
    assert_covers(text, chunks)


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="chunk_overlap"):
        ChunkingSettings(chunk_size=100, chunk_overlap=60, min_chunk_size=10)
    with pytest.raises(ValueError, match="min_chunk_size"):
        ChunkingSettings(chunk_size=100, chunk_overlap=10, min_chunk_size=200)
    with pytest.raises(ValueError, match="Unknown chunking category 'tweets'"):
        FeatureEngineeringConfig.from_overrides({"tweets": {"chunk_size": 10}})
    # a real data category that is never chunked: the same clear error, not a KeyError
    with pytest.raises(ValueError, match="Unknown chunking category 'queries'; use one of: posts, articles"):
        FeatureEngineeringConfig.from_overrides({"queries": {"chunk_size": 10}})


def test_yaml_overrides_replace_only_the_given_fields() -> None:
    config = FeatureEngineeringConfig.from_overrides({"posts": {"chunk_size": 100}}, batch_size=8)
    assert config.chunking["posts"].chunk_size == 100
    assert (
        config.chunking["posts"].chunk_overlap == FeatureEngineeringConfig().chunking["posts"].chunk_overlap
    )
    assert config.batch_size == 8
    default = FeatureEngineeringConfig()
    assert config.fingerprint("posts", "m", "s") != default.fingerprint("posts", "m", "s")
    assert config.fingerprint("articles", "m", "s") == default.fingerprint("articles", "m", "s")
    assert default.fingerprint("articles", "m", "s") != default.fingerprint("articles", "m", "other")


def cleaned_article(content: str, author_id: uuid.UUID | None = None) -> CleanedDocument:
    return CleanedDocument(
        category=DataCategory.ARTICLES,
        content=content,
        platform="medium",
        author_id=author_id or uuid.uuid4(),
        author_full_name="Ada Lovelace",
        link=f"https://example.com/{uuid.uuid4()}",
        content_hash="h",
        feature_fingerprint="f",
    )


def test_chunk_ids_are_deterministic_and_unique_per_document(model) -> None:
    text = "\n\n".join(PARAGRAPHS)
    first, second = cleaned_article(text), cleaned_article(text)  # same text, two documents (or authors)
    config = FeatureEngineeringConfig()
    chunks = ChunkingDispatcher.dispatch([first, second], config, model)
    ids = [chunk.id for chunk in chunks]
    assert len(set(ids)) == len(ids)
    again = ChunkingDispatcher.dispatch([first], config, model)
    assert [chunk.id for chunk in again] == [chunk.id for chunk in chunks if chunk.document_id == first.id]
    assert again[0].id == chunk_id(first.id, 0)


def test_dispatcher_routes_each_category_and_fills_payload_fields(model) -> None:
    author = uuid.uuid4()
    common = {"platform": "p", "author_id": author, "author_full_name": "Ada Lovelace", "content_hash": "h"}
    documents = [
        cleaned_article("An article.", author),
        CleanedDocument(
            category=DataCategory.POSTS,
            content="A post.",
            title="A post's title",
            publication_date="2024-05-01",
            link="https://x/p",
            feature_fingerprint="f",
            **common,
        ),
        CleanedDocument(
            category=DataCategory.REPOSITORIES,
            content="File: a.py\nprint(1)\n\n\nFile: b.py\nprint(2)",
            title="repo",
            link="https://x/r",
            feature_fingerprint="f",
            **common,
        ),
    ]
    chunks = ChunkingDispatcher.dispatch(documents, FeatureEngineeringConfig(), model)
    assert {chunk.category for chunk in chunks} == {
        DataCategory.ARTICLES,
        DataCategory.POSTS,
        DataCategory.REPOSITORIES,
    }
    post_chunk = next(chunk for chunk in chunks if chunk.category == DataCategory.POSTS)
    assert post_chunk.link == "https://x/p" and post_chunk.author_id == author
    assert post_chunk.title == "A post's title" and post_chunk.publication_date == "2024-05-01"
    assert post_chunk.content == "A post." and post_chunk.platform == "p"
    repo_chunk = next(chunk for chunk in chunks if chunk.category == DataCategory.REPOSITORIES)
    assert repo_chunk.title == "repo"
    assert set(post_chunk.metadata) >= {
        "chunk_index",
        "chunk_count",
        "token_count",
        "chunk_size",
        "content_hash",
    }


def test_repository_chunks_break_between_files_first(model) -> None:
    files = [
        f"File: pkg/module_{i}.py\n" + "\n".join(f"def f{j}(x):\n    return x + {j}" for j in range(8))
        for i in range(4)
    ]
    document = CleanedDocument(
        category=DataCategory.REPOSITORIES,
        content="\n\n\n".join(files),
        title="pkg",
        link="https://x/pkg",
        platform="github",
        author_id=uuid.uuid4(),
        author_full_name="Ada Lovelace",
        content_hash="h",
        feature_fingerprint="f",
    )
    config = FeatureEngineeringConfig.from_overrides(
        {"repositories": {"chunk_size": 120, "chunk_overlap": 0}}
    )
    chunks = ChunkingDispatcher.dispatch([document], config, model)
    assert len(chunks) == 4
    assert all(re.match(r"File: pkg/module_\d\.py\n", chunk.content) for chunk in chunks)

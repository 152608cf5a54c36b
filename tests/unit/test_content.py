"""Typed document content: the stored shape is kept exactly, old stored dicts still load."""

import uuid

import pytest
from pydantic import ValidationError

from llm_engineering.domain.content import ArticleContent, PostContent, RepositoryContent
from llm_engineering.domain.documents import Document
from llm_engineering.domain.types import DataCategory

AUTHOR = {"author_id": uuid.uuid4(), "author_full_name": "Ada Writer"}


def test_article_content_writes_back_exactly_the_keys_it_was_given() -> None:
    stored = {"Title": "T", "Subtitle": None, "Content": "Body", "language": "en", "Description": "D"}
    content = ArticleContent.model_validate(stored)
    assert (content.title, content.subtitle, content.content, content.description) == ("T", None, "Body", "D")
    assert content.model_dump() == stored
    assert ArticleContent.model_validate({"Title": "T", "Content": "Body"}).model_dump() == {
        "Title": "T",
        "Content": "Body",
    }


def test_built_by_field_name_stored_under_the_export_keys() -> None:
    content = ArticleContent(title="T", subtitle=None, content="Body", language=None)
    assert content.model_dump() == {"Title": "T", "Subtitle": None, "Content": "Body", "language": None}
    assert content["Title"] == "T"
    assert {**content, "Content": "New"} == {
        "Title": "T",
        "Subtitle": None,
        "Content": "New",
        "language": None,
    }
    with pytest.raises(KeyError):
        content["Description"]


def test_missing_values_stored_as_strings_read_as_none() -> None:
    content = ArticleContent.model_validate({"Title": "T", "Subtitle": "None", "Content": "Body"})
    assert content.subtitle is None


def test_unknown_keys_of_older_documents_are_kept_and_offered_as_text() -> None:
    post = PostContent.model_validate({"Content": "Main", "Date": "2024-01-01", "Comment": "Extra"})
    assert post.date == "2024-01-01" and post.extra_text() == ["Extra"]
    assert post.model_dump() == {"Content": "Main", "Date": "2024-01-01", "Comment": "Extra"}
    assert PostContent.model_validate({"text": "Old shape"}).content == "Old shape"


def test_content_without_text_is_refused_with_the_missing_key() -> None:
    with pytest.raises(ValidationError, match="Content"):
        ArticleContent.model_validate({"Title": "T"})


def test_documents_validate_dict_content_into_their_category_model() -> None:
    article = Document(
        category=DataCategory.ARTICLES,
        content={"Title": "T", "Content": "B"},
        platform="medium",
        link="a",
        **AUTHOR,
    )
    post = Document(
        category=DataCategory.POSTS, content={"Content": "P"}, platform="linkedin", link="p", **AUTHOR
    )
    repository = Document(
        category=DataCategory.REPOSITORIES,
        content={"a.py": "x = 1\n"},
        name="r",
        platform="github",
        link="r",
        **AUTHOR,
    )
    assert isinstance(article.content, ArticleContent) and isinstance(post.content, PostContent)
    assert isinstance(repository.content, RepositoryContent) and dict(repository.content.items()) == {
        "a.py": "x = 1\n"
    }
    assert article.to_mongo()["content"] == {"Title": "T", "Content": "B"}
    assert repository.to_mongo()["content"] == {"a.py": "x = 1\n"}
    assert Document.from_mongo(article.to_mongo(), "articles") == article
    assert "category" not in article.to_mongo() and "name" not in article.to_mongo()
    assert repository.to_mongo()["name"] == "r" and "image" not in repository.to_mongo()
    assert post.to_mongo()["image"] is None and Document.from_mongo(post.to_mongo(), "posts") == post


def test_a_document_of_an_unknown_category_or_a_repository_without_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="category must be one of articles, posts, repositories"):
        Document(category="queries", content={"Content": "B"}, platform="x", link="q", **AUTHOR)
    with pytest.raises(ValidationError, match="needs its `name`"):
        Document(category="repositories", content={"a.py": "x"}, platform="github", link="r", **AUTHOR)

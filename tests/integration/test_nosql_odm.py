"""The ODM on both warehouse back ends: the embedded litemongo store and a real MongoDB wire-protocol server."""

import threading
import uuid

import pytest
from pymongo.errors import DuplicateKeyError

from llm_engineering.domain.base.nosql import OnConflict
from llm_engineering.domain.content import ArticleContent
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.domain.types import DataCategory


@pytest.fixture(params=["embedded", "mongodb_server"])
def warehouse(request: pytest.FixtureRequest) -> str:
    fixture = "stores" if request.param == "embedded" else "mongo_server_stores"
    request.getfixturevalue(fixture)
    return request.param


def make_article(user: UserDocument, link: str, title: str = "A title") -> Document:
    return Document(
        category=DataCategory.ARTICLES,
        content={"Title": title, "Content": "Body"},
        platform="example.com",
        author_id=user.id,
        author_full_name=user.full_name,
        link=link,
    )


def test_mongo_round_trip_keeps_every_field(warehouse: str) -> None:
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    article = make_article(user, "https://example.com/a").save()
    stored = Document.find(category=DataCategory.ARTICLES, link="https://example.com/a")
    assert stored == article
    raw = Document.collection("articles").find_one({"link": "https://example.com/a"})
    assert raw["_id"] == str(article.id) and raw["author_id"] == str(user.id)


def test_one_document_class_is_stored_in_its_categorys_collection(warehouse: str) -> None:
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    author = {"author_id": user.id, "author_full_name": user.full_name}
    article = make_article(user, "https://example.com/same").save()
    post = Document(
        category="posts", content={"Content": "P"}, platform="x", link="https://example.com/same", **author
    )
    repository = Document(
        category="repositories",
        content={"a.py": "x"},
        name="r",
        platform="github",
        link="https://g/r",
        **author,
    )
    assert Document.bulk_insert([post, repository]) == 2  # one link per collection: the post is no clash
    raw = Document.collection("posts").find_one({"_id": str(post.id)})
    assert "category" not in raw and "name" not in raw and raw["image"] is None
    found = {document.id: document for document in Document.bulk_find(author_id=str(user.id))}
    assert found == {d.id: d for d in (article, post, repository)}  # every collection, each category set
    assert Document.count() == 3 and Document.count(category=DataCategory.POSTS) == 1
    assert Document.find(link="https://g/r") == repository
    assert Document.find_existing_links(DataCategory.POSTS, ["https://example.com/same", "https://g/r"]) == {
        "https://example.com/same"
    }
    with pytest.raises(ImproperlyConfigured, match="pass one of articles, posts, repositories"):
        Document.collection()


def test_get_or_create_returns_the_same_user(warehouse: str) -> None:
    first = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    second = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    assert first.id == second.id
    assert UserDocument.count() == 1


def test_get_or_create_is_atomic_under_concurrency(warehouse: str) -> None:
    ids: list[uuid.UUID] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            ids.append(UserDocument.get_or_create(first_name="Race", last_name="Condition").id)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(ids)) == 1
    assert UserDocument.count(first_name="Race") == 1


def test_unique_user_name_index(warehouse: str) -> None:
    UserDocument(first_name="Ada", last_name="Writer").save()
    with pytest.raises(DuplicateKeyError):
        UserDocument(first_name="Ada", last_name="Writer").save(on_conflict=OnConflict.RAISE)


def test_saving_an_existing_link_never_makes_a_second_document(warehouse: str) -> None:
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    original = make_article(user, "https://example.com/a", title="first").save()

    kept = make_article(user, "https://example.com/a", title="second").save()  # default: keep the stored one
    assert kept.id == original.id and kept.content.title == "first"

    updated = make_article(user, "https://example.com/a", title="third").save(on_conflict="update")
    assert updated.id == original.id and updated.content.title == "third"
    assert Document.count(category=DataCategory.ARTICLES) == 1

    with pytest.raises(DuplicateKeyError):
        make_article(user, "https://example.com/a").save(on_conflict="raise")


def test_bulk_insert_skips_stored_links_and_counts_new_ones(warehouse: str) -> None:
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    make_article(user, "https://example.com/1").save()
    batch = [make_article(user, f"https://example.com/{i}") for i in range(1, 5)]
    assert Document.bulk_insert(batch) == 3
    assert Document.bulk_insert(batch) == 0
    assert Document.count(category=DataCategory.ARTICLES) == 4


def test_bulk_insert_update_overwrites_stored_documents(warehouse: str) -> None:
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    make_article(user, "https://example.com/1", title="old").save()
    inserted = Document.bulk_insert(
        [
            make_article(user, "https://example.com/1", title="new"),
            make_article(user, "https://example.com/2"),
        ],
        on_conflict=OnConflict.UPDATE,
    )
    assert inserted == 1
    assert Document.find(category=DataCategory.ARTICLES, link="https://example.com/1").content.title == "new"


def test_find_and_bulk_find_filter_by_uuid(warehouse: str) -> None:
    ada = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    bob = UserDocument.get_or_create(first_name="Bob", last_name="Other")
    Document.bulk_insert([make_article(ada, f"https://a/{i}") for i in range(3)])
    Document.bulk_insert([make_article(bob, "https://b/1")])
    assert {a.link for a in Document.bulk_find(category=DataCategory.ARTICLES, author_id=ada.id)} == {
        "https://a/0",
        "https://a/1",
        "https://a/2",
    }
    assert (
        Document.find(
            category=DataCategory.ARTICLES,
            id=Document.find(category=DataCategory.ARTICLES, link="https://b/1").id,
        ).author_id
        == bob.id
    )
    assert Document.find(category=DataCategory.ARTICLES, link="https://missing") is None
    assert Document.bulk_find(category=DataCategory.POSTS) == []


def test_from_mongo_rejects_an_empty_document() -> None:
    with pytest.raises(ValueError, match="empty"):
        UserDocument.from_mongo({})


def test_split_full_name() -> None:
    assert UserDocument.split_full_name("  Paul   Iusztin ") == ("Paul", "Iusztin")
    assert UserDocument.split_full_name("Jean Claude Van Damme") == ("Jean Claude Van", "Damme")
    assert UserDocument.split_full_name("Ada") == ("Ada", "")
    with pytest.raises(ValueError):
        UserDocument.split_full_name("   ")


def test_find_existing_links_reads_only_stored_links(warehouse: str) -> None:
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    make_article(user, "https://example.com/1").save()
    make_article(user, "https://example.com/2").save()
    asked = ["https://example.com/2", "https://example.com/3", "https://example.com/2"]
    assert Document.find_existing_links(DataCategory.ARTICLES, asked) == {"https://example.com/2"}
    assert Document.find_existing_links(DataCategory.ARTICLES, []) == set()
    assert Document.find_existing_links(DataCategory.POSTS, asked) == set()


def test_upsert_replaces_by_id_and_refuses_a_stored_link_under_another_id(warehouse: str) -> None:
    user = UserDocument.get_or_create(first_name="Ada", last_name="Writer")
    article = make_article(user, "https://example.com/1", title="first")
    article.upsert()
    article.model_copy(update={"content": ArticleContent(title="second", content="Body")}).upsert()
    stored = Document.find(category=DataCategory.ARTICLES, id=article.id)
    assert (
        Document.count(category=DataCategory.ARTICLES) == 1
        and stored is not None
        and stored.content.title == "second"
    )
    with pytest.raises(DuplicateKeyError):
        make_article(user, "https://example.com/1").upsert()  # a new id, the same link
    assert Document.count(category=DataCategory.ARTICLES) == 1

"""The OVM on Qdrant local mode in a temp dir."""

import threading
import uuid

import numpy as np
import pytest

from llm_engineering.domain.base.vector import VectorBaseDocument
from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.domain.types import DataCategory


class Note(VectorBaseDocument):
    content: str
    author_id: str
    embedding: list[float] | None = None

    class Settings:
        name = "test_notes"


class PlainNote(VectorBaseDocument):
    content: str

    class Settings:
        name = "test_plain_notes"
        use_vector_index = False


class TaggedNote(VectorBaseDocument):
    category: DataCategory
    content: str

    class Settings:
        name = "test_{category}_notes"
        use_vector_index = False


def unit_vector(*values: float) -> list[float]:
    vector = np.array(values, dtype=np.float32)
    return (vector / np.linalg.norm(vector)).tolist()


def test_bulk_insert_creates_the_collection_and_is_an_upsert(stores) -> None:
    notes = [Note(content=f"n{i}", author_id="a", embedding=unit_vector(1, i, 0)) for i in range(5)]
    assert Note.bulk_insert(notes) == 5
    assert Note.bulk_insert(notes) == 5
    assert Note.count() == 5


def test_round_trip_keeps_payload_and_vector(stores) -> None:
    note = Note(content="hello", author_id=str(uuid.uuid4()), embedding=unit_vector(1, 2, 3))
    Note.bulk_insert([note])
    (found,), _ = Note.bulk_find(with_vectors=True)
    assert found.id == note.id and found.content == "hello" and found.author_id == note.author_id
    assert np.allclose(found.embedding, note.embedding, atol=1e-6)


def test_search_ranks_by_cosine_and_honours_filters(stores) -> None:
    Note.bulk_insert(
        [
            Note(content="east", author_id="a", embedding=unit_vector(1, 0, 0)),
            Note(content="north", author_id="a", embedding=unit_vector(0, 1, 0)),
            Note(content="east-ish by b", author_id="b", embedding=unit_vector(1, 0.1, 0)),
        ]
    )
    assert [n.content for n in Note.search(unit_vector(1, 0.01, 0), limit=2)] == ["east", "east-ish by b"]
    assert [n.content for n in Note.search(unit_vector(1, 0.01, 0), limit=3, author_id="b")] == [
        "east-ish by b"
    ]
    assert {n.content for n in Note.search(unit_vector(0, 1, 0), limit=5, author_id=["a"])} == {
        "east",
        "north",
    }


def test_collections_without_a_vector_index(stores) -> None:
    PlainNote.bulk_insert([PlainNote(content=f"p{i}") for i in range(3)])
    assert PlainNote.count() == 3
    with pytest.raises(ImproperlyConfigured):
        PlainNote.search([0.1, 0.2])


def test_bulk_find_pages_with_offsets_and_find_all(stores) -> None:
    Note.bulk_insert([Note(content=f"n{i}", author_id="a", embedding=unit_vector(1, i, 1)) for i in range(7)])
    first, offset = Note.bulk_find(limit=3)
    second, _ = Note.bulk_find(limit=3, offset=offset)
    assert len(first) == 3 and len(second) == 3 and not {n.id for n in first} & {n.id for n in second}
    assert len(Note.find_all(page_size=2)) == 7


def test_scroll_pages_lazily_and_yields_documents_or_raw_records(stores) -> None:
    notes = [
        Note(content=f"n{i}", author_id="a" if i % 2 else "b", embedding=unit_vector(1, i, 1))
        for i in range(7)
    ]
    Note.bulk_insert(notes)
    assert list(PlainNote.scroll()) == []  # a missing collection scrolls nothing

    documents = list(Note.scroll(page_size=2))  # four pages
    assert sorted(d.id for d in documents) == sorted(n.id for n in notes)
    assert all(isinstance(d, Note) and d.embedding is None for d in documents)

    with_vectors = list(Note.scroll(page_size=3, with_vectors=True, author_id="a"))
    assert {d.content for d in with_vectors} == {"n1", "n3", "n5"}
    assert all(len(d.embedding) == 3 for d in with_vectors)

    records = list(Note.scroll(page_size=2, payload=["author_id"], author_id=["a", "b"]))
    assert len(records) == 7 and all(set(r.payload) == {"author_id"} for r in records)
    ids_only = list(Note.scroll(payload=False, author_id="b"))
    assert len(ids_only) == 4 and all(not r.payload for r in ids_only)

    pages = Note.scroll(page_size=2)
    assert next(pages).id in {n.id for n in notes}  # a generator: one page fetched, not all
    with pytest.raises(ValueError):
        list(Note.scroll(page_size=0))


def test_delete_by_ids_and_by_filter(stores) -> None:
    notes = [
        Note(content=f"n{i}", author_id="a" if i < 3 else "b", embedding=unit_vector(1, i, 0))
        for i in range(5)
    ]
    Note.bulk_insert(notes)
    Note.delete(ids=[notes[0].id])
    assert Note.count() == 4
    Note.delete(author_id="b")
    assert Note.count() == 2 and Note.count(author_id="b") == 0
    with pytest.raises(ValueError):
        Note.delete()


def test_reads_on_a_missing_collection_are_empty(stores) -> None:
    assert Note.count() == 0 and Note.bulk_find() == ([], None) and Note.search(unit_vector(1, 0, 0)) == []


def test_concurrent_writers_lose_no_points_in_local_mode(stores) -> None:
    def write(worker: int) -> None:
        Note.bulk_insert(
            [
                Note(content=f"{worker}-{i}", author_id="a", embedding=unit_vector(1, worker, i))
                for i in range(100)
            ],
            batch_size=10,
        )

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Note.count() == 400


def test_a_class_stored_per_category_writes_each_document_to_its_categorys_collection(stores) -> None:
    docs = [
        TaggedNote(category=DataCategory.ARTICLES, content="a"),
        TaggedNote(category=DataCategory.POSTS, content="b"),
        TaggedNote(category=DataCategory.ARTICLES, content="c"),
    ]
    assert TaggedNote.bulk_insert(docs) == 3
    assert TaggedNote.count(category="articles") == 2 and TaggedNote.count(category="posts") == 1
    (post,) = TaggedNote.find_all(category=DataCategory.POSTS)
    assert post == docs[1].model_copy(update={"score": None})
    record = next(TaggedNote.scroll(category="posts", payload=["content", "category"]))
    assert record.payload == {"content": "b"}  # the collection says the category: it is not stored
    TaggedNote.delete(ids=[docs[0].id], category="articles")
    assert [n.content for n in TaggedNote.find_all(category="articles")] == ["c"]
    with pytest.raises(ImproperlyConfigured, match="stored per category"):
        TaggedNote.count()


def test_a_class_without_a_collection_name_is_a_clear_error() -> None:
    class Nameless(VectorBaseDocument):
        content: str

    with pytest.raises(ImproperlyConfigured, match="Settings"):
        Nameless.get_collection_name()

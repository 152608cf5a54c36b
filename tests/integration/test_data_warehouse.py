"""Warehouse JSON export/import on the embedded store, with files the test writes itself."""

import json
import uuid
from pathlib import Path

import pytest

from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.types import DataCategory
from tools.data_warehouse import export_to_json, import_from_json


def write_export(folder: Path, user_id: str, links: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "UserDocument.json").write_text(
        json.dumps([{"_id": user_id, "first_name": "Ada", "last_name": "Writer"}])
    )
    articles = [
        {
            "_id": str(uuid.uuid4()),
            "content": {"Title": f"T{i}", "Subtitle": None, "Content": "Body", "language": "en"},
            "platform": "example.com",
            "author_id": user_id,
            "author_full_name": "Ada Writer",
            "link": link,
        }
        for i, link in enumerate(links)
    ]
    (folder / "ArticleDocument.json").write_text(json.dumps(articles))
    return folder


def test_import_is_idempotent_and_export_round_trips(stores, tmp_path: Path) -> None:
    source = write_export(tmp_path / "in", str(uuid.uuid4()), ["https://e.com/1", "https://e.com/2"])
    assert import_from_json(source) == {"UserDocument": 1, "ArticleDocument": 2}
    import_from_json(source)
    assert UserDocument.count() == 1 and Document.count(category=DataCategory.ARTICLES) == 2
    export_to_json(tmp_path / "out")
    for name in ("UserDocument", "ArticleDocument"):
        original = json.loads((source / f"{name}.json").read_text())
        exported = json.loads((tmp_path / "out" / f"{name}.json").read_text())
        assert sorted(exported, key=lambda d: d["_id"]) == sorted(original, key=lambda d: d["_id"])
    assert json.loads((tmp_path / "out" / "PostDocument.json").read_text()) == []


def test_imported_documents_follow_an_author_stored_under_another_id(stores, tmp_path: Path) -> None:
    stored = UserDocument.get_or_create(first_name="Ada", last_name="Writer")  # e.g. an earlier ETL run
    exported_id = str(uuid.uuid4())
    import_from_json(write_export(tmp_path / "in", exported_id, ["https://e.com/1"]))
    assert UserDocument.count() == 1
    (article,) = Document.bulk_find(category=DataCategory.ARTICLES)
    assert article.author_id == stored.id  # not the exported id, which names no stored user


@pytest.mark.parametrize(
    ("text", "message"), [("[{", r"not valid JSON \(line 1\)"), ('{"a": 1}', "must hold a JSON list")]
)
def test_bad_files_are_clear_errors(stores, tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "UserDocument.json").write_text(text)
    with pytest.raises(ValueError, match=message):
        import_from_json(tmp_path)


def test_a_folder_without_export_files_is_a_clear_error(stores, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="holds none of UserDocument.json"):
        import_from_json(tmp_path)


def test_the_handbook_export_round_trips_json_equal(
    stores, shared_warehouse_dir: Path, tmp_path: Path
) -> None:
    """The real export (76 articles, two authors; some without `language`, some with a null subtitle) goes
    through the typed content models and comes back as the same JSON, file by file."""
    import_from_json(shared_warehouse_dir)
    export_to_json(tmp_path / "out")
    for source in sorted(shared_warehouse_dir.glob("*.json")):
        original = json.loads(source.read_text(encoding="utf-8"))
        exported = json.loads((tmp_path / "out" / source.name).read_text(encoding="utf-8"))
        assert sorted(exported, key=lambda d: d["_id"]) == sorted(original, key=lambda d: d["_id"]), (
            source.name
        )


def test_posts_and_repositories_round_trip_with_their_own_keys(stores, tmp_path: Path) -> None:
    user_id = str(uuid.uuid4())
    source = write_export(tmp_path / "in", user_id, ["https://e.com/1"])
    common = {"author_id": user_id, "author_full_name": "Ada Writer"}
    posts = [
        {"_id": str(uuid.uuid4()), "content": {"Content": "A post", "Date": "2026-01-02", "SharedUrl": "u"},
         "platform": "linkedin", "image": None, "link": "https://e.com/p/1", **common},
        {"_id": str(uuid.uuid4()), "content": {"Content": "Older", "Comment": "kept as stored"},
         "platform": "linkedin", "image": "https://e.com/i.png", "link": "https://e.com/p/2", **common},
    ]  # fmt: skip
    repositories = [
        {"_id": str(uuid.uuid4()), "content": {"README.md": "# r\n", "src/a.py": "x = 1\n"}, "name": "r",
         "platform": "github", "link": "https://github.com/ada/r.git", **common},
    ]  # fmt: skip
    (source / "PostDocument.json").write_text(json.dumps(posts))
    (source / "RepositoryDocument.json").write_text(json.dumps(repositories))

    import_from_json(source)
    export_to_json(tmp_path / "out")

    for name, original in (("PostDocument", posts), ("RepositoryDocument", repositories)):
        exported = json.loads((tmp_path / "out" / f"{name}.json").read_text())
        assert sorted(exported, key=lambda d: d["_id"]) == sorted(original, key=lambda d: d["_id"])

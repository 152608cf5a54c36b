"""The GitHub crawler against git repositories made in the test."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from llm_engineering.application.crawlers.base import CrawlStatus
from llm_engineering.application.crawlers.custom_article import CustomArticleCrawler
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.github import GithubCrawler, repository_link
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.domain.types import DataCategory
from tests.support.scripted_site import (
    TEST_CRAWL,
    ScriptedServer,
)

# --- GitHub repositories ----------------------------------------------------------------------------------

MODULE_PY = '''"""A module whose indentation must survive crawling."""


class Greeter:
    def greet(self, name: str) -> str:
        if name:
            return f"Hello, {name}!"
        return "Hello!"
'''


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Ada Writer", "-c", "user.email=ada@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def make_repo(path: Path) -> Path:
    """A real repository: nested dirs, a binary, a lock file, a big file, an undecodable file."""
    path.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=path)
    files = {
        "README.md": "# Demo\n\n  Indented line kept.\n\n\tTabbed line kept.\n",
        "src/demo/module.py": MODULE_PY,
        "src/demo/deep/nested/config.yaml": "key:\n  nested: [1, 2]\n",
        "poetry.lock": "# lock\n" * 10,
        "web/package-lock.json": "{}\n",
        "big.txt": "x" * 5_000,
    }
    for relative, text in files.items():
        (path / relative).parent.mkdir(parents=True, exist_ok=True)
        (path / relative).write_text(text)
    (path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    git("add", "-A", cwd=path)
    git("commit", "-q", "-m", "Initial commit", cwd=path)
    return path


def clone_dirs() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("llm-twin-clone-")}


def test_github_crawler_stores_a_repository_with_its_text_intact(tmp_path: Path, user: UserDocument) -> None:
    repo = make_repo(tmp_path / "repos" / "demo-repo")
    dispatcher = CrawlerDispatcher.build().register((tmp_path / "repos").as_uri(), GithubCrawler)
    link = dispatcher.normalize(repo.as_uri())
    crawler = dispatcher.get_crawler(link, TEST_CRAWL)
    assert isinstance(crawler, GithubCrawler)
    before = clone_dirs()

    result = crawler.extract(link, user)

    assert result.status is CrawlStatus.CRAWLED and result.documents == 1
    document = Document.find(category=DataCategory.REPOSITORIES, link=link)
    assert document is not None
    assert document.name == "demo-repo" and document.platform == "github"
    assert set(document.content) == {"README.md", "src/demo/module.py", "src/demo/deep/nested/config.yaml"}
    assert document.content["src/demo/module.py"] == MODULE_PY  # indentation and blank lines intact
    assert document.content["README.md"] == "# Demo\n\n  Indented line kept.\n\n\tTabbed line kept.\n"
    assert result.extra["skipped"] == {"lock file": 2, "too large": 1, "binary": 2}
    assert clone_dirs() <= before  # the temporary clone is gone
    assert crawler.extract(link, user).status is CrawlStatus.SKIPPED


def test_crawl_counts_no_document_when_the_link_was_stored_meanwhile(
    tmp_path: Path, site: ScriptedServer, user: UserDocument
) -> None:
    # `crawl` bypasses the "already stored?" check, as a second worker racing on the same link would.
    repo = make_repo(tmp_path / "repos" / "demo")
    assert GithubCrawler.from_config(TEST_CRAWL).crawl(repo.as_uri(), user) == 1
    assert GithubCrawler.from_config(TEST_CRAWL).crawl(repo.as_uri(), user) == 0
    article = site.url("/article/raced")
    assert CustomArticleCrawler.from_config(TEST_CRAWL).crawl(article, user) == 1
    assert CustomArticleCrawler.from_config(TEST_CRAWL).crawl(article, user) == 0
    assert (
        Document.count(category=DataCategory.REPOSITORIES) == 1
        and Document.count(category=DataCategory.ARTICLES) == 1
    )


def test_github_links_of_one_repository_are_stored_once_without_credentials(user: UserDocument) -> None:
    forms = [
        "https://github.com/ada/repo",
        "https://www.github.com/ada/repo/tree/main/docs",
        "https://github.com/ada/repo.git",
        "https://ada:ghp_secret123@github.com/ada/repo",
    ]
    assert {repository_link(form) for form in forms} == {"https://github.com/ada/repo.git"}
    Document(
        category=DataCategory.REPOSITORIES,
        content={"README.md": "# repo\n"},
        name="repo",
        link=repository_link(forms[0]),
        platform="github",
        author_id=user.id,
        author_full_name=user.full_name,
    ).save()
    crawler = GithubCrawler.from_config(TEST_CRAWL)
    for form in forms:  # already stored under the normalised link: skipped, nothing cloned
        assert crawler.extract(form, user).status is CrawlStatus.SKIPPED


def test_github_crawler_reads_a_bare_repository_and_stops_at_the_total_limit(
    tmp_path: Path, user: UserDocument
) -> None:
    source = make_repo(tmp_path / "work" / "demo")
    bare = tmp_path / "bare" / "demo.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True)
    crawler = GithubCrawler(max_total_bytes=200, max_file_bytes=TEST_CRAWL.github_max_file_bytes)

    crawler.extract(bare.as_uri(), user)

    document = Document.find(category=DataCategory.REPOSITORIES, link=bare.as_uri())
    assert document is not None and document.name == "demo"
    assert sum(len(text.encode()) for text in document.content.values()) <= 200
    assert crawler.notes["skipped"]["total size limit reached"] >= 1


def test_a_missing_repository_is_a_permanent_error_naming_the_link(
    tmp_path: Path, user: UserDocument
) -> None:
    link = (tmp_path / "no-such-repo").as_uri()
    with pytest.raises(CrawlError, match="does not exist") as raised:
        GithubCrawler.from_config(TEST_CRAWL).extract(link, user)
    assert not raised.value.transient and link in str(raised.value)
    assert Document.count(category=DataCategory.REPOSITORIES) == 0

"""CrawlerDispatcher: link validation, normalisation and routing (no network, no warehouse)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from llm_engineering.application.crawlers.base import BaseCrawler
from llm_engineering.application.crawlers.custom_article import CustomArticleCrawler, SubstackCrawler
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.github import GithubCrawler, clone_url, repository_name
from llm_engineering.application.crawlers.linkedin_export import LinkedInExportCrawler
from llm_engineering.application.crawlers.local_files import LocalFilesCrawler
from llm_engineering.domain.documents import UserDocument
from llm_engineering.domain.exceptions import UnsupportedLinkError
from llm_engineering.settings import PROJECT_ROOT


class OtherCrawler(BaseCrawler):
    model = UserDocument

    def crawl(self, link: str, user: UserDocument) -> int:
        return 0


def route(dispatcher: CrawlerDispatcher, link: str) -> type[BaseCrawler]:
    return dispatcher.crawler_class(dispatcher.normalize(link))


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://ada.example.com/posts/boring-pipelines", CustomArticleCrawler),
        ("http://127.0.0.1:8000/post", CustomArticleCrawler),
        ("https://adaletters.substack.com/p/boring-pipelines?r=1ttoeh", SubstackCrawler),
        ("https://substack.com/@ada/p-123", SubstackCrawler),
        ("https://github.com/ada/repo", CustomArticleCrawler),  # until register_github()
        ("samples/ada_writer/articles", LocalFilesCrawler),
        ("samples/ada_writer/linkedin/Shares.csv", LinkedInExportCrawler),
        ("file:///tmp/export/Shares.CSV", LinkedInExportCrawler),
        ("file:///tmp/export/posts", LocalFilesCrawler),
        ("/tmp/notes/post.md", LocalFilesCrawler),
    ],
)
def test_default_routes(link: str, expected: type[BaseCrawler]) -> None:
    assert route(CrawlerDispatcher.build(), link) is expected


def test_registered_domains_match_their_subdomains_and_www() -> None:
    dispatcher = CrawlerDispatcher.build().register("example.org", OtherCrawler)
    for link in ("https://example.org/a", "http://www.example.org/a", "https://blog.example.org/a"):
        assert route(dispatcher, link) is OtherCrawler
    assert route(dispatcher, "https://notexample.org/a") is CustomArticleCrawler


def test_register_github_routes_github_links() -> None:
    dispatcher = CrawlerDispatcher.build().register_github()
    assert isinstance(dispatcher.get_crawler("https://github.com/ada/repo"), GithubCrawler)
    assert isinstance(dispatcher.get_crawler("https://gist.github.com/ada/1"), GithubCrawler)


def test_origins_match_scheme_host_port_and_path_prefix() -> None:
    dispatcher = (
        CrawlerDispatcher.build()
        .register("http://127.0.0.1:8000", OtherCrawler)
        .register("http://127.0.0.1:8000/letters", SubstackCrawler)
    )
    assert route(dispatcher, "http://127.0.0.1:8000/post") is OtherCrawler
    assert (
        route(dispatcher, "http://127.0.0.1:8000/letters/p/one") is SubstackCrawler
    )  # the longer prefix wins
    assert route(dispatcher, "http://127.0.0.1:8000/lettersx") is OtherCrawler  # prefixes end at a "/"
    assert route(dispatcher, "http://127.0.0.1:9000/post") is CustomArticleCrawler  # another port
    assert route(dispatcher, "https://127.0.0.1:8000/post") is CustomArticleCrawler  # another scheme


def test_file_origins_route_local_folders(tmp_path: Path) -> None:
    dispatcher = CrawlerDispatcher.build().register((tmp_path / "repos").as_uri(), GithubCrawler)
    assert route(dispatcher, str(tmp_path / "repos" / "demo")) is GithubCrawler
    assert route(dispatcher, (tmp_path / "repos" / "demo").as_uri()) is GithubCrawler
    assert route(dispatcher, str(tmp_path / "notes")) is LocalFilesCrawler


def test_a_later_registration_replaces_an_earlier_one() -> None:
    dispatcher = (
        CrawlerDispatcher.build().register("example.org", OtherCrawler).register("example.org", GithubCrawler)
    )
    assert route(dispatcher, "https://example.org/x") is GithubCrawler
    assert (
        route(dispatcher.register("substack.com", OtherCrawler), "https://a.substack.com/p/x") is OtherCrawler
    )


def test_registering_a_path_without_an_origin_is_refused() -> None:
    with pytest.raises(ValueError, match="origin"):
        CrawlerDispatcher.build().register("example.org/blog", OtherCrawler)


def test_normalize_makes_local_paths_absolute_file_uris_and_drops_fragments() -> None:
    dispatcher = CrawlerDispatcher.build()
    expected = (PROJECT_ROOT / "samples" / "ada_writer" / "articles").as_uri()
    assert dispatcher.normalize("samples/ada_writer/articles") == expected
    assert dispatcher.normalize("./samples/ada_writer/../ada_writer/articles/") == expected
    assert dispatcher.normalize(expected) == expected
    assert dispatcher.normalize("  HTTPS://Ada.example.com/p?id=1#intro ") == "https://Ada.example.com/p?id=1"


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("ftp://example.com/post.txt", "scheme 'ftp:'"),
        ("mailto:ada@example.org", "scheme 'mailto:'"),
        ("javascript:alert(1)", "scheme 'javascript:'"),
        ("http://", "has no host"),
        ("https:///post", "has no host"),
        ("http:example.com/post", "has no host"),
        ("http://exa mple.com/post", "not a valid host name"),
        ("http://[::1/post", "Malformed URL"),
        ("http://example.com:99999/post", "Malformed URL"),
        ("http://example.com:port/post", "Malformed URL"),
        ("", "Empty link"),
        ("www.example.com/post", "did you mean https://www.example.com/post"),
        ("file://remote-host/share/post.md", "remote host"),
    ],
)
def test_invalid_links_raise_a_clear_error(link: str, message: str) -> None:
    with pytest.raises(UnsupportedLinkError, match=message.replace("?", r"\?").replace("[", r"\[")):
        CrawlerDispatcher.build().get_crawler(link)


def test_get_crawler_returns_a_new_instance() -> None:
    dispatcher = CrawlerDispatcher.build()
    first = dispatcher.get_crawler("https://ada.example.com/a")
    assert isinstance(first, CustomArticleCrawler)
    assert dispatcher.get_crawler("https://ada.example.com/b") is not first


def test_github_links_clone_the_whole_repository() -> None:
    assert clone_url("https://github.com/ada/repo") == "https://github.com/ada/repo.git"
    assert clone_url("https://www.github.com/ada/repo/tree/main/docs") == "https://github.com/ada/repo.git"
    assert clone_url("file:///tmp/repos/demo") == "file:///tmp/repos/demo"
    assert repository_name("https://github.com/ada/repo.git") == "repo"
    assert repository_name("file:///tmp/repos/demo/") == "demo"


def test_importing_the_crawling_modules_loads_no_browser_or_langchain() -> None:
    code = (
        "import sys\n"
        "import llm_engineering.application.crawlers.runner\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in {'selenium', 'langchain_community', 'zenml'}]\n"
        "print(heavy)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"

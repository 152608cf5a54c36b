"""The digital_data_etl ZenML pipeline, run for real in the isolated ZenML store of the test session."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from zenml.client import Client

from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.types import DataCategory
from pipelines.digital_data_etl import digital_data_etl
from tests.support.http_server import serve_directory
from tests.support.paths import FIXTURES_DIR, PROJECT_ROOT
from tests.support.pipelines import run_pipeline_with
from tests.support.scripted_site import SHORT_TIMEOUT_S, ScriptedServer


@pytest.fixture
def site() -> Iterator[str]:
    server, base_url = serve_directory(FIXTURES_DIR / "site")
    yield base_url
    server.shutdown()


def crawl_metadata(run_id) -> dict:
    run = Client().get_pipeline_run(run_id)
    return dict(run.steps["crawl_links"].outputs["crawled_links"][0].run_metadata)


def run_etl(folder: Path, user_full_name: str, links: list[str], **crawl: object):
    """The pipeline from a YAML config, as the CLI runs it; `crawl` sets CrawlConfig limits."""
    parameters = {"user_full_name": user_full_name, "links": links, "crawl": crawl}
    return run_pipeline_with(digital_data_etl, folder, parameters, enable_cache=False)


def test_etl_crawls_reports_failures_and_is_idempotent(stores, site: str) -> None:
    links = [
        f"{site}/first-post.html",
        f"{site}/second-post.html",
        f"{site}/missing-page.html",  # 404: reported, the run goes on
        str(PROJECT_ROOT / "samples" / "ada_writer" / "linkedin" / "Shares.csv"),
    ]
    run = run_etl(stores, "Ada Writer", links)
    assert run.status == "completed"
    metadata = crawl_metadata(run.id)
    assert metadata["crawled"] == 3 and metadata["failed"] == 1 and metadata["skipped_as_existing"] == 0
    failures = metadata["by_domain"]["127.0.0.1"]["failures"]
    assert failures[0]["link"].endswith("missing-page.html") and "404" in failures[0]["reason"]

    user = UserDocument.find(first_name="Ada", last_name="Writer")
    articles = Document.bulk_find(category=DataCategory.ARTICLES, author_id=user.id)
    assert {a.content.title for a in articles} == {
        "Why I write every morning",
        "Small models, sharp tools",
    }
    first = next(a for a in articles if a.link.endswith("first-post.html"))
    assert "three hundred words" in first.content.content
    assert "cookies" not in first.content.content and "Privacy" not in first.content.content
    posts_before = Document.count(category=DataCategory.POSTS, author_id=user.id)
    assert posts_before > 0

    rerun = run_etl(stores, "Ada Writer", links)
    again = crawl_metadata(rerun.id)
    assert again["crawled"] == 0 and again["skipped_as_existing"] == 3 and again["failed"] == 1
    assert (
        Document.count(category=DataCategory.ARTICLES) == 2
        and Document.count(category=DataCategory.POSTS) == posts_before
        and UserDocument.count() == 1
    )


def test_etl_step_fails_when_every_link_failed(stores, site: str) -> None:
    with pytest.raises(RuntimeError, match="crawl_links"):  # ZenML names the failed step
        run_etl(stores, "Ada Writer", [f"{site}/nope.html", "ftp://example.com/file", "not a url"])
    assert Document.count(category=DataCategory.ARTICLES) == 0
    failed_run = Client().get_pipeline("digital_data_etl").last_run
    assert failed_run.status == "failed" and failed_run.steps["crawl_links"].status == "failed"


def test_etl_reports_each_bad_input_with_a_clear_reason(stores, site: str) -> None:
    # Short limits only here: a slow page times out, a streamed one goes over the size limit.
    limits = {"timeout_s": SHORT_TIMEOUT_S, "max_page_bytes": 200_000, "max_retries": 0}
    bad_site = ScriptedServer()
    try:
        bad = {
            bad_site.url("/slow"): "did not answer within",
            bad_site.url("/image.png"): "image/png",
            bad_site.url("/huge"): "too large",
            bad_site.url("/empty"): "empty page",
        }
        # A missing git repository cannot be routed here: the default dispatcher sends file:// paths to the
        # local-files crawler and github.com cannot be reached offline; crawlers/test_github.py covers it.
        good = [f"{site}/first-post.html", f"{site}/second-post.html"]
        run = run_etl(stores, "Ada Writer", good + list(bad), **limits)
    finally:
        bad_site.close()

    assert run.status == "completed"
    metadata = crawl_metadata(run.id)
    assert metadata["crawled"] == 2 and metadata["failed"] == len(bad)
    assert Document.count(category=DataCategory.ARTICLES) == 2
    failures = {
        failure["link"]: failure["reason"]
        for entry in metadata["by_domain"].values()
        for failure in entry["failures"]
    }
    assert set(failures) == set(bad)
    for link, reason in bad.items():
        assert reason in failures[link], failures[link]

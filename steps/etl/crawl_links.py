from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.crawlers.runner import crawl_links as crawl_links_concurrently
from llm_engineering.domain.documents import UserDocument


@step
def crawl_links(
    user: UserDocument,
    links: list[str],
    max_workers: int | None = None,
    max_per_domain: int | None = None,
    max_browsers: int | None = None,
    respect_robots_txt: bool | None = None,
    max_retries: int | None = None,
) -> Annotated[list[str], "crawled_links"]:
    """Crawl every link into the warehouse. Fails only when every link failed (blocked links, answered by a
    bot wall, are reported with a hint and do not fail the run).

    The optional parameters (settable in the YAML config) override the CRAWL_* settings (`max_browsers`:
    SELENIUM_MAX_WORKERS); None keeps them."""
    report = crawl_links_concurrently(
        user,
        links,
        max_workers=max_workers,
        max_per_domain=max_per_domain,
        max_browsers=max_browsers,
        respect_robots_txt=respect_robots_txt,
        max_retries=max_retries,
    )
    get_step_context().add_output_metadata(
        output_name="crawled_links",
        metadata={
            "crawled": report.crawled,
            "skipped_as_existing": report.skipped,
            "failed": report.failed,
            "blocked": report.blocked,
            "blocked_links": report.blocked_links(),
            "documents_written": report.documents,
            "retries": report.retries,
            "by_domain": report.by_domain(),
        },
    )
    if report.all_failed:
        raise RuntimeError("Every link failed:\n" + "\n".join(report.summary_lines()))
    return [result.link for result in report.results if result.status not in ("failed", "blocked")]

from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.application.crawlers.report import CrawlSummary
from llm_engineering.application.crawlers.runner import crawl_links as crawl_links_concurrently
from llm_engineering.domain.documents import UserDocument


@step
def crawl_links(
    user: UserDocument,
    links: list[str],
    config: CrawlConfig,
) -> tuple[Annotated[list[str], "crawled_links"], Annotated[CrawlSummary, "crawl_summary"]]:
    """Crawl every link into the warehouse within the config's limits. Fails only when every link failed
    (blocked links, answered by a bot wall, are reported with a hint and do not fail the run)."""
    report = crawl_links_concurrently(user, links, config=config)
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
    crawled = [result.link for result in report.results if result.status not in ("failed", "blocked")]
    return crawled, report.summary()

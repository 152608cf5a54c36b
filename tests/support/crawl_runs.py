"""crawl_links as the crawl-runner tests call it: quick backoff, no progress bar, results by link."""

from __future__ import annotations

from typing import Any

from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.application.crawlers.runner import CrawlReport, crawl_links
from llm_engineering.domain.documents import UserDocument


def crawl(user: UserDocument, links: list[str], dispatcher: CrawlerDispatcher, **limits: Any) -> CrawlReport:
    """crawl_links with quick backoff, no progress bar, 2 retries and the given CrawlConfig limits."""
    config = CrawlConfig(**{"max_retries": 2, **limits})
    return crawl_links(user, links, dispatcher, config, backoff_base_s=0.01, progress=False)


def by_link(report: CrawlReport) -> dict:
    return {result.link: result for result in report.results}

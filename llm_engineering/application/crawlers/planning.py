"""Planning a crawl: links normalised and deduplicated in input order, interleaved across domains, and the
thread pool sized by what the per-domain limits let run at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from llm_engineering.application.crawlers.base import CrawlResult, CrawlStatus, link_domain
from llm_engineering.application.crawlers.dispatcher import CrawlerDispatcher
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.infrastructure.redaction import mask_uri, redact


def prepare_links(
    links: Iterable[str], dispatcher: CrawlerDispatcher
) -> tuple[list[str | CrawlResult], list[str], int]:
    """In input order: a normalised link to crawl, or the failed result of an invalid one; plus the unique
    links to crawl and how many duplicates were dropped."""
    ordered: list[str | CrawlResult] = []
    unique: dict[str, None] = {}
    duplicates = 0
    for raw in links:
        try:
            link = dispatcher.normalize(raw)
        except CrawlError as error:
            name, shown, reason = type(dispatcher).__name__, mask_uri(str(raw)), redact(str(error), str(raw))
            ordered.append(CrawlResult(shown, CrawlStatus.FAILED, name, reason=reason))
            continue
        if link in unique:
            duplicates += 1
            continue
        unique[link] = None
        ordered.append(link)
    return ordered, list(unique), duplicates


def round_robin_by_domain(links: list[str]) -> list[str]:
    """a1 a2 a3 b1 -> a1 b1 a2 a3: workers start on different domains instead of queueing on one."""
    groups: dict[str, list[str]] = {}
    for link in links:
        groups.setdefault(link_domain(link), []).append(link)
    queues = [iter(group) for group in groups.values()]
    interleaved: list[str] = []
    while queues:
        for queue in list(queues):
            item = next(queue, None)
            if item is None:
                queues.remove(queue)
            else:
                interleaved.append(item)
    return interleaved


def pool_size(links: list[str], *, max_workers: int, max_per_domain: int) -> int:
    """Threads a crawl can keep busy: each domain's links up to its limit, summed, capped at `max_workers`.

    Fetching is I/O: threads mostly wait on the network, so the pool is sized by what the per-domain limits
    allow, not by the CPU count."""
    per_domain = Counter(link_domain(link) for link in links)
    usable = sum(min(count, max_per_domain) for count in per_domain.values())
    return max(1, min(max_workers, usable))

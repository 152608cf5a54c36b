"""CrawlReport: what happened to every link of a crawl, with counts per domain for step metadata and logs."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from llm_engineering.application.crawlers.base import CrawlResult, CrawlStatus


class LinkFailure(BaseModel):
    link: str
    reason: str | None


class BlockedLink(BaseModel):
    link: str
    reason: str | None
    hint: str = ""


class DomainCounts(BaseModel):
    crawled: int = 0
    skipped: int = 0
    failed: int = 0
    blocked: int = 0
    failures: list[LinkFailure] = []
    blocked_links: list[BlockedLink] = []


class CrawlSummary(BaseModel):
    """A crawl's outcome as a typed artifact (what the ETL command prints)."""

    crawled: int
    skipped: int
    failed: int
    blocked: int
    documents: int
    retries: int
    duplicates: int
    seconds: float
    by_domain: dict[str, DomainCounts]
    blocked_links: list[BlockedLink]  # blocked links, then blocked posts of feeds

    def lines(self) -> list[str]:
        lines = [
            f"ETL done: {self.crawled} crawled, {self.skipped} skipped (already stored), {self.failed} failed, "
            f"{self.blocked} blocked; {self.documents} documents written."
        ]
        for domain, counts in self.by_domain.items():
            lines.append(
                f"  {domain}: {counts.crawled} crawled, {counts.skipped} skipped, {counts.failed} failed, "
                f"{counts.blocked} blocked"
            )
            lines.extend(f"    FAILED {failure.link}: {failure.reason}" for failure in counts.failures)
        # Bot walls (challenge pages, captchas, login walls): nothing stored; the hint says what to crawl instead.
        lines.extend(
            f"  BLOCKED {item.link}: {item.reason}. Instead: {item.hint}." for item in self.blocked_links
        )
        return lines


@dataclass
class CrawlReport:
    results: list[CrawlResult] = field(default_factory=list)
    duplicates: int = 0  # input links dropped because they repeat an earlier one
    seconds: float = 0.0

    def _count(self, status: CrawlStatus) -> int:
        return sum(1 for result in self.results if result.status is status)

    @property
    def crawled(self) -> int:
        return self._count(CrawlStatus.CRAWLED)

    @property
    def skipped(self) -> int:
        return self._count(CrawlStatus.SKIPPED)

    @property
    def failed(self) -> int:
        return self._count(CrawlStatus.FAILED)

    @property
    def blocked(self) -> int:
        """Links a bot wall answered (the run goes on; the hint says what to crawl instead)."""
        return self._count(CrawlStatus.BLOCKED)

    @property
    def documents(self) -> int:
        return sum(result.documents for result in self.results)

    @property
    def retries(self) -> int:
        return sum(max(result.attempts - 1, 0) for result in self.results)

    @property
    def all_failed(self) -> bool:
        """Every link failed. Blocked links are not failures of the run: they are reported with what to do."""
        return bool(self.results) and self.failed == len(self.results)

    @property
    def failures(self) -> list[CrawlResult]:
        return [result for result in self.results if result.status is CrawlStatus.FAILED]

    def blocked_links(self) -> list[dict[str, str]]:
        """Every link a wall answered, with its reason and hint: blocked links, then blocked posts of feeds."""
        links = [
            {"link": r.link, "reason": r.reason or "", "hint": r.extra.get("hint", "")}
            for r in self.results
            if r.status is CrawlStatus.BLOCKED
        ]
        return links + [entry for r in self.results for entry in r.extra.get("blocked_entries", [])]

    def by_domain(self) -> dict[str, dict]:
        """{domain: {"crawled", "skipped", "failed", "blocked", "failures": [{"link", "reason"}],
        "blocked_links": [{"link", "reason", "hint"}]}} for step metadata."""
        domains: dict[str, dict] = {}
        for result in self.results:
            entry = domains.setdefault(
                result.domain,
                {"crawled": 0, "skipped": 0, "failed": 0, "blocked": 0, "failures": [], "blocked_links": []},
            )
            entry[result.status.value] += 1
            if result.status is CrawlStatus.FAILED:
                entry["failures"].append({"link": result.link, "reason": result.reason})
            if result.status is CrawlStatus.BLOCKED:
                entry["blocked_links"].append(
                    {"link": result.link, "reason": result.reason, "hint": result.extra.get("hint", "")}
                )
        return dict(sorted(domains.items()))

    def summary(self) -> CrawlSummary:
        return CrawlSummary(
            crawled=self.crawled,
            skipped=self.skipped,
            failed=self.failed,
            blocked=self.blocked,
            documents=self.documents,
            retries=self.retries,
            duplicates=self.duplicates,
            seconds=round(self.seconds, 2),
            by_domain={
                domain: DomainCounts.model_validate(entry) for domain, entry in self.by_domain().items()
            },
            blocked_links=[BlockedLink.model_validate(item) for item in self.blocked_links()],
        )

    def summary_lines(self) -> list[str]:
        total = len(self.results)
        retries = f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}"
        blocked = f", blocked {self.blocked}" if self.blocked else ""
        head = (
            f"Crawled {self.crawled}, skipped {self.skipped} (already stored), failed {self.failed}{blocked} "
            f"of {total} link(s): {self.documents} document(s) written, {retries}"
        )
        if self.duplicates:
            head += f", {self.duplicates} duplicate link(s) ignored"
        lines = [f"{head}, {self.seconds:.1f} s."]
        for domain, entry in self.by_domain().items():
            blocked = f", {entry['blocked']} blocked" if entry["blocked"] else ""
            lines.append(
                f"  {domain}: {entry['crawled']} crawled, {entry['skipped']} skipped, "
                f"{entry['failed']} failed{blocked}"
            )
            lines.extend(
                f"    FAILED {failure['link']}: {failure['reason']}" for failure in entry["failures"]
            )
        for item in self.blocked_links():
            lines.append(f"  BLOCKED {item['link']}: {item['reason']}. Instead: {item['hint']}.")
        return lines

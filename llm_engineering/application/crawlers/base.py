"""BaseCrawler: the "already in the warehouse? skip" logic, written once for every crawler."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

from loguru import logger

from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.application.crawlers.robots import RobotsTxt
from llm_engineering.application.fetching.local import to_local_path
from llm_engineering.domain.documents import Document, UserDocument
from llm_engineering.domain.types import DataCategory
from llm_engineering.infrastructure.redaction import mask_uri, strip_credentials


class CrawlStatus(StrEnum):
    CRAWLED = "crawled"
    SKIPPED = "skipped"  # already in the warehouse
    FAILED = "failed"
    BLOCKED = "blocked"  # a bot wall (challenge, captcha, login) answered: nothing stored, see the hint


@dataclass
class CrawlResult:
    link: str
    status: CrawlStatus
    crawler: str
    documents: int = 0  # documents written (a LinkedIn profile or an export file can give many)
    reason: str | None = None  # why it failed or was skipped
    attempts: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return link_domain(self.link)


def link_domain(link: str) -> str:
    """The domain used to group results and limit concurrency; local files group under 'local'."""
    parts = urlsplit(link)
    if parts.scheme in {"", "file"}:
        return "local"
    return (parts.hostname or "unknown").removeprefix("www.")


class NotesMixin:
    """Lets a crawler attach counts (skipped files, empty rows) to the CrawlResult of the link it crawled.

    Each crawler instance serves one thread at a time (the runner keeps one per worker), so `notes` is safe.
    """

    @property
    def notes(self) -> dict[str, Any]:
        """The notes of the link being crawled (empty before the first one, also when `crawl` is called
        directly)."""
        return self.__dict__.setdefault("_notes", {})

    def extract(self, link: str, user: UserDocument) -> CrawlResult:
        self.__dict__["_notes"] = {}
        result = super().extract(link, user)  # type: ignore[misc]
        result.extra.update(self.notes)
        return result


class ExportFileMixin:
    """A crawler of one local export file holding many documents: the file counts as stored when every
    document link it holds is stored. Subclasses say which links those are (`export_links`)."""

    category: ClassVar[DataCategory]

    def export_links(self, path: Path) -> list[str]:
        raise NotImplementedError

    def already_stored(self, link: str) -> bool:
        path = to_local_path(link)
        if not path.is_file():
            return False  # crawl() says what is wrong
        links = set(self.export_links(path))
        return bool(links) and len(Document.find_existing_links(self.category, links)) == len(links)


class BaseCrawler(ABC):
    """Crawls one kind of source into documents of `category`.

    Subclasses implement `crawl`; `extract` (what callers use) skips links already stored, so re-running an
    ETL config adds nothing. `crawl` raises `CrawlError` (or lets an exception escape) on failure: it never
    returns a silent "nothing".
    """

    category: ClassVar[DataCategory]
    # A crawler that drives a browser: the runner limits how many work at once (CrawlConfig.max_browsers).
    uses_browser: ClassVar[bool] = False
    # The run's robots.txt rules (None: not honoured), set by the runner, for the pages a crawler reaches from
    # its link (the posts of a feed); the link itself is checked by the runner.
    robots: RobotsTxt | None = None

    @classmethod
    def from_config(cls, config: CrawlConfig) -> Self:
        """An instance with the run's crawl limits (crawlers without limits of their own ignore them)."""
        return cls()

    @property
    def name(self) -> str:
        return type(self).__name__

    def document_link(self, link: str) -> str:
        """The `link` stored in the document for `link` (never with credentials)."""
        return strip_credentials(link)

    def already_stored(self, link: str) -> bool:
        return Document.find(category=self.category, link=self.document_link(link)) is not None

    def extract(self, link: str, user: UserDocument) -> CrawlResult:
        if self.already_stored(link):
            logger.info(f"{self.name}: {mask_uri(link)} is already in the warehouse, skipping.")
            return CrawlResult(
                link=link, status=CrawlStatus.SKIPPED, crawler=self.name, reason="already stored"
            )
        written = self.crawl(link, user)
        return CrawlResult(link=link, status=CrawlStatus.CRAWLED, crawler=self.name, documents=written)

    @abstractmethod
    def crawl(self, link: str, user: UserDocument) -> int:
        """Fetch `link`, store its document(s) for `user`, and return how many documents were written."""

    def close(self) -> None:  # noqa: B027 - optional hook: most crawlers hold nothing to release
        """Release resources held across links (a browser); called once per worker at the end."""

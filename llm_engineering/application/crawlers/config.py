"""CrawlConfig: the ETL's crawl limits, set under `crawl:` in its YAML; the defaults here are the only ones."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CrawlConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Fetching is I/O: the pool may hold many threads; the per-domain limit keeps each site's load polite.
    max_workers: int = Field(
        32, ge=1, description="Crawl threads at most (a run uses no more than its domains can)."
    )
    max_per_domain: int = Field(2, ge=1, description="Requests to one site at once: what paces a crawl.")
    max_browsers: int = Field(
        2, ge=1, description="Headless browsers at work at once (each costs ~100s of MB and a core)."
    )
    respect_robots_txt: bool = Field(True, description="Skip web pages that robots.txt disallows.")
    max_retries: int = Field(2, ge=0, description="Retries of a transient failure (timeout, 429, 5xx).")
    timeout_s: float = Field(30.0, gt=0, description="Per-request (and browser page-load) timeout.")
    max_page_bytes: int = Field(5_000_000, ge=1, description="A larger page fails instead of filling memory.")
    max_scrolls: int = Field(20, ge=0, description="Browser scrolls to load a lazily growing page.")
    github_clone_timeout_s: float = Field(120.0, gt=0, description="Time allowed to clone one repository.")
    github_max_file_bytes: int = Field(200_000, ge=1, description="Larger repository files are left out.")
    github_max_total_bytes: int = Field(20_000_000, ge=1, description="A repository's stored text at most.")


DEFAULT_CRAWL = CrawlConfig()

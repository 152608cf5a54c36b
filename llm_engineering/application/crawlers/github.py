"""A Git repository as one RepositoryDocument: {relative path: file text}, text kept exactly as written.

A shallow clone into a temporary folder that is always removed; no `os.chdir`, so threads can clone at once.
Indentation and blank lines are kept (the reference strips all whitespace, which breaks code); VCS folders,
lock files, binaries and big files are left out and reported.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Self
from urllib.parse import urlsplit

from loguru import logger

from llm_engineering.application.crawlers.base import BaseCrawler, NotesMixin
from llm_engineering.application.crawlers.config import DEFAULT_CRAWL, CrawlConfig
from llm_engineering.domain.content import RepositoryContent
from llm_engineering.domain.documents import RepositoryDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError
from llm_engineering.infrastructure.redaction import mask_uri, redact, strip_credentials

IGNORED_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "CVS", "_darcs", "__pycache__", "node_modules"})
LOCK_FILES = frozenset(
    {
        "poetry.lock", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "Gemfile.lock",
        "composer.lock", "Pipfile.lock", "uv.lock", "go.sum", "npm-shrinkwrap.json", "bun.lockb",
    }
)  # fmt: skip
_SNIFF_BYTES = 8192
# git's messages when the repository is missing or private (with prompts off, private looks like auth).
_NOT_FOUND_MARKERS = (
    "not found", "does not exist", "does not appear to be a git repository", "could not read username",
    "authentication failed", "access denied", "no such file or directory",
)  # fmt: skip
_NETWORK_MARKERS = (
    "could not resolve host",
    "connection refused",
    "timed out",
    "connection reset",
    "503",
    "502",
)


@dataclass
class RepositoryFiles:
    files: dict[str, str] = field(default_factory=dict)
    total_bytes: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> relative paths

    def skip(self, reason: str, path: str) -> None:
        self.skipped.setdefault(reason, []).append(path)

    def skipped_summary(self) -> dict[str, int]:
        return {reason: len(paths) for reason, paths in self.skipped.items()}


def repository_name(link: str) -> str:
    path = urlsplit(link).path.rstrip("/")
    return path.rsplit("/", 1)[-1].removesuffix(".git") or link


def clone_url(link: str) -> str:
    """github.com/owner/repo/tree/main/docs -> github.com/owner/repo.git: a repository is cloned whole.

    Credentials in the link (`https://user:token@github.com/...`) are kept: git needs them to clone."""
    parts = urlsplit(link)
    if (parts.hostname or "").removeprefix("www.") == "github.com":
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) >= 2:
            userinfo = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
            return f"https://{userinfo}github.com/{segments[0]}/{segments[1].removesuffix('.git')}.git"
    return link


def repository_link(link: str) -> str:
    """The link stored for a repository: its clone URL without credentials, so `.../o/r`,
    `.../o/r/tree/main` and `.../o/r.git` are one repository."""
    return strip_credentials(clone_url(link))


def shallow_clone(link: str, destination: Path, timeout_s: float) -> None:
    """`git clone --depth 1` without prompts; CrawlError (transient for network trouble) on failure.

    Error messages show the link with its credentials masked, git's own message included."""
    url = clone_url(link)
    shown = mask_uri(link)
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
        "GCM_INTERACTIVE": "never",
    }
    command = [
        "git",
        "clone",
        "--depth",
        "1",
        "--quiet",
        "--no-tags",
        "--",
        url,
        str(destination),
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, env=env, check=False
        )
    except FileNotFoundError as error:
        raise CrawlError(
            "git is not installed: install git to crawl repositories.", transient=False
        ) from error
    except subprocess.TimeoutExpired as error:
        raise CrawlError(
            f"Cloning {shown} took longer than {timeout_s:g} s (crawl: github_clone_timeout_s).",
            transient=True,
        ) from error
    if completed.returncode == 0:
        return
    message = (completed.stderr or completed.stdout).strip().splitlines()
    detail = redact(redact(message[-1], url), link) if message else f"git exited with {completed.returncode}"
    lowered = (completed.stderr or "").lower()
    if any(marker in lowered for marker in _NETWORK_MARKERS):
        raise CrawlError(f"Cannot reach the repository {shown}: {detail}", transient=True)
    if any(marker in lowered for marker in _NOT_FOUND_MARKERS):
        raise CrawlError(
            f"The repository {shown} does not exist or is private: {detail}. Check the link.", transient=False
        )
    raise CrawlError(f"Cloning {shown} failed: {detail}", transient=False)


def _read_text(path: Path, max_file_bytes: int) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason it was skipped)."""
    size = path.stat().st_size
    if size > max_file_bytes:
        return None, "too large"
    data = path.read_bytes()
    if b"\x00" in data[:_SNIFF_BYTES]:
        return None, "binary"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return None, "binary"


def read_repository(root: Path, *, max_file_bytes: int, max_total_bytes: int) -> RepositoryFiles:
    """Every text file under `root`, in sorted path order, until `max_total_bytes` of text is read."""
    result = RepositoryFiles()
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)  # prune: never descend into them
        for filename in sorted(filenames):
            path = Path(directory) / filename
            relative = path.relative_to(root).as_posix()
            if path.is_symlink() or not path.is_file():
                result.skip("not a regular file", relative)
                continue
            if filename in LOCK_FILES or filename.endswith(".lock"):
                result.skip("lock file", relative)
                continue
            text, reason = _read_text(path, max_file_bytes)
            if text is None:
                result.skip(reason or "unreadable", relative)
                continue
            size = len(text.encode("utf-8"))
            if result.total_bytes + size > max_total_bytes:
                result.skip("total size limit reached", relative)
                continue
            result.files[relative] = text
            result.total_bytes += size
    return result


class GithubCrawler(NotesMixin, BaseCrawler):
    """A repository (GitHub, any git URL, a local `file://` repository) cloned shallowly and stored whole."""

    model: ClassVar[type[RepositoryDocument]] = RepositoryDocument
    # robots.txt governs web crawlers fetching pages; `git clone` uses git's own protocol, like a user would.
    obeys_robots_txt: ClassVar[bool] = False

    def __init__(
        self,
        *,
        clone_timeout_s: float = DEFAULT_CRAWL.github_clone_timeout_s,
        max_file_bytes: int = DEFAULT_CRAWL.github_max_file_bytes,
        max_total_bytes: int = DEFAULT_CRAWL.github_max_total_bytes,
    ) -> None:
        self.clone_timeout_s = clone_timeout_s
        self.max_file_bytes = max_file_bytes
        self.max_total_bytes = max_total_bytes

    @classmethod
    def from_config(cls, config: CrawlConfig) -> Self:
        return cls(
            clone_timeout_s=config.github_clone_timeout_s,
            max_file_bytes=config.github_max_file_bytes,
            max_total_bytes=config.github_max_total_bytes,
        )

    def document_link(self, link: str) -> str:
        return repository_link(link)

    def crawl(self, link: str, user: UserDocument) -> int:
        with tempfile.TemporaryDirectory(prefix="llm-twin-clone-", ignore_cleanup_errors=True) as tmp:
            checkout = Path(tmp) / "repo"
            shallow_clone(link, checkout, self.clone_timeout_s)
            content = read_repository(
                checkout, max_file_bytes=self.max_file_bytes, max_total_bytes=self.max_total_bytes
            )
        if not content.files:
            raise CrawlError(
                f"The repository {mask_uri(link)} holds no text files to learn from.", transient=False
            )
        self._report_skipped(link, content)
        document = RepositoryDocument(
            content=RepositoryContent(content.files),
            name=repository_name(link),
            link=self.document_link(link),
            platform="github",
            author_id=user.id,
            author_full_name=user.full_name,
        )
        stored = document.save()
        return int(stored.id == document.id)  # another id: stored meanwhile by another worker, kept as is

    def _report_skipped(self, link: str, content: RepositoryFiles) -> None:
        summary = content.skipped_summary()
        self.notes.update(files=len(content.files), text_bytes=content.total_bytes, skipped=summary)
        if summary:
            examples = {reason: paths[:5] for reason, paths in content.skipped.items()}
            logger.info(
                f"{self.name}: {mask_uri(link)}: kept {len(content.files)} files, skipped {summary}: {examples}"
            )

"""Local files as sources: `file://` URIs and paths (resolved by `resolve_path`), the article files of a
folder, and reading a text file whatever its encoding."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from loguru import logger

from llm_engineering.domain.exceptions import UnsupportedLinkError
from llm_engineering.settings import resolve_path

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
TEXT_SUFFIXES = frozenset({".txt"})
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES


def is_file_link(link: str) -> bool:
    return link.strip().lower().startswith("file:")


def to_local_path(link: str) -> Path:
    """A local path or `file://` URI as an absolute path; a relative path resolves as every configured path
    does (`resolve_path`: from the project root unless it exists from the current directory)."""
    link = link.strip()
    if is_file_link(link):
        parts = urlsplit(link)
        if parts.netloc not in ("", "localhost"):
            raise UnsupportedLinkError(
                f"{link!r} names the remote host {parts.netloc!r}; use file:///absolute/path for local files."
            )
        path = Path(unquote(parts.path))
    else:
        path = Path(link).expanduser()
    return resolve_path(path).resolve()


def file_link(path: Path) -> str:
    return path.resolve().as_uri()


def list_article_files(folder: Path) -> list[Path]:
    """Supported, non-empty files under `folder` (hidden folders such as .git are left out), sorted."""
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and path.stat().st_size > 0:
            files.append(path)
    return files


def read_text_file(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        logger.warning(f"{path} is not UTF-8; reading it as Windows-1252.")
        return data.decode("cp1252", errors="replace")

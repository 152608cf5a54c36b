"""Read a Dockerfile and a .dockerignore without a container engine: instructions, COPY sources, ignores."""

from __future__ import annotations

import fnmatch
import json
import shlex
from dataclasses import dataclass
from pathlib import Path

INSTRUCTIONS = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}  # fmt: skip


@dataclass
class Instruction:
    line: int
    keyword: str
    arguments: str


def parse_dockerfile(path: Path) -> list[Instruction]:
    """Instructions with their continuation lines joined; comments and blank lines dropped."""
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not pending:
            start = number
        pending.append(stripped.removesuffix("\\").strip())
        if not stripped.endswith("\\"):
            keyword, _, arguments = " ".join(pending).partition(" ")
            instructions.append(Instruction(start, keyword.upper(), arguments.strip()))
            pending = []
    if pending:
        raise ValueError(f"{path}: the instruction at line {start} ends with a line continuation")
    return instructions


def copy_sources(instruction: Instruction) -> list[str]:
    """The build-context sources of a COPY/ADD (none for `COPY --from=<stage>`)."""
    words = [w for w in shlex.split(instruction.arguments) if not w.startswith("--")]
    if "--from=" in instruction.arguments:
        return []
    return words[:-1]


def exec_form(instruction: Instruction) -> list[str]:
    """A CMD/ENTRYPOINT in exec form (a JSON array); raises ValueError for the shell form."""
    value = json.loads(instruction.arguments)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"line {instruction.line}: not a JSON array of strings")
    return value


def ignore_patterns(path: Path) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def is_ignored(relative_path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last matching pattern wins; `!` re-includes; a folder pattern covers its files."""
    ignored = False
    parts = relative_path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.rstrip("/")
        candidates = [body, body.removeprefix("**/")] if body.startswith("**/") else [body]
        matched = any(
            fnmatch.fnmatchcase(prefix, candidate) or fnmatch.fnmatchcase(prefix.split("/")[-1], candidate)
            if candidate != body
            else fnmatch.fnmatchcase(prefix, candidate)
            for prefix in prefixes
            for candidate in candidates
        )
        if matched:
            ignored = not negate
    return ignored

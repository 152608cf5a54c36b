"""Prompt templates, kept as text files in `prompts/` and read on first use.

Templates use `$name` placeholders (string.Template), so JSON examples in them need no escaping.
"""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"


@functools.cache
def load_template(name: str) -> Template:
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"Prompt template {path} is missing.")
    return Template(path.read_text(encoding="utf-8"))


def render(name: str, **values: str) -> str:
    """The template with every placeholder filled; a missing value is a KeyError naming it."""
    return load_template(name).substitute(**values)

"""Rendering the main node to Markdown-ish text (html2text), tidied for a language model."""

from __future__ import annotations

import re

import html2text
from lxml import etree

from llm_engineering.application.extraction.dom import Element


def render_markdown(node: Element) -> str:
    """html2text of the node: links as text, no images, fenced code, no hard wrapping; tidy blank lines."""
    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.body_width = 0
    converter.backquote_code_style = True  # ``` fences keep code blocks unambiguous for the model
    converter.unicode_snob = True  # keep “smart quotes” and accents instead of ASCII look-alikes
    return _tidy(converter.handle(etree.tostring(node, encoding="unicode", method="html")))


def _tidy(markdown: str) -> str:
    lines, in_code = [], False
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code:
            line = _unescape_line_start(line)
            line = _EMPTY_EMPHASIS.sub("", line).rstrip()
            if re.fullmatch(r"#+", line.strip()):
                continue  # a heading whose text was an image or a line break
            if line.startswith(" ") and not line.startswith("  "):
                line = line[1:]  # html2text's stray space before inline emphasis
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    # A heading at the very end introduces nothing: it is a leftover of a removed widget ("Like this:").
    return re.sub(r"(\n\n#+ [^\n]*)+\Z", "", text).strip()


# "** **" or "_ _" from emphasis tags that held only whitespace.
_EMPTY_EMPHASIS = re.compile(r"(?<!\S)(\*\*|__?)\s*\1(?!\S)")


def _unescape_line_start(line: str) -> str:
    """html2text escapes "1." "+" "-" at a line start so they are not read as lists; in prose it is noise."""
    line = re.sub(r"^(\s*(?:#+\s+)?\d+)\\\.", r"\1.", line)
    return re.sub(r"^(\s*)\\([-+])", r"\1\2", line)

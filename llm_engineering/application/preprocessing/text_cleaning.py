"""Text cleaning that keeps structure: paragraphs stay paragraphs, code stays code.

The reference collapsed every run of whitespace into one space and removed most punctuation, so its
separator-based splitters never found a paragraph break. Here prose keeps its blank lines (soft-wrapped
lines are re-joined, so a paragraph is one line), code keeps its lines and indentation, and Unicode is
normalised (NFKC): the corpus writes headings in mathematical bold letters that the embedding model's
tokenizer reads as one unknown token per word.
"""

from __future__ import annotations

import re
import unicodedata

# Bullet-like symbols the tokenizer does not know; a dash keeps the list readable.
_BULLETS = {"•": "-", "∙": "-", "◦": "-", "▪": "-", "●": "-", "‣": "-", "⁃": "-"}
_FIRST_PICTOGRAPH = 0x2190  # arrows (a few), dingbats, box drawing, emoji: all `So` from here on
_MAX_BLANK_LINES_PROSE = 1

_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()\s]*\))+(?:\s+\"[^\"]*\")?\)")
_BOLD_MARKERS = re.compile(r"\*\*+")
_SPACES = re.compile(r"[ \t\f\v]+")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")  # an indented fence is part of an indented code block
_BLOCK_START = re.compile(r"^(#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s|>|\|)")
_LIST_ITEM = re.compile(r"^([-*+]|\d{1,3}[.)])\s")
_HAS_WORD = re.compile(r"[^\W_]")  # a letter or digit
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")
_CODE_INDENT = ("    ", "\t")


def _is_dropped(char: str, *, keep_symbols: bool) -> bool:
    if char in "\n\t":
        return False
    category = unicodedata.category(char)
    if category in {"Cc", "Cf", "Co", "Cs", "Cn"}:  # control, zero-width, private use, surrogates
        return True
    if 0xFE00 <= ord(char) <= 0xFE0F:  # emoji variation selectors
        return True
    if keep_symbols:
        return False
    return (category == "So" and ord(char) >= _FIRST_PICTOGRAPH) or (category == "Sk" and ord(char) > 0xFFFF)


def normalize_unicode(text: str, *, keep_symbols: bool = False) -> str:
    """NFKC, Unix newlines, no control or zero-width characters; pictographs (emoji, dingbats) dropped
    unless `keep_symbols` (code keeps its box-drawing trees and symbols)."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    table: dict[int, str | None] = {}
    for char in set(text):  # decide once per distinct character, not once per character
        if _is_dropped(char, keep_symbols=keep_symbols):
            table[ord(char)] = None
        elif not keep_symbols and char in _BULLETS:
            table[ord(char)] = _BULLETS[char]
    return text.translate(table) if table else text


def strip_markdown_links(text: str) -> str:
    """`[text](url)` -> `text`, `![alt](url)` -> `alt`: URLs cost many tokens and say little."""
    return _MARKDOWN_LINK.sub(r"\1", _MARKDOWN_IMAGE.sub(r"\1", text))


def _joins(previous: str, line: str) -> str:
    """Re-join a soft-wrapped line; a word broken after its hyphen ('pre-' + 'trained') joins without space."""
    if previous.endswith("-") and len(previous) > 1 and previous[-2].isalpha() and line[:1].islower():
        return previous + line
    return f"{previous} {line}"


def _prose_line(line: str) -> str:
    return _SPACES.sub(" ", _BOLD_MARKERS.sub("", line)).strip()


def clean_prose(text: str) -> str:
    """Clean markdown-ish prose: one line per paragraph, blank lines between paragraphs, code blocks as-is."""
    text = strip_markdown_links(normalize_unicode(text))
    out: list[str] = []
    previous_kind = "blank"  # blank | text | block | code
    in_fence = False
    for raw_line in text.split("\n"):
        line = raw_line.rstrip()
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            previous_kind = "code"
            continue
        if in_fence:
            out.append(line)
            continue
        if not line.strip():
            out.append("")
            previous_kind = "blank" if previous_kind != "code" else "code-gap"
            continue
        stripped = _prose_line(line)
        if line.startswith(_CODE_INDENT) and _starts_code(stripped, previous_kind):
            out.append(line)  # an indented code block (html2text writes code this way)
            previous_kind = "code"
            continue
        if not _HAS_WORD.search(stripped):
            continue  # a line of markup only ('* __', '* * *', '---') says nothing
        starts_block = bool(_BLOCK_START.match(stripped))
        # html2text soft-wraps headings and list items too: a line right after one continues it.
        if previous_kind in {"text", "block"} and not starts_block:
            out[-1] = _joins(out[-1], stripped)
            continue
        out.append(stripped)
        previous_kind = "block" if starts_block else "text"
    return _squeeze_blank_lines("\n".join(out))


def _starts_code(stripped: str, previous_kind: str) -> bool:
    """An indented line is code inside a code block, or after a blank line unless it is a nested list item."""
    if previous_kind in {"code", "code-gap"}:
        return True
    return previous_kind == "blank" and not _LIST_ITEM.match(stripped)


def clean_code(text: str) -> str:
    """Clean source code: lines and indentation kept, trailing spaces and long runs of blank lines removed."""
    text = normalize_unicode(text, keep_symbols=True).expandtabs(4)
    return _squeeze_blank_lines("\n".join(line.rstrip() for line in text.split("\n")))


def _squeeze_blank_lines(text: str) -> str:
    return _EXTRA_BLANK_LINES.sub("\n" * (_MAX_BLANK_LINES_PROSE + 1), text).strip("\n").rstrip()

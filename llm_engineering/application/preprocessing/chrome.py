"""Platform chrome: the buttons, share widgets, subscribe prompts, cookie banners and footers that crawled
Substack and Medium pages carry around the author's text ("Share this post", "Copy link", "Sign in").

Works on cleaned prose (one paragraph a line). A line is removed when it is chrome as a whole; the share
widget's targets (Facebook, Email, Note, ...) only right after "Share this post" or "Copy link"; a bare count
(likes, comments) only right before chrome; and the comments section, recommendations and footer after their
heading. Inside a line, only runs of glued buttons ("Open in appSign upSign in", what a page without spaces
between its buttons reads as) are cut, never a single word, so "sign up for the course" stays.
"""

from __future__ import annotations

import re

# Whole lines that are chrome (compared casefolded, without markdown markers and trailing punctuation).
CHROME_LINES = frozenset(
    {
        "share this post",
        "copy link",
        "share",
        "subscribe",
        "subscribe now",
        "subscribesign in",
        "sign in",
        "sign up",
        "sign upsign in",
        "member-only story",
        "open in app",
        "get the app",
        "start writingget the app",
        "listen",
        "follow",
        "following",
        "restack",
        "restacks",
        "like",
        "comment",
        "comments",
        "leave a comment",
        "discussions",
        "no posts",
        "ready for more",
        "previous",
        "next",
        "previousnext",
        "top",
        "latest",
        "top highlight",
        "write",
        "substack is the home for great culture",
        "privacy ∙ terms ∙ collection notice",
        "see more recommendations",
        "this site requires javascript to run correctly. please turn on javascript or unblock scripts",
    }
)
# After "Share this post" or "Copy link": the share widget's targets.
SHARE_TARGETS = frozenset(
    {
        "facebook",
        "email",
        "note",
        "other",
        "twitter",
        "x",
        "linkedin",
        "reddit",
        "whatsapp",
        "threads",
        "share",
    }
)
# Headings after which the rest of the text is the platform's, not the author's.
TAIL_HEADINGS = frozenset({"discussion about this post", "recommended from medium"})

_CHROME_LINE_PATTERNS = [
    re.compile(r"^© ?\d{4}\b.{0,80}$"),  # copyright footer
    re.compile(r"^thanks for reading\b.{0,120}\b(subscribe|support)\b.{0,120}$"),
    re.compile(r"^(?:·\s*)?\d{1,3} min read$"),
    re.compile(r"^written by\b.{1,60}$"),
    re.compile(r"^see all from\b.{1,60}$"),
    re.compile(r"^responses? \(\d+\)$"),
    re.compile(r"^help ?status ?about ?careers.{0,80}$"),
]
_COOKIE_BANNER = re.compile(
    r"\bcookies?\b.*\b(?:we use|this (?:site|website) uses|accept|consent|by using|privacy policy|"
    r"preferences|settings)\b|\b(?:we use|by using|accept(?: all)?)\b.*\bcookies?\b"
)
_MAX_BANNER_CHARS = 400
# Two or more buttons glued together ("Open in appSign upSign inWrite"), each followed by no lowercase letter.
_GLUED_BUTTONS = re.compile(
    r"(?:(?:Open in app|Sign up|Sign in|Write|Listen|Share|Follow|Top highlight|Member-only story|Get the app)"
    r"(?![a-z])){2,}"
)
_GLUED_CHROME = [
    re.compile(r"·\s*Follow(?![a-z])"),
    re.compile(r"·\s*\d{1,3} min read(?=·|\s|$)"),
    re.compile(r"(?:Help)?Status ?About ?Careers ?Press ?Blog ?Privacy ?Terms ?Text to speech ?Teams"),
    re.compile(r"To make Medium work, we log user data\.[^\n]{0,200}?cookie policy\."),
]
# Medium's end of story, glued to the text (no space before it): author box, more stories, recommendations.
_GLUED_TAIL = re.compile(
    r"(?:See all from |Recommended from Medium|Sign up to discover human stories|(?<=[a-z.!?)])(?:Written by|More from) [A-Z]).*$"
)
_MARKERS = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+|>\s*)+|[*_`]+")
_NUMBER = re.compile(r"^[\d.,]+[km]?$")


def _key(line: str) -> str:
    """The line as compared with the chrome lists: markers, emphasis and trailing punctuation removed."""
    return " ".join(_MARKERS.sub("", line.strip()).split()).casefold().rstrip(" .!?:")


def is_chrome_line(line: str) -> bool:
    key = _key(line)
    if not key:
        return False
    if key in CHROME_LINES or any(pattern.match(key) for pattern in _CHROME_LINE_PATTERNS):
        return True
    return len(key) <= _MAX_BANNER_CHARS and bool(_COOKIE_BANNER.search(key))


def _strip_glued(line: str) -> tuple[str, int]:
    removed = 0
    for pattern in (_GLUED_BUTTONS, *_GLUED_CHROME, _GLUED_TAIL):
        line, count = pattern.subn("", line)
        removed += count
    return line, removed


def remove_chrome(text: str) -> tuple[str, int]:
    """The text without platform chrome, and how many pieces of chrome were removed."""
    lines = text.split("\n")
    kept: list[str] = []
    removed = 0
    index = 0
    while index < len(lines):
        line, key = lines[index], _key(lines[index])
        index += 1
        if not key:
            kept.append(line)
            continue
        if key in TAIL_HEADINGS:
            removed += 1 + sum(1 for rest in lines[index:] if rest.strip())
            break
        if key in {"share this post", "copy link"}:
            end = _skip_share_widget(lines, index, key)
            removed += 1 + sum(1 for skipped in lines[index:end] if skipped.strip())
            index = end
            continue
        if is_chrome_line(line) or (_NUMBER.match(key) and _chrome_follows(lines, index)):
            removed += 1
            continue
        line, glued = _strip_glued(line)
        removed += glued
        if not glued or line.strip():
            kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n"), removed


def _next_keys(lines: list[str], index: int, count: int) -> list[tuple[int, str]]:
    """The next `count` non-blank lines from `index`: (position, key)."""
    found = []
    for position in range(index, len(lines)):
        if lines[position].strip():
            found.append((position, _key(lines[position])))
            if len(found) == count:
                break
    return found


def _skip_share_widget(lines: list[str], index: int, key: str) -> int:
    """Past the share widget: after "Share this post", its caption (the post's title and the site's domain)
    when "Copy link" follows within three lines, then the share targets."""
    upcoming = _next_keys(lines, index, 3)
    if key == "share this post":
        copy = next((position for position, found in upcoming if found == "copy link"), None)
        if copy is not None:
            index = copy + 1
    while (following := _next_keys(lines, index, 1)) and following[0][1] in SHARE_TARGETS | {"copy link"}:
        index = following[0][0] + 1
    return index


def _chrome_follows(lines: list[str], index: int) -> bool:
    """A bare number (a like or comment count) is chrome when chrome comes right after it."""
    following = _next_keys(lines, index, 1)
    return bool(following) and (
        following[0][1] in TAIL_HEADINGS
        or following[0][1] in {"share this post", "copy link"}
        or is_chrome_line(lines[following[0][0]])
    )

"""Bot walls: a page that stands between a script and the author's text, told from the response itself.

Challenge interstitials (Cloudflare's "Just a moment...", "verify you are human"), captchas, and login or
members-only walls are answered with 403/503 or even 200. Such a page must never be stored as the author's
text: the crawler raises `BlockedError`, the crawl report lists the link as `blocked` with a hint (the feed,
or the platform's data export), and the run goes on.

A page is a wall when its title is an interstitial's, when it carries a login wall's call to action ("Create
an account to read the full story"), when it shows a challenge sentence ("verify you are human") with little
text around it (an article that quotes one is long) or on an error status (401/403/429/503), or when a
challenge script or captcha comes with an error status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from llm_engineering.domain.exceptions import CrawlError

# Markers compared lower-cased. Scripts and widgets of challenge services also sit on ordinary pages
# (Cloudflare injects its challenge-platform script, Medium a reCAPTCHA for signing in): they count only on an
# error status. The sentences an interstitial shows count on a short page too.
CHALLENGE_SCRIPT_MARKERS = (
    "cf-chl",
    "cf_chl_opt",
    "challenge-platform",
    "cf-browser-verification",
    "_incapsula_resource",
    "px-captcha",
    "captcha-delivery.com",
)
CAPTCHA_MARKERS = ("g-recaptcha", "recaptcha/api.js", "h-captcha", "hcaptcha.com", "cf-turnstile")
CHALLENGE_SENTENCES = (
    "checking your browser before accessing",
    "checking if the site connection is secure",
    "enable javascript and cookies to continue",
    "verify you are human",
    "verifying you are human",
    "please complete the security check",
    "ddos protection by",
)
LOGIN_MARKERS = (
    "create an account to read the full story",
    "the author made this story available to medium members only",
    "sign in to continue reading",
    "sign in to read the full story",
    "log in to continue reading",
    "you must be logged in to read",  # not "... to post a comment", which ordinary blog pages show
    "you must be logged in to view",
    "this post is for paid subscribers",
    "this post is for paying subscribers",
    "subscribe to continue reading",
    "become a member to read this story",
)
CHALLENGE_TITLES = ("just a moment...", "attention required! | cloudflare", "access denied", "security check")
WALL_STATUSES = frozenset({401, 403, 429, 503})
# Visible text below this is a page that says little besides its marker (an interstitial, a preview).
SHORT_PAGE_CHARS = 3000

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Wall:
    kind: str  # "challenge" | "captcha" | "login wall"
    marker: str


class BlockedError(CrawlError):
    """A bot wall answered instead of the page. Not retried (it answers the same way), reported as `blocked`
    with `hint` saying what to use instead."""

    def __init__(self, message: str, *, hint: str) -> None:
        super().__init__(message, transient=False)
        self.hint = hint


def detect_wall(status: int, html: str) -> Wall | None:
    """The wall `html` (answered with `status`) is, or None when it looks like an ordinary page."""
    lowered = " ".join(html.lower().split())
    title_match = _TITLE.search(lowered)
    title = title_match.group(1).strip() if title_match else ""
    if title in CHALLENGE_TITLES:
        return Wall("challenge", f"title '{title}'")
    login = _first(lowered, LOGIN_MARKERS)
    if login:  # a paywall's call to action is never part of an article; a long preview is still a wall
        return Wall("login wall", login)
    sentence = _first(lowered, CHALLENGE_SENTENCES)
    if sentence and (status in WALL_STATUSES or _visible_chars(lowered) < SHORT_PAGE_CHARS):
        return Wall("challenge", sentence)
    if status in WALL_STATUSES:
        if script := _first(lowered, CHALLENGE_SCRIPT_MARKERS):
            return Wall("challenge", script)
        if captcha := _first(lowered, CAPTCHA_MARKERS):
            return Wall("captcha", captcha)
    return None


def _first(lowered: str, markers: tuple[str, ...]) -> str | None:
    return next((marker for marker in markers if marker in lowered), None)


def _visible_chars(lowered: str) -> int:
    return len(" ".join(_TAGS.sub(" ", lowered).split()))


def wall_hint(link: str) -> str:
    """What to do instead, for the link's platform."""
    parts = urlsplit(link)
    host = (parts.hostname or "").removeprefix("www.")
    if host == "medium.com" or host.endswith(".medium.com"):
        user = next((segment for segment in parts.path.split("/") if segment.startswith("@")), "@YOUR_NAME")
        return (
            f"crawl the author's feed (https://medium.com/feed/{user}), or add your Medium export zip "
            "(Settings > Security and apps > Download your information) as a link"
        )
    if host.endswith(".substack.com"):
        return (
            f"crawl the newsletter's feed (https://{host}/feed), or add Substack's export "
            "(from the publication's settings; unzip it and add the folder) as a link"
        )
    return "crawl the site's RSS or Atom feed (often /feed or /rss), or add the platform's data export"


def blocked_error(link: str, status: int, wall: Wall) -> BlockedError:
    return BlockedError(
        f"{link} answered with a {wall.kind} (HTTP {status}, {wall.marker}), not the page",
        hint=wall_hint(link),
    )

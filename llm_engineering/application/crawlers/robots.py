"""robots.txt rules per origin, fetched once each with a short timeout; unreachable means allowed."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3
from loguru import logger

from llm_engineering.infrastructure.redaction import mask_uri

ROBOTS_TIMEOUT_S = 5.0
ROBOTS_MAX_BYTES = 512_000
DISALLOWED_BY_ROBOTS = "disallowed by robots.txt"


class RobotsTxt:
    """robots.txt rules per origin, fetched once each (thread-safe) with a short timeout."""

    def __init__(self, user_agent: str, timeout_s: float) -> None:
        self.user_agent = user_agent
        self.timeout_s = timeout_s
        self._parsers: dict[str, RobotFileParser] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def allowed(self, link: str) -> bool:
        parts = urlsplit(link)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        with origin_lock:  # other links of the origin wait for the first fetch instead of fetching again
            if origin not in self._parsers:
                self._parsers[origin] = self._fetch(origin)
        return self._parsers[origin].can_fetch(self.user_agent, link)

    def _fetch(self, origin: str) -> RobotFileParser:
        url = f"{origin}/robots.txt"
        parser = RobotFileParser(url)
        try:
            with requests.get(
                url, timeout=self.timeout_s, stream=True, headers={"User-Agent": self.user_agent}
            ) as response:
                status = response.status_code
                body = response.raw.read(ROBOTS_MAX_BYTES, decode_content=True) if status < 400 else b""
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            logger.debug(
                f"robots.txt of {mask_uri(origin)} unreachable ({type(error).__name__}): crawling is allowed."
            )
            parser.allow_all = True
            return parser
        # As urllib.robotparser does: 401/403 forbid everything, any other error allows everything.
        if status in (401, 403):
            parser.disallow_all = True
        elif status >= 400:
            parser.allow_all = True
        else:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser

"""CrawlerDispatcher: which crawler handles a link.

Routing, most specific first:
0. profile shortcuts: a Medium profile (medium.com/@user) or a Substack home (name.substack.com) is crawled
   through its feed (`profiles.py`);
1. registered routes (a domain such as "medium.com", which also matches its subdomains, or an origin with
   an optional path prefix such as "http://127.0.0.1:8000" or "file:///tmp/repos"), longest match wins;
2. local paths and `file://` URLs: a `.csv` file is a LinkedIn data export, a `.zip` file a Medium data
   export, anything else (a file or a folder of Markdown/HTML/text) the local-files crawler;
3. any other http(s) link: the custom article crawler (Substack domains are registered to it by default,
   with platform "substack"); a link that answers with an RSS or Atom feed brings in every post of it.

Links are validated first: a malformed URL, an unsupported scheme or a URL without a host raises
`UnsupportedLinkError` saying what is wrong. Selenium-based crawlers are imported only when registered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Self
from urllib.parse import urlsplit, urlunsplit

from llm_engineering.application.crawlers.base import BaseCrawler
from llm_engineering.application.crawlers.config import DEFAULT_CRAWL, CrawlConfig
from llm_engineering.application.crawlers.custom_article import CustomArticleCrawler, SubstackCrawler
from llm_engineering.application.crawlers.linkedin_export import LinkedInExportCrawler
from llm_engineering.application.crawlers.local_files import LocalFilesCrawler
from llm_engineering.application.crawlers.medium_export import MediumExportCrawler
from llm_engineering.application.crawlers.profiles import ProfileFeedCrawler, is_profile_link
from llm_engineering.application.fetching.local import file_link, is_file_link, to_local_path
from llm_engineering.domain.exceptions import UnsupportedLinkError

WEB_SCHEMES = frozenset({"http", "https"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# "www.site.com/..." or "site.com/post": a web address typed without its scheme.
_BARE_DOMAIN = re.compile(r"^(?:www\.[^/\s]+|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}/)")
# A host name or IPv4 address; IPv6 literals come bracketed and are checked by urlsplit.
_HOSTNAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-_]{0,62}\.?)*$")


@dataclass(frozen=True)
class _Route:
    scheme: str | None  # None: a bare domain, matching http and https
    host: str
    port: int | None
    path_prefix: str
    crawler_cls: type[BaseCrawler]

    def matches(self, scheme: str, host: str, port: int | None, path: str) -> bool:
        if self.scheme is None:
            return scheme in WEB_SCHEMES and (host == self.host or host.endswith("." + self.host))
        return (
            scheme == self.scheme
            and host == self.host
            and port == self.port
            and (path == self.path_prefix or path.startswith(self.path_prefix.rstrip("/") + "/"))
        )

    @property
    def key(self) -> tuple[str | None, str, int | None, str]:
        return (self.scheme, self.host, self.port, self.path_prefix)

    @property
    def specificity(self) -> tuple[int, int]:
        return (self.scheme is not None, len(self.path_prefix) + len(self.host))


def _default_port(scheme: str) -> int | None:
    return {"http": 80, "https": 443}.get(scheme)


def _split(link: str) -> tuple[str, str, int | None, str]:
    """(scheme, host, port, path) of a validated, normalised link; the port is explicit."""
    parts = urlsplit(link)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port or _default_port(scheme)
    return scheme, host, port, parts.path or "/"


def _validate_web_url(link: str) -> str:
    try:
        parts = urlsplit(link)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError as error:  # bad IPv6 literal, non-numeric or out-of-range port
        raise UnsupportedLinkError(f"Malformed URL {link!r}: {error}.") from error
    if not parts.netloc or not parts.hostname:
        raise UnsupportedLinkError(f"The URL {link!r} has no host; write it as https://host/path.")
    if not port_ok:
        raise UnsupportedLinkError(f"Malformed URL {link!r}: the port is out of range.")
    host = parts.hostname
    if not (host.startswith("[") or ":" in host or _HOSTNAME.match(host)):
        raise UnsupportedLinkError(f"Malformed URL {link!r}: {host!r} is not a valid host name.")
    # The fragment never reaches the server: drop it so page#a and page#b are crawled once.
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, parts.query, ""))


class CrawlerDispatcher:
    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self.register_substack()  # routed by default

    @classmethod
    def build(cls) -> Self:
        return cls()

    # --- registration ------------------------------------------------------------------------------------

    def register(self, domain_or_origin: str, crawler_cls: type[BaseCrawler]) -> Self:
        """Route a domain ("medium.com", also its subdomains) or an origin with an optional path prefix
        ("http://127.0.0.1:8000", "file:///tmp/repos") to `crawler_cls`. A later registration of the same
        key replaces the earlier one."""
        route = self._route(domain_or_origin.strip(), crawler_cls)
        self._routes = [r for r in self._routes if r.key != route.key]
        self._routes.append(route)
        return self

    def register_medium(self) -> Self:
        # Selenium: imported on demand.
        from llm_engineering.application.crawlers.medium import MediumCrawler

        return self.register("medium.com", MediumCrawler)

    def register_linkedin(self) -> Self:
        # Selenium: imported on demand.
        from llm_engineering.application.crawlers.linkedin import LinkedInCrawler

        return self.register("linkedin.com", LinkedInCrawler)

    def register_github(self) -> Self:
        from llm_engineering.application.crawlers.github import GithubCrawler

        return self.register("github.com", GithubCrawler)

    def register_substack(self) -> Self:
        """Route Substack to its crawler. The constructor calls this, so Substack is routed by default."""
        return self.register("substack.com", SubstackCrawler)

    @staticmethod
    def _route(key: str, crawler_cls: type[BaseCrawler]) -> _Route:
        if "://" not in key:
            domain = key.lower().removeprefix("www.").strip("/")
            if not domain or "/" in domain:
                raise ValueError(
                    f"Register a domain ('medium.com') or an origin ('http://host:port'), not {key!r}."
                )
            return _Route(None, domain, None, "/", crawler_cls)
        if is_file_link(key):
            return _Route("file", "", None, to_local_path(key).as_posix(), crawler_cls)
        scheme, host, port, path = _split(_validate_web_url(key))
        return _Route(scheme, host, port, path, crawler_cls)

    # --- routing -----------------------------------------------------------------------------------------

    @staticmethod
    def normalize(link: str) -> str:
        """The canonical form of `link` (validated): local paths become absolute `file://` URIs, relative
        ones resolved against the project root; web URLs lose their fragment. Raises UnsupportedLinkError."""
        if not isinstance(link, str) or not link.strip():
            raise UnsupportedLinkError(
                f"Empty link {link!r}: give an http(s) URL, a file:// URL or a local path."
            )
        link = link.strip()
        match = _SCHEME.match(link)
        # A one-letter "scheme" is a Windows drive (C:\...), i.e. a local path.
        scheme = match.group(1).lower() if match and len(match.group(1)) > 1 else None
        if scheme is None or scheme == "file":
            path = to_local_path(link)
            if scheme is None and not path.exists() and _BARE_DOMAIN.match(link):
                raise UnsupportedLinkError(
                    f"{link!r} has no scheme and is no local file: did you mean https://{link}?"
                )
            return file_link(path)
        if scheme not in WEB_SCHEMES:
            raise UnsupportedLinkError(
                f"Unsupported link {link!r}: the scheme '{scheme}:' cannot be crawled; "
                "use an http(s) URL, a file:// URL or a local path."
            )
        return _validate_web_url(link)

    def crawler_class(self, link: str) -> type[BaseCrawler]:
        """The crawler class for `link` (validated and normalised first)."""
        link = self.normalize(link)
        if is_profile_link(link):
            return ProfileFeedCrawler
        scheme, host, port, path = _split(link)
        if scheme == "file":
            path = to_local_path(link).as_posix()
        candidates = [route for route in self._routes if route.matches(scheme, host, port, path)]
        if candidates:
            return max(candidates, key=lambda route: route.specificity).crawler_cls
        if scheme == "file":
            suffix = path.lower().rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
            return {"csv": LinkedInExportCrawler, "zip": MediumExportCrawler}.get(suffix, LocalFilesCrawler)
        return CustomArticleCrawler

    def get_crawler(self, link: str, config: CrawlConfig = DEFAULT_CRAWL) -> BaseCrawler:
        """A new instance of the crawler for `link` (validated first). Crawl `normalize(link)` with it."""
        return self.crawler_class(link).from_config(config)

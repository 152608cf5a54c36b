"""Masking secrets before they reach a log line or an error message."""

from urllib.parse import urlsplit, urlunsplit


def mask_uri(uri: str) -> str:
    """`mongodb://user:pw@host:27017/db` -> `mongodb://user:***@host:27017/db`; other strings unchanged."""
    parts = urlsplit(uri)
    if not parts.password:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def describe_host(uri: str) -> str:
    """The host part of a URI, for messages such as 'cannot reach 127.0.0.1:27017'."""
    netloc = urlsplit(uri).netloc
    return netloc.rsplit("@", 1)[-1] or uri

"""Masking secrets before they reach a log line, an error message or stored metadata."""


def _split_userinfo(uri: str) -> tuple[str, str | None, str]:
    """(scheme://, user info or None, rest). The user info ends at the last '@' of the authority; a password
    may hold an unescaped '/' ("user:pa/ss@host"), but an '@' in a path ("medium.com/@name") is not one."""
    scheme, separator, rest = uri.partition("://")
    if not separator:
        return "", None, uri
    ats = [position for position, char in enumerate(rest) if char == "@"]
    # An authority without "/" first (the last "@" in it ends the user info: "u:p@ss@host"), ...
    plain = [position for position in ats if "/" not in rest[:position]]
    if plain:
        return scheme + separator, rest[: plain[-1]], rest[plain[-1] + 1 :]
    # ... else a password with an unescaped "/" ("user:pa/ss@host"); "host:8080/..." is a port, not one.
    for position in reversed(ats):
        user, colon, secret = rest[:position].split("/", 1)[0].partition(":")
        if colon and user and not secret.isdigit():
            return scheme + separator, rest[:position], rest[position + 1 :]
    return scheme + separator, None, rest


def mask_uri(uri: str) -> str:
    """`mongodb://user:pw@host:27017/db` -> `mongodb://user:***@host:27017/db`; a URI without user info
    is returned unchanged, and a token without a user name (`https://token@host`) is masked whole."""
    scheme, userinfo, rest = _split_userinfo(uri)
    if userinfo is None:
        return uri
    user, has_password, _ = userinfo.partition(":")
    return f"{scheme}{user + ':***' if has_password else '***'}@{rest}"


def strip_credentials(uri: str) -> str:
    """The URI without its user info, for links that are stored: `https://u:t@host/x` -> `https://host/x`."""
    scheme, userinfo, rest = _split_userinfo(uri)
    return uri if userinfo is None else scheme + rest


def redact(text: str, link: str) -> str:
    """`text` (an error message, a log line) with the credentials of `link` masked wherever they appear."""
    _, userinfo, _ = _split_userinfo(link)
    if not userinfo:
        return text
    text = text.replace(link, mask_uri(link))
    secret = userinfo.partition(":")[2] or userinfo  # the password, or a token given alone
    if len(secret) >= 3:  # anywhere else it appears (a host:port message, a quoted URL)
        text = text.replace(secret, "***")
    return text


def describe_host(uri: str) -> str:
    """The host part of a URI, for messages such as 'cannot reach 127.0.0.1:27017'."""
    _, _, rest = _split_userinfo(uri)
    return rest.split("/", 1)[0].split("?", 1)[0] or uri

"""Masking secrets before they reach a log line, an error message or stored metadata, and personal data and
secrets in free text (`mask_sensitive`) before it is cleaned into training data."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable


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


# --- personal data and secrets in free text -----------------------------------------------------------------
# Typed placeholders, so a model trained on the text learns that "an e-mail address goes here" without
# learning one. Each pattern names a shape that real words do not take (a provider's token prefix, an
# address with "@" and a domain); the precision on real articles is measured by tools/bench_hygiene.py.

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
SECRET = "[SECRET]"
PRIVATE_KEY = "[PRIVATE_KEY]"

_PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----.*?"
    r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|(?=\n[ \t]*\n)|\Z)",
    re.DOTALL,
)
# Provider tokens: the whole match is the secret.
_PROVIDER_TOKENS = re.compile(
    "|".join(
        [
            r"(?<![\w-])sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}",  # OpenAI (and Anthropic)
            r"\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[0-9A-Z]{16}\b",  # AWS access key ids
            r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b",  # GitHub tokens
            r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b",  # GitHub fine-grained tokens
            r"\bhf_[A-Za-z0-9]{30,}\b",  # Hugging Face
            r"\bxox[abposre]-[A-Za-z0-9-]{10,}",  # Slack tokens
            r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+",  # Slack webhooks
            r"\bAIza[0-9A-Za-z_-]{35}(?![\w-])",  # Google API keys
            r"\bGOCSPX-[A-Za-z0-9_-]{20,}",  # Google OAuth client secrets
            r"\bya29\.[0-9A-Za-z_-]{20,}",  # Google OAuth access tokens
            r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b",  # Stripe
            r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # JSON Web Tokens
        ]
    )
)
# A token after "Bearer" (an Authorization header in code): letters and digits mixed, 16+ characters.
_BEARER = re.compile(r"(?i)\b(bearer\s+)(?=[A-Za-z0-9._~+/-]*\d)([A-Za-z0-9._~+/-]{16,}=*)")
# An AWS secret access key after its name.
_AWS_SECRET = re.compile(
    r"(?i)(aws_secret_access_key|secret_access_key)([\"']?\s*[:=]\s*[\"']?)([A-Za-z0-9/+=]{40})"
)
# A quoted value assigned to a secret-like name (`api_key = "..."`); masked only when it looks random.
_ASSIGNED_SECRET = re.compile(
    r"(?i)\b((?:api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|password|passwd|"
    r"token|secret)[\"']?\s*[:=]\s*)([\"'])([^\"'\s]{12,})\2"
)
_EMAIL = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.([A-Za-z]{2,24})\b"
)
_NOT_EMAIL_USERS = frozenset({"git"})  # git@github.com:org/repo is an SSH remote, not a person
_FILE_SUFFIXES = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "pdf", "js", "css", "py", "ts"})
# International numbers (+ country code) and the North American form; 9 to 15 digits.
_PHONE = re.compile(
    r"(?<![\w+.])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}"
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}([.-])\d{3}\1\d{4})(?![\w.]*\d)"
)


def _looks_random(value: str) -> bool:
    lowered = value.lower()
    if any(word in lowered for word in ("your", "xxx", "<", "{", "environ", "getenv", "example", "***")):
        return False
    return any(char.isdigit() for char in value) and any(char.isalpha() for char in value)


def _email(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.split("@", 1)[0].lower() in _NOT_EMAIL_USERS or match.group(1).lower() in _FILE_SUFFIXES:
        return text
    return EMAIL


def _phone(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match.group(0))
    return PHONE if 9 <= digits <= 15 else match.group(0)


def mask_sensitive(text: str) -> tuple[str, Counter[str]]:
    """`text` with private keys, provider tokens, bearer tokens, e-mail addresses and phone numbers replaced by
    typed placeholders, and how many of each were replaced."""
    counts: Counter[str] = Counter()

    def counted(placeholder: str, replace: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
        def substitute(match: re.Match[str]) -> str:
            replaced = replace(match)
            if replaced != match.group(0):
                counts[placeholder] += 1
            return replaced

        return substitute

    text = _PRIVATE_KEY_BLOCK.sub(counted(PRIVATE_KEY, lambda m: PRIVATE_KEY), text)
    text = _PROVIDER_TOKENS.sub(counted(SECRET, lambda m: SECRET), text)
    text = _AWS_SECRET.sub(counted(SECRET, lambda m: m.group(1) + m.group(2) + SECRET), text)
    text = _BEARER.sub(counted(SECRET, lambda m: m.group(1) + SECRET), text)
    text = _ASSIGNED_SECRET.sub(
        counted(
            SECRET,
            lambda m: (
                m.group(1) + m.group(2) + SECRET + m.group(2) if _looks_random(m.group(3)) else m.group(0)
            ),
        ),
        text,
    )
    text = _EMAIL.sub(counted(EMAIL, _email), text)
    text = _PHONE.sub(counted(PHONE, _phone), text)
    return text, counts

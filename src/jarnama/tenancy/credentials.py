"""Credential formats: API keys `jk_<prefix>_<secret>` and session tokens `js_<secret>`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

API_KEY_MARK = "jk"
SESSION_MARK = "js"
_PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A freshly made API key: the full text is shown once, only the hash is stored."""

    prefix: str
    plaintext: str
    secret_hash: str


def digest(text: str) -> str:
    """SHA-256 of a high-entropy credential (argon2 is for low-entropy passwords only)."""
    return hashlib.sha256(text.encode()).hexdigest()


def issue_api_key(plaintext: str | None = None) -> IssuedKey:
    """Make a new API key, or adopt a given one (demo keys fixed by configuration)."""
    if plaintext is None:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(10))
        plaintext = f"{API_KEY_MARK}_{prefix}_{secrets.token_urlsafe(30)}"
    parsed = parse_api_key_prefix(plaintext)
    if parsed is None:
        raise ValueError("an API key looks like jk_<prefix>_<secret> with a 6-32 character prefix")
    return IssuedKey(prefix=parsed, plaintext=plaintext, secret_hash=digest(plaintext))


def parse_api_key_prefix(text: str) -> str | None:
    """The public prefix of an API key, or None if the text is not shaped like one."""
    mark, sep, rest = text.partition("_")
    prefix, sep2, secret = rest.partition("_")
    if mark != API_KEY_MARK or not sep or not sep2:
        return None
    if not (6 <= len(prefix) <= 32 and prefix.isalnum() and len(secret) >= 16):
        return None
    return prefix


def matches(plaintext: str, stored_hash: str) -> bool:
    """Constant-time check of a presented credential against its stored hash."""
    return hmac.compare_digest(digest(plaintext), stored_hash)


def new_session_token() -> str:
    """A new opaque session token."""
    return f"{SESSION_MARK}_{secrets.token_urlsafe(32)}"

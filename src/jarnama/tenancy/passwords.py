"""Passwords: argon2id hashes, a minimum length, and verification that takes the same time
whether or not the account exists."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jarnama.core.errors import InvalidInput

MIN_LENGTH = 10
# Long enough for any passphrase, short enough that hashing a hostile body stays cheap.
MAX_LENGTH = 1024

# argon2-cffi's RFC 9106 low-memory profile (argon2id, t=3, m=64 MiB): ~50 ms per hash on one core.
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a miss costs as much as a wrong password;
# made on first use so importing the package does not pay for a hash.
_dummy_hash: str | None = None


def hasher() -> PasswordHasher:
    """The hasher in use (tests swap in a cheap one through `use_hasher`)."""
    return _hasher


def use_hasher(replacement: PasswordHasher) -> PasswordHasher:
    """Swap the hasher (tests only: cheap parameters); returns the previous one."""
    global _hasher, _dummy_hash
    previous = _hasher
    _hasher = replacement
    _dummy_hash = None
    return previous


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("jarnama-timing-equaliser")
    return _dummy_hash


def validate(password: str) -> None:
    """Raise `InvalidInput` naming `password` unless it is acceptable."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"password must be at least {MIN_LENGTH} characters long", field="password"
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_LENGTH} characters", field="password")


def hash_password(password: str) -> str:
    """Validate a new password and return its argon2id hash."""
    validate(password)
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no stored hash a dummy one is checked (same cost)."""
    try:
        return _hasher.verify(stored_hash or _dummy(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(stored_hash)

"""Passwords: argon2id, a minimum length, and the same cost whether or not the user exists."""

from __future__ import annotations

from typing import Literal

import pytest
from argon2 import PasswordHasher

from jarnama.core.errors import InvalidInput
from jarnama.tenancy import passwords


def test_short_password_names_the_field() -> None:
    with pytest.raises(InvalidInput) as info:
        passwords.hash_password("123456789")
    assert info.value.field == "password"
    assert "10" in info.value.message


def test_production_hash_is_argon2id_with_default_cost() -> None:
    passwords.use_hasher(PasswordHasher())  # the fixture restores the cheap one afterwards
    stored = passwords.hash_password("a long enough secret")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify(stored, "a long enough secret")
    assert not passwords.verify(stored, "a long enough secreT")
    assert not passwords.needs_rehash(stored)


def test_unknown_user_costs_one_verification_like_a_wrong_password() -> None:
    calls: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            calls.append("verify")
            return super().verify(hash, password)

    passwords.use_hasher(CountingHasher())
    stored = passwords.hash_password("a long enough secret")
    assert not passwords.verify(None, "a long enough secret")
    assert not passwords.verify(stored, "wrong but long enough")
    assert calls == ["verify", "verify"]


def test_cheap_hashes_ask_for_a_rehash_under_the_real_parameters() -> None:
    cheap = passwords.hash_password("a long enough secret")
    passwords.use_hasher(PasswordHasher())
    assert passwords.needs_rehash(cheap)

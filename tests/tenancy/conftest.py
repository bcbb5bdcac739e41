"""Tenancy test fixtures: cheap argon2 parameters so user-heavy tests stay fast."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tenancy.helpers import cheap_hashing


@pytest.fixture(autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    with cheap_hashing():
        yield

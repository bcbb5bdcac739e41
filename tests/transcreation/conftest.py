"""Fixtures for transcreation tests: Debian's Kazakh dictionary, required on CI."""

from __future__ import annotations

import os

import pytest

from jarnama.transcreation.qa.spelling import SpyllsSpeller, kazakh_speller

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_system(what: str, present: bool) -> None:
    """Skip with the reason printed when a Debian package is absent; fail instead on CI."""
    if present:
        return
    message = f"{what} is not installed (run scripts/system-deps.sh as root)"
    if ON_CI:
        pytest.fail(message + "; CI is set, so these tests must run")
    print(f"\nSKIP: {message}")  # noqa: T201 (the skip reason is printed, as the brief asks)
    pytest.skip(message)


@pytest.fixture(scope="session")
def speller() -> SpyllsSpeller:
    """The hunspell-kk dictionary through spylls."""
    found = kazakh_speller()
    require_system("hunspell-kk", found is not None)
    assert found is not None
    return found

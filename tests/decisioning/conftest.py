"""Fixtures for decisioning tests: the real Redis on loopback, with a unique key prefix per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REDIS_URL = os.environ.get("JARNAMA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def redis_url() -> str:
    """The Redis the tests use; skipped with a printed reason if unreachable (failed on CI)."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis at {REDIS_URL} is not reachable: {type(exc).__name__}: {exc}"
        if ON_CI:
            pytest.fail(message + " (CI is set, so Redis tests must run)")
        print(f"\nSKIP redis tests: {message}")  # noqa: T201 - the reason must be visible
        pytest.skip(message)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix unique to this test; every key under it is deleted afterwards."""
    prefix = f"jarnama-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()

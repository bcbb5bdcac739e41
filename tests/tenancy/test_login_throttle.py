"""Failed console logins are limited per e-mail and per address: 429 with Retry-After."""

from __future__ import annotations

import uuid

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.core.errors import TooManyRequests
from jarnama.tenancy.throttle import (
    InProcessLoginThrottle,
    LoginLimits,
    LoginThrottle,
    RedisLoginThrottle,
    check_login_allowed,
    record_login,
)
from tests import factories
from tests.decisioning.conftest import REDIS_URL
from tests.tenancy.helpers import PASSWORD, user

LOGIN = "/api/v1/auth/login"


def _attempt(client: TestClient, email: str, password: str) -> int:
    return client.post(LOGIN, json={"email": email, "password": password}).status_code


def test_an_email_past_its_failures_is_refused_even_with_the_right_password(
    client: TestClient, session: Session
) -> None:
    acct = factories.account(session)
    user(session, email="aigerim@acme.kz", account_id=acct.id)
    user(session, email="dana@acme.kz", account_id=acct.id)
    limit = client.app.state.settings.auth.login_max_failures  # type: ignore[attr-defined]
    for _ in range(limit):
        assert _attempt(client, "aigerim@acme.kz", "wrong guess") == 401
    refused = client.post(LOGIN, json={"email": " AIGERIM@acme.kz", "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.json() == {
        "error": "too_many_requests",
        "detail": refused.json()["detail"],
        "field": None,
    }
    assert "too many failed logins" in refused.json()["detail"]
    window = client.app.state.settings.auth.login_window_seconds  # type: ignore[attr-defined]
    assert 0 < int(refused.headers["Retry-After"]) <= window
    # Another e-mail from the same address still logs in.
    assert _attempt(client, "dana@acme.kz", PASSWORD) == 200


def test_unknown_emails_are_limited_alike(client: TestClient) -> None:
    limit = client.app.state.settings.auth.login_max_failures  # type: ignore[attr-defined]
    for _ in range(limit):
        assert _attempt(client, "nobody@acme.kz", "guess") == 401
    assert _attempt(client, "nobody@acme.kz", "guess") == 429


def test_a_success_clears_the_emails_failures(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    user(session, email="aigerim@acme.kz", account_id=acct.id)
    limit = client.app.state.settings.auth.login_max_failures  # type: ignore[attr-defined]
    for _ in range(limit - 1):
        assert _attempt(client, "aigerim@acme.kz", "wrong guess") == 401
    assert _attempt(client, "aigerim@acme.kz", PASSWORD) == 200
    for _ in range(limit - 1):  # a fresh allowance after the success
        assert _attempt(client, "aigerim@acme.kz", "wrong guess") == 401
    assert _attempt(client, "aigerim@acme.kz", PASSWORD) == 200


def test_one_address_trying_many_emails_is_limited() -> None:
    now = [0.0]
    throttle = InProcessLoginThrottle(LoginLimits(5, 8, 60), clock=lambda: now[0])
    for n in range(8):
        check_login_allowed(throttle, f"user{n}@acme.kz", "10.0.0.7")
        record_login(throttle, f"user{n}@acme.kz", "10.0.0.7", ok=False)
    with pytest.raises(TooManyRequests) as refused:
        check_login_allowed(throttle, "someone-else@acme.kz", "10.0.0.7")
    assert refused.value.retry_after == 60
    check_login_allowed(throttle, "someone-else@acme.kz", "10.0.0.8")  # other addresses pass
    now[0] = 59.5
    with pytest.raises(TooManyRequests) as later:
        check_login_allowed(throttle, "someone-else@acme.kz", "10.0.0.7")
    assert later.value.retry_after == 1
    now[0] = 60.0  # the window is over
    check_login_allowed(throttle, "someone-else@acme.kz", "10.0.0.7")


@pytest.fixture
def redis_throttle() -> RedisLoginThrottle:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    client.ping()  # the real Redis on this machine (CI starts it); an error fails the test
    return RedisLoginThrottle(client, LoginLimits(3, 10, 30), prefix=f"test:{uuid.uuid4().hex}:")


@pytest.mark.parametrize("kind", ["in-process", "redis"])
def test_both_stores_count_the_same_way(kind: str, redis_throttle: RedisLoginThrottle) -> None:
    throttle: LoginThrottle = (
        redis_throttle if kind == "redis" else InProcessLoginThrottle(LoginLimits(3, 10, 30))
    )
    email, address = "aigerim@acme.kz", "192.0.2.1"
    for _ in range(3):
        check_login_allowed(throttle, email, address)
        record_login(throttle, email, address, ok=False)
    with pytest.raises(TooManyRequests) as refused:
        check_login_allowed(throttle, email, address)
    assert 1 <= refused.value.retry_after <= 30
    record_login(throttle, email, address, ok=True)  # e.g. an admin reset it
    check_login_allowed(throttle, email, address)
    check_login_allowed(throttle, "other@acme.kz", address)  # the address has 3 of 10

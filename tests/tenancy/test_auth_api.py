"""Login, sessions and logout over HTTP."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.core.time import utcnow
from jarnama.tenancy import credentials
from jarnama.tenancy.models import Role, SessionToken, User
from tests import factories
from tests.tenancy.helpers import PASSWORD, last_audit, login_headers, user


def test_login_returns_a_session_token_stored_hashed(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    made = user(session, email="aigerim@acme.kz", account_id=acct.id)
    before = utcnow()
    response = client.post(
        "/api/v1/auth/login", json={"email": " Aigerim@ACME.kz ", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    token = body["token"]
    assert token.startswith("js_")
    assert body["user"]["id"] == made.id
    assert "password" not in str(body["user"])
    stored = session.scalars(select(SessionToken).where(SessionToken.user_id == made.id)).one()
    assert stored.token_hash == credentials.digest(token)
    assert token not in stored.token_hash
    ttl = client.app.state.settings.auth.session_ttl_hours  # type: ignore[attr-defined]
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert before + dt.timedelta(hours=ttl) <= expires <= utcnow() + dt.timedelta(hours=ttl)
    session.expire_all()
    last_login = session.get(User, made.id)
    assert last_login is not None
    assert last_login.last_login_at is not None
    assert last_login.last_login_at >= before
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {
        "actor": f"user:{made.id}",
        "role": "account_admin",
        "account_id": acct.id,
        "account_ids": [acct.id],
        "scopes": ["auctions", "events", "manage", "read"],
    }
    entry = last_audit(session, "session_token")
    assert entry.action == "login"
    assert entry.after is not None
    assert "token_hash" not in entry.after


def test_wrong_email_and_wrong_password_answer_alike(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    user(session, email="aigerim@acme.kz", account_id=acct.id)
    wrong_password = client.post(
        "/api/v1/auth/login", json={"email": "aigerim@acme.kz", "password": "not the password"}
    )
    wrong_email = client.post(
        "/api/v1/auth/login", json={"email": "nobody@acme.kz", "password": PASSWORD}
    )
    assert wrong_password.status_code == wrong_email.status_code == 401
    assert wrong_password.json() == wrong_email.json()
    assert wrong_email.json()["error"] == "unauthenticated"


def test_inactive_user_cannot_log_in(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    made = user(session, email="aigerim@acme.kz", account_id=acct.id)
    made.active = False
    session.commit()
    response = client.post(
        "/api/v1/auth/login", json={"email": "aigerim@acme.kz", "password": PASSWORD}
    )
    assert response.status_code == 401


def test_expired_session_is_401(client: TestClient, session: Session) -> None:
    admin = user(session, email="ops@network.kz", role=Role.NETWORK_ADMIN)
    headers = login_headers(client, admin.email)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    stored = session.scalars(select(SessionToken).where(SessionToken.user_id == admin.id)).one()
    stored.expires_at = utcnow() - dt.timedelta(seconds=1)
    session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_logout_revokes_the_presented_session_only(client: TestClient, session: Session) -> None:
    admin = user(session, email="ops@network.kz", role=Role.NETWORK_ADMIN)
    first = login_headers(client, admin.email)
    second = login_headers(client, admin.email)
    response = client.post("/api/v1/auth/logout", headers=first)
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=first).status_code == 401
    assert client.get("/api/v1/me", headers=second).status_code == 200
    assert last_audit(session, "session_token").action == "logout"


def test_logout_with_an_api_key_is_refused(client: TestClient, session: Session) -> None:
    caller = factories.network_admin(session)
    response = client.post("/api/v1/auth/logout", headers=caller.headers)
    assert response.status_code == 400
    assert client.get("/api/v1/me", headers=caller.headers).status_code == 200


def test_deactivated_account_stops_its_credentials(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    member = user(session, email="aigerim@acme.kz", account_id=acct.id)
    caller = factories.api_caller(session, account_id=acct.id)
    headers = login_headers(client, member.email)
    admin = factories.network_admin(session)
    assert client.get("/api/v1/me", headers=caller.headers).status_code == 200
    patched = client.patch(
        f"/api/v1/accounts/{acct.id}", json={"active": False}, headers=admin.headers
    )
    assert patched.status_code == 200
    assert client.get("/api/v1/me", headers=caller.headers).status_code == 401
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    relogin = client.post("/api/v1/auth/login", json={"email": member.email, "password": PASSWORD})
    assert relogin.status_code == 401


def test_login_body_is_validated(client: TestClient) -> None:
    assert client.post("/api/v1/auth/login", json={"email": "x@y.kz"}).status_code == 422

"""API keys over HTTP: shown once, stored hashed, scoped, revocable at once."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.core.time import utcnow
from jarnama.tenancy import credentials
from jarnama.tenancy.auth import LAST_USED_RESOLUTION
from jarnama.tenancy.models import AccountKind, ApiKey, Role, Scope
from tests import factories
from tests.tenancy.helpers import audit_count, last_audit


def _key_body(**fields: object) -> dict[str, object]:
    return {"name": "checkout", "role": "account_admin", "scopes": ["auctions"], **fields}


def test_key_is_shown_once_and_stored_hashed(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    caller = factories.api_caller(session, account_id=acct.id)
    made = client.post(
        "/api/v1/api-keys", json=_key_body(scopes=["auctions", "read"]), headers=caller.headers
    )
    assert made.status_code == 201
    body = made.json()
    plaintext = body["key"]
    assert plaintext.startswith(f"jk_{body['prefix']}_")
    assert (body["role"], body["account_id"], body["scopes"]) == (
        "account_admin",
        acct.id,
        ["auctions", "read"],
    )
    stored = session.scalars(select(ApiKey).where(ApiKey.id == body["id"])).one()
    assert stored.secret_hash == credentials.digest(plaintext)
    assert plaintext not in str([getattr(stored, c.key) for c in ApiKey.__table__.columns])
    listed = client.get("/api/v1/api-keys", headers=caller.headers)
    assert plaintext not in listed.text
    assert "secret" not in listed.text
    row = next(item for item in listed.json()["items"] if item["id"] == body["id"])
    assert set(row) == {
        "id",
        "prefix",
        "name",
        "role",
        "account_id",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    }
    entry = last_audit(session, "api_key")
    assert entry.after is not None
    assert "secret_hash" not in entry.after
    assert entry.after["prefix"] == body["prefix"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"}).json()
    assert me["scopes"] == ["auctions", "read"]


def test_use_sets_last_used_at(client: TestClient, session: Session) -> None:
    caller = factories.network_admin(session)
    key = session.scalars(select(ApiKey).where(ApiKey.role == Role.NETWORK_ADMIN)).one()
    assert key.last_used_at is None
    before = utcnow()
    assert client.get("/api/v1/me", headers=caller.headers).status_code == 200
    session.expire_all()
    used = session.get(ApiKey, key.id)
    assert used is not None
    assert used.last_used_at is not None
    assert before <= used.last_used_at <= utcnow()
    assert used.last_used_at - before < LAST_USED_RESOLUTION
    listed = client.get("/api/v1/api-keys", headers=caller.headers).json()["items"]
    assert next(r for r in listed if r["id"] == key.id)["last_used_at"] is not None


def test_revoked_key_is_refused_at_once(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    admin = factories.api_caller(session, account_id=acct.id)
    made = client.post("/api/v1/api-keys", json=_key_body(), headers=admin.headers).json()
    headers = {"Authorization": f"Bearer {made['key']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # now cached
    revoked = client.post(f"/api/v1/api-keys/{made['id']}/revoke", headers=admin.headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    entry = last_audit(session, "api_key")
    assert entry.action == "revoke"
    assert entry.before is not None
    assert entry.before["revoked_at"] is None
    assert entry.after is not None
    assert entry.after["revoked_at"] is not None
    count = audit_count(session)
    again = client.post(f"/api/v1/api-keys/{made['id']}/revoke", headers=admin.headers)
    assert again.status_code == 200
    assert audit_count(session) == count


def test_expired_key_is_401(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    caller = factories.api_caller(session, account_id=acct.id)
    key = session.scalars(select(ApiKey).where(ApiKey.account_id == acct.id)).one()
    key.expires_at = utcnow() - dt.timedelta(seconds=1)
    session.commit()
    assert client.get("/api/v1/me", headers=caller.headers).status_code == 401


def test_expiry_must_be_in_the_future(client: TestClient, session: Session) -> None:
    caller = factories.network_admin(session)
    acct = factories.account(session)
    past = (utcnow() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        "/api/v1/api-keys",
        json=_key_body(account_id=acct.id, expires_at=past),
        headers=caller.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "expires_at"


def test_account_admin_limits(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Acme")
    other = factories.account(session, "Other")
    caller = factories.api_caller(session, account_id=acct.id)
    count = audit_count(session)
    network = client.post(
        "/api/v1/api-keys", json=_key_body(role="network_admin"), headers=caller.headers
    )
    assert network.status_code == 403
    foreign = client.post(
        "/api/v1/api-keys", json=_key_body(account_id=other.id), headers=caller.headers
    )
    assert foreign.status_code == 404
    creator = client.post(
        "/api/v1/api-keys", json=_key_body(role="creator"), headers=caller.headers
    )
    assert creator.status_code == 400
    assert audit_count(session) == count
    own = client.post("/api/v1/api-keys", json=_key_body(), headers=caller.headers)
    assert own.status_code == 201
    assert own.json()["account_id"] == acct.id


def test_scopes_are_checked(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    narrow = factories.api_caller(session, account_id=acct.id, scopes=(Scope.MANAGE,))
    wider = client.post(
        "/api/v1/api-keys", json=_key_body(scopes=["manage", "auctions"]), headers=narrow.headers
    )
    assert wider.status_code == 403
    assert wider.json()["field"] == "scopes"
    unknown = client.post(
        "/api/v1/api-keys", json=_key_body(scopes=["root"]), headers=narrow.headers
    )
    assert unknown.status_code == 422
    empty = client.post("/api/v1/api-keys", json=_key_body(scopes=[]), headers=narrow.headers)
    assert empty.status_code == 422


def test_network_admin_key_needs_no_account(client: TestClient, session: Session) -> None:
    caller = factories.network_admin(session)
    acct = factories.account(session)
    network = client.post(
        "/api/v1/api-keys", json=_key_body(role="network_admin"), headers=caller.headers
    )
    assert network.status_code == 201
    assert network.json()["account_id"] is None
    misplaced = client.post(
        "/api/v1/api-keys",
        json=_key_body(role="network_admin", account_id=acct.id),
        headers=caller.headers,
    )
    assert misplaced.status_code == 400
    orphan = client.post("/api/v1/api-keys", json=_key_body(), headers=caller.headers)
    assert orphan.status_code == 400
    assert orphan.json()["field"] == "account_id"
    missing = client.post(
        "/api/v1/api-keys", json=_key_body(account_id=555_555), headers=caller.headers
    )
    assert missing.status_code == 404


def test_creator_issues_creator_keys_only(client: TestClient, session: Session) -> None:
    studio = factories.account(session, "Studio", AccountKind.CREATOR)
    creator = factories.api_caller(session, role=Role.CREATOR, account_id=studio.id)
    ok = client.post("/api/v1/api-keys", json=_key_body(role="creator"), headers=creator.headers)
    assert ok.status_code == 201
    admin = client.post("/api/v1/api-keys", json=_key_body(), headers=creator.headers)
    assert admin.status_code == 403


def test_keys_of_other_accounts_are_invisible(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Acme")
    other = factories.account(session, "Other")
    caller = factories.api_caller(session, account_id=acct.id)
    factories.api_caller(session, account_id=other.id)
    factories.network_admin(session)
    theirs = session.scalars(select(ApiKey).where(ApiKey.account_id == other.id)).one()
    network_key = session.scalars(select(ApiKey).where(ApiKey.account_id.is_(None))).one()
    listed = client.get("/api/v1/api-keys", headers=caller.headers).json()["items"]
    assert {row["account_id"] for row in listed} == {acct.id}
    for hidden in (theirs.id, network_key.id):
        response = client.post(f"/api/v1/api-keys/{hidden}/revoke", headers=caller.headers)
        assert response.status_code == 404
    session.expire_all()
    assert session.get(ApiKey, theirs.id).revoked_at is None  # type: ignore[union-attr]


def test_analyst_cannot_revoke(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    analyst = factories.api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=acct.id)
    key = session.scalars(select(ApiKey).where(ApiKey.account_id == acct.id)).one()
    response = client.post(f"/api/v1/api-keys/{key.id}/revoke", headers=analyst.headers)
    assert response.status_code == 403


def test_auctions_only_key_cannot_read_management_data(
    client: TestClient, session: Session
) -> None:
    acct = factories.account(session)
    serving = factories.api_caller(session, account_id=acct.id, scopes=(Scope.AUCTIONS,))
    assert client.get("/api/v1/api-keys", headers=serving.headers).status_code == 403
    assert client.get("/api/v1/me", headers=serving.headers).status_code == 200

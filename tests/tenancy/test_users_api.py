"""Users over HTTP: who may create, see and change whom."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.tenancy.models import AccountKind, Role
from tests import factories
from tests.tenancy.helpers import PASSWORD, audit_count, last_audit, login_headers, user

NEW_PASSWORD = "a brand new passphrase"


def _new_user(
    role: str, account_id: int | None = None, email: str = "new@acme.kz"
) -> dict[str, object]:
    return {"email": email, "password": PASSWORD, "role": role, "account_id": account_id}


def test_network_admin_creates_users_anywhere(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    admin = factories.network_admin(session)
    made = client.post(
        "/api/v1/users", json=_new_user("account_admin", acct.id), headers=admin.headers
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["account_id"] == acct.id
    assert "password" not in body
    assert "password_hash" not in body
    ops = client.post(
        "/api/v1/users",
        json=_new_user("network_admin", None, "ops@network.kz"),
        headers=admin.headers,
    )
    assert ops.status_code == 201
    assert ops.json()["account_id"] is None
    entry = last_audit(session, "user")
    assert entry.action == "create"
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["email"] == "ops@network.kz"
    assert "password_hash" not in entry.after


def test_network_admin_user_has_no_account(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    admin = factories.network_admin(session)
    response = client.post(
        "/api/v1/users", json=_new_user("network_admin", acct.id), headers=admin.headers
    )
    assert response.status_code == 400
    assert response.json()["field"] == "account_id"


def test_short_password_is_400_naming_password(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    admin = factories.network_admin(session)
    body = {**_new_user("account_admin", acct.id), "password": "short"}
    response = client.post("/api/v1/users", json=body, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["field"] == "password"


def test_duplicate_email_is_409(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    user(session, email="new@acme.kz", account_id=acct.id)
    admin = factories.network_admin(session)
    response = client.post(
        "/api/v1/users",
        json=_new_user("account_admin", acct.id, "NEW@acme.kz"),
        headers=admin.headers,
    )
    assert response.status_code == 409
    assert response.json()["field"] == "email"


def test_account_admin_manages_its_own_account_only(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Acme")
    other = factories.account(session, "Other")
    caller = factories.api_caller(session, account_id=acct.id)
    own = client.post("/api/v1/users", json=_new_user("account_analyst"), headers=caller.headers)
    assert own.status_code == 201
    assert own.json()["account_id"] == acct.id
    foreign = client.post(
        "/api/v1/users",
        json=_new_user("account_analyst", other.id, "x@other.kz"),
        headers=caller.headers,
    )
    assert foreign.status_code == 404
    admin_role = client.post(
        "/api/v1/users", json=_new_user("network_admin", None, "y@acme.kz"), headers=caller.headers
    )
    assert admin_role.status_code == 403
    creator_role = client.post(
        "/api/v1/users", json=_new_user("creator", None, "z@acme.kz"), headers=caller.headers
    )
    assert creator_role.status_code == 400
    assert creator_role.json()["field"] == "role"


def test_creator_role_only_in_creator_accounts(client: TestClient, session: Session) -> None:
    studio = factories.account(session, "Studio", AccountKind.CREATOR)
    caller = factories.api_caller(session, account_id=studio.id)
    response = client.post("/api/v1/users", json=_new_user("creator"), headers=caller.headers)
    assert response.status_code == 201
    assert response.json()["role"] == "creator"


def test_analyst_and_creator_only_read(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    studio = factories.account(session, "Studio", AccountKind.CREATOR)
    member = user(session, email="m@acme.kz", account_id=acct.id)
    analyst = factories.api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=acct.id)
    creator = factories.api_caller(session, role=Role.CREATOR, account_id=studio.id)
    count = audit_count(session)
    for caller in (analyst, creator):
        created = client.post(
            "/api/v1/users", json=_new_user("account_analyst"), headers=caller.headers
        )
        assert created.status_code == 403
    patched = client.patch(
        f"/api/v1/users/{member.id}", json={"full_name": "X"}, headers=analyst.headers
    )
    assert patched.status_code == 403
    assert audit_count(session) == count
    listed = client.get("/api/v1/users", headers=analyst.headers).json()["items"]
    assert [row["id"] for row in listed] == [member.id]


def test_users_of_other_accounts_are_invisible(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Acme")
    other = factories.account(session, "Other")
    mine = user(session, email="m@acme.kz", account_id=acct.id)
    theirs = user(session, email="t@other.kz", account_id=other.id)
    ops = user(session, email="ops@network.kz", role=Role.NETWORK_ADMIN)
    caller = factories.api_caller(session, account_id=acct.id)
    assert client.get(f"/api/v1/users/{mine.id}", headers=caller.headers).status_code == 200
    for hidden in (theirs.id, ops.id, 999_999):
        response = client.get(f"/api/v1/users/{hidden}", headers=caller.headers)
        assert response.status_code == 404
    ids = {row["id"] for row in client.get("/api/v1/users", headers=caller.headers).json()["items"]}
    assert ids == {mine.id}
    filtered = client.get(f"/api/v1/users?account_id={other.id}", headers=caller.headers).json()
    assert filtered["items"] == []


def test_agency_admin_does_not_manage_client_staff(client: TestClient, session: Session) -> None:
    agency = factories.account(session, "Agency", AccountKind.AGENCY)
    brand = factories.account(session, "Brand")
    admin = factories.network_admin(session)
    client.post(
        f"/api/v1/accounts/{agency.id}/clients", json={"client_id": brand.id}, headers=admin.headers
    )
    staff = user(session, email="s@brand.kz", account_id=brand.id)
    caller = factories.api_caller(session, account_id=agency.id)
    assert client.get(f"/api/v1/users/{staff.id}", headers=caller.headers).status_code == 404


def test_patch_changes_and_audits(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    member = user(session, email="m@acme.kz", account_id=acct.id, role=Role.ACCOUNT_ANALYST)
    caller = factories.api_caller(session, account_id=acct.id)
    response = client.patch(
        f"/api/v1/users/{member.id}",
        json={"role": "account_admin", "full_name": "Aigerim S."},
        headers=caller.headers,
    )
    assert response.status_code == 200
    assert response.json()["role"] == "account_admin"
    entry = last_audit(session, "user")
    assert entry.action == "update"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["role"], entry.after["role"]) == ("account_analyst", "account_admin")
    assert entry.after["full_name"] == "Aigerim S."
    assert entry.entity_id == str(member.id)
    assert entry.account_id == acct.id


def test_new_password_ends_sessions(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    member = user(session, email="m@acme.kz", account_id=acct.id)
    headers = login_headers(client, member.email)
    short = client.patch(f"/api/v1/users/{member.id}", json={"password": "x"}, headers=headers)
    assert short.status_code == 400
    assert short.json()["field"] == "password"
    changed = client.patch(
        f"/api/v1/users/{member.id}", json={"password": NEW_PASSWORD}, headers=headers
    )
    assert changed.status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    login_headers(client, member.email, NEW_PASSWORD)
    old = client.post("/api/v1/auth/login", json={"email": member.email, "password": PASSWORD})
    assert old.status_code == 401
    assert last_audit(session, "user").note == "password changed"


def test_deactivating_a_user_ends_sessions(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    member = user(session, email="m@acme.kz", account_id=acct.id)
    headers = login_headers(client, member.email)
    admin = factories.network_admin(session)
    response = client.patch(
        f"/api/v1/users/{member.id}", json={"active": False}, headers=admin.headers
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_account_admin_cannot_promote_to_network_admin(
    client: TestClient, session: Session
) -> None:
    acct = factories.account(session)
    member = user(session, email="m@acme.kz", account_id=acct.id, role=Role.ACCOUNT_ANALYST)
    caller = factories.api_caller(session, account_id=acct.id)
    response = client.patch(
        f"/api/v1/users/{member.id}", json={"role": "network_admin"}, headers=caller.headers
    )
    assert response.status_code == 403


def test_users_list_is_paginated(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    made = [user(session, email=f"u{i}@acme.kz", account_id=acct.id).id for i in range(5)]
    admin = factories.network_admin(session)
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2, "account_id": acct.id} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/users", params=params, headers=admin.headers).json()
        seen += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made

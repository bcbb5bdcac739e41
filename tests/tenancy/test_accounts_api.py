"""Accounts and agency clients over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.tenancy.models import AccountKind, Role, Scope
from tests import factories
from tests.tenancy.helpers import audit_count, last_audit


def test_network_admin_creates_and_updates_accounts(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session)
    made = client.post(
        "/api/v1/accounts",
        json={"kind": "advertiser", "name": "Rakhat", "external_ref": "SUP-1"},
        headers=admin.headers,
    )
    assert made.status_code == 201
    account_id = made.json()["id"]
    assert last_audit(session, "account").action == "create"
    renamed = client.patch(
        f"/api/v1/accounts/{account_id}",
        json={"name": "Rakhat JSC", "external_ref": None},
        headers=admin.headers,
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Rakhat JSC"
    assert renamed.json()["external_ref"] is None
    entry = last_audit(session, "account")
    assert entry.action == "update"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["name"], entry.after["name"]) == ("Rakhat", "Rakhat JSC")
    assert (entry.before["external_ref"], entry.after["external_ref"]) == ("SUP-1", None)


def test_duplicate_external_ref_is_409(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session)
    body = {"kind": "advertiser", "name": "A", "external_ref": "SUP-1"}
    assert client.post("/api/v1/accounts", json=body, headers=admin.headers).status_code == 201
    again = client.post("/api/v1/accounts", json=body, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["field"] == "external_ref"


def test_blank_name_is_400(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session)
    response = client.post(
        "/api/v1/accounts", json={"kind": "advertiser", "name": "  "}, headers=admin.headers
    )
    assert response.status_code == 400
    assert response.json()["field"] == "name"


def test_only_network_admins_create_or_change_accounts(
    client: TestClient, session: Session
) -> None:
    acct = factories.account(session)
    caller = factories.api_caller(session, account_id=acct.id)
    count = audit_count(session)
    created = client.post(
        "/api/v1/accounts", json={"kind": "advertiser", "name": "X"}, headers=caller.headers
    )
    assert created.status_code == 403
    patched = client.patch(
        f"/api/v1/accounts/{acct.id}", json={"name": "Mine now"}, headers=caller.headers
    )
    assert patched.status_code == 403
    assert audit_count(session) == count


def test_accounts_visible_to_their_members_only(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Acme")
    other = factories.account(session, "Other")
    caller = factories.api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=acct.id)
    assert client.get(f"/api/v1/accounts/{acct.id}", headers=caller.headers).status_code == 200
    assert client.get(f"/api/v1/accounts/{other.id}", headers=caller.headers).status_code == 404
    assert client.get("/api/v1/accounts/987654", headers=caller.headers).status_code == 404
    listed = client.get("/api/v1/accounts", headers=caller.headers).json()["items"]
    assert [row["id"] for row in listed] == [acct.id]
    admin = factories.network_admin(session)
    every = client.get("/api/v1/accounts", headers=admin.headers).json()["items"]
    assert {acct.id, other.id} <= {row["id"] for row in every}


def test_agency_acts_for_its_clients_only(client: TestClient, session: Session) -> None:
    agency = factories.account(session, "Agency", AccountKind.AGENCY)
    brand = factories.account(session, "Brand")
    stranger = factories.account(session, "Stranger")
    admin = factories.network_admin(session)
    agent = factories.api_caller(session, account_id=agency.id)
    assert client.get(f"/api/v1/accounts/{brand.id}", headers=agent.headers).status_code == 404
    linked = client.post(
        f"/api/v1/accounts/{agency.id}/clients",
        json={"client_id": brand.id},
        headers=admin.headers,
    )
    assert linked.status_code == 201
    assert linked.json()["client_id"] == brand.id
    entry = last_audit(session, "agency_client")
    assert (entry.action, entry.account_id) == ("create", agency.id)
    # The link takes effect at once, although the agency's key was cached before it.
    assert client.get(f"/api/v1/accounts/{brand.id}", headers=agent.headers).status_code == 200
    ids = {r["id"] for r in client.get("/api/v1/accounts", headers=agent.headers).json()["items"]}
    assert ids == {agency.id, brand.id}
    key = client.post(
        "/api/v1/api-keys",
        json={
            "name": "brand feed",
            "role": "account_admin",
            "account_id": brand.id,
            "scopes": ["read"],
        },
        headers=agent.headers,
    )
    assert key.status_code == 201
    for_stranger = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "role": "account_admin", "account_id": stranger.id, "scopes": ["read"]},
        headers=agent.headers,
    )
    assert for_stranger.status_code == 404
    assert client.get(f"/api/v1/accounts/{stranger.id}", headers=agent.headers).status_code == 404
    unlinked = client.delete(
        f"/api/v1/accounts/{agency.id}/clients/{brand.id}", headers=admin.headers
    )
    assert unlinked.status_code == 204
    assert last_audit(session, "agency_client").action == "delete"
    assert client.get(f"/api/v1/accounts/{brand.id}", headers=agent.headers).status_code == 404


def test_agency_link_rules(client: TestClient, session: Session) -> None:
    agency = factories.account(session, "Agency", AccountKind.AGENCY)
    brand = factories.account(session, "Brand")
    studio = factories.account(session, "Studio", AccountKind.CREATOR)
    admin = factories.network_admin(session)

    def link(agency_id: int, client_id: int) -> tuple[int, str | None]:
        response = client.post(
            f"/api/v1/accounts/{agency_id}/clients",
            json={"client_id": client_id},
            headers=admin.headers,
        )
        return response.status_code, response.json().get("field")

    assert link(brand.id, agency.id) == (400, "agency_id")
    assert link(agency.id, studio.id) == (400, "client_id")
    assert link(agency.id, 424242) == (404, "client_id")
    assert link(agency.id, brand.id) == (201, None)
    assert link(agency.id, brand.id) == (409, "client_id")
    missing = client.delete(
        f"/api/v1/accounts/{agency.id}/clients/{studio.id}", headers=admin.headers
    )
    assert missing.status_code == 404


def test_key_without_manage_cannot_link(client: TestClient, session: Session) -> None:
    agency = factories.account(session, "Agency", AccountKind.AGENCY)
    brand = factories.account(session, "Brand")
    reader = factories.api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.READ,))
    response = client.post(
        f"/api/v1/accounts/{agency.id}/clients",
        json={"client_id": brand.id},
        headers=reader.headers,
    )
    assert response.status_code == 403

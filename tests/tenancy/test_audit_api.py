"""The audit log over HTTP: filters, pagination, visibility."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.core.time import utcnow
from jarnama.tenancy import service
from jarnama.tenancy.models import AccountKind, Role
from tests import factories


def test_network_admin_sees_everything_and_filters(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Acme")
    other = factories.account(session, "Other")
    admin = factories.network_admin(session)
    every = client.get("/api/v1/audit-log", params={"limit": 500}, headers=admin.headers).json()
    entities = {row["entity"] for row in every["items"]}
    assert {"network", "account", "api_key"} <= entities
    by_account = client.get(
        "/api/v1/audit-log", params={"account_id": other.id}, headers=admin.headers
    ).json()["items"]
    assert by_account
    assert {row["account_id"] for row in by_account} == {other.id}
    one = client.get(
        "/api/v1/audit-log",
        params={"entity": "account", "entity_id": str(acct.id)},
        headers=admin.headers,
    ).json()["items"]
    assert len(one) == 1
    assert one[0]["action"] == "create"
    assert one[0]["before"] is None
    assert one[0]["after"]["name"] == "Acme"


def test_since_filters_by_time(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session)
    factories.account(session, "Old")
    future = (utcnow() + dt.timedelta(minutes=5)).isoformat()
    response = client.get("/api/v1/audit-log", params={"since": future}, headers=admin.headers)
    assert response.status_code == 200
    assert response.json()["items"] == []
    past = (utcnow() - dt.timedelta(minutes=5)).isoformat()
    recent = client.get("/api/v1/audit-log", params={"since": past}, headers=admin.headers)
    assert recent.json()["items"]


def test_members_see_their_accounts_entries_only(client: TestClient, session: Session) -> None:
    agency = factories.account(session, "Agency", AccountKind.AGENCY)
    brand = factories.account(session, "Brand")
    other = factories.account(session, "Other")
    service.add_agency_client(session, "test", agency.id, brand.id)
    session.commit()
    analyst = factories.api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=agency.id)
    seen = client.get("/api/v1/audit-log", params={"limit": 500}, headers=analyst.headers)
    assert seen.status_code == 200
    accounts = {row["account_id"] for row in seen.json()["items"]}
    assert accounts == {agency.id, brand.id}
    assert other.id not in accounts
    foreign = client.get(
        "/api/v1/audit-log", params={"account_id": other.id}, headers=analyst.headers
    )
    assert foreign.json()["items"] == []


def test_pages_walk_every_entry_once(client: TestClient, session: Session) -> None:
    for index in range(7):
        factories.account(session, f"Account {index}")
    admin = factories.network_admin(session)
    full = client.get("/api/v1/audit-log", params={"limit": 500}, headers=admin.headers).json()
    ids: list[int] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/audit-log", params=params, headers=admin.headers).json()
        ids += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert ids == [row["id"] for row in full["items"]]
    assert ids == sorted(ids)
    bad = client.get("/api/v1/audit-log", params={"cursor": "!!"}, headers=admin.headers)
    assert bad.status_code == 400
    assert bad.json()["field"] == "cursor"

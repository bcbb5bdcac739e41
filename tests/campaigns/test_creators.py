"""Creator accounts have no business with campaigns: every campaigns route answers them 403."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.campaigns.api import router
from jarnama.tenancy.models import AccountKind, Role
from tests.campaigns.helpers import World, audit_total, campaign_body, create_campaign
from tests.factories import account, api_caller

ROUTES = sorted(
    (method, route.path)
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in route.methods or ()
)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_a_creator_gets_403_on_every_campaigns_route(
    client: TestClient, session: Session, world: World, method: str, path: str
) -> None:
    studio = account(session, "Studio", AccountKind.CREATOR)
    creator = api_caller(session, role=Role.CREATOR, account_id=studio.id)
    # A real object of another account in the path: 403 all the same, so nothing leaks.
    campaign = create_campaign(client, world.a)
    url = "/api/v1" + re.sub(r"\{[a-z_]+\}", str(campaign["id"]), path)
    before = audit_total(session)
    response = client.request(method, url, json={}, headers=creator.headers)
    # Refused before the body is looked at: an empty body is not even a 422.
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden"
    assert audit_total(session) == before


def test_a_creator_cannot_create_a_campaign_for_its_own_account(
    client: TestClient, session: Session
) -> None:
    studio = account(session, "Studio", AccountKind.CREATOR)
    creator = api_caller(session, role=Role.CREATOR, account_id=studio.id)
    body = campaign_body(account_id=studio.id)
    response = client.post("/api/v1/campaigns", json=body, headers=creator.headers)
    assert response.status_code == 403, response.text
    listed = client.get("/api/v1/campaigns", headers=creator.headers)
    assert listed.status_code == 403, listed.text

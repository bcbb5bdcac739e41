"""The exchange's tenant matrix: every /api/v1/exchange route, as every kind of caller.

The shared matrix (tests/test_tenant_matrix.py) is built around advertiser tenants; screens,
groups and deals belong to media owners, so this module proves the same three properties for
them: (a) another media owner gets 404 for a single object or a write and never sees a row,
(b) admins write, analysts and read-only keys only read, creators get 403, advertisers own
nothing, (c) keys without `manage` cannot write and keys without `read` cannot read.
`ROUTES` must list every exchange route (checked against the app), and the shared matrix's
coverage test counts them as covered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.app import create_app
from jarnama.config import Settings
from jarnama.tenancy.models import AccountKind, Role, Scope
from tests.exchange.helpers import Owners, audit_count, build_owners, screen_payload
from tests.exchange.ops_routes import OPS_ROUTE_KEYS
from tests.factories import Caller, account, api_caller

P = "/api/v1/exchange"


@dataclass(frozen=True)
class Objects:
    """One screen, group and deal of owner A."""

    screen_id: int
    group_id: int
    deal_id: int


@dataclass(frozen=True)
class Route:
    """One exchange route: how to call it and what it is."""

    method: str
    path: str
    kind: str  # "one", "list", "write"
    url: Callable[[Objects], str]
    body: Callable[[Owners, Objects], Any] | None = None
    success: int = 200


def _deal_body(owners: Owners, objects: Objects) -> dict[str, Any]:
    return {
        "account_id": owners.a_id,
        "code": "MATRIX-DEAL-2",
        "name": "Matrix",
        "kind": "private_auction",
        "floor_cpm": "1000",
        "screen_ids": [objects.screen_id],
    }


ROUTES: list[Route] = [
    Route(
        "POST",
        f"{P}/screens",
        "write",
        lambda o: f"{P}/screens",
        lambda w, o: screen_payload("MATRIX-2", account_id=w.a_id),
        201,
    ),
    Route("GET", f"{P}/screens", "list", lambda o: f"{P}/screens"),
    Route(
        "POST",
        f"{P}/screens/import",
        "write",
        lambda o: f"{P}/screens/import",
        lambda w, o: {"account_id": w.a_id, "rows": [screen_payload("MATRIX-3")]},
    ),
    Route("GET", f"{P}/screens/{{screen_id}}", "one", lambda o: f"{P}/screens/{o.screen_id}"),
    Route(
        "PATCH",
        f"{P}/screens/{{screen_id}}",
        "write",
        lambda o: f"{P}/screens/{o.screen_id}",
        lambda w, o: {"name": "Renamed"},
    ),
    Route(
        "POST",
        f"{P}/screen-groups",
        "write",
        lambda o: f"{P}/screen-groups",
        lambda w, o: {"account_id": w.a_id, "name": "G2", "screen_ids": [o.screen_id]},
        201,
    ),
    Route("GET", f"{P}/screen-groups", "list", lambda o: f"{P}/screen-groups"),
    Route(
        "GET", f"{P}/screen-groups/{{group_id}}", "one", lambda o: f"{P}/screen-groups/{o.group_id}"
    ),
    Route(
        "PATCH",
        f"{P}/screen-groups/{{group_id}}",
        "write",
        lambda o: f"{P}/screen-groups/{o.group_id}",
        lambda w, o: {"name": "G3"},
    ),
    Route("POST", f"{P}/deals", "write", lambda o: f"{P}/deals", _deal_body, 201),
    Route("GET", f"{P}/deals", "list", lambda o: f"{P}/deals"),
    Route("GET", f"{P}/deals/{{deal_id}}", "one", lambda o: f"{P}/deals/{o.deal_id}"),
    Route(
        "POST",
        f"{P}/screens/{{screen_id}}/player-tokens",
        "write",
        lambda o: f"{P}/screens/{o.screen_id}/player-tokens",
        lambda w, o: {"name": "matrix player"},
        201,
    ),
]
# Reference data every authenticated caller but a creator may read (no tenant owns it).
SHARED_ROUTES = {("GET", f"{P}/venue-types")}
# The player API is a serving path (the `auctions` scope or a screen's player token, not
# read/manage): its tenant isolation — 404 for another owner's screens and leases, and for a
# player token on another screen — is proven in tests/exchange/test_player.py.
PLAYER_ROUTES = {
    ("POST", f"{P}/player/ads"),
    ("GET", f"{P}/player/leases/{{lease_id}}"),
    ("POST", f"{P}/player/leases/{{lease_id}}/proof"),
    ("POST", f"{P}/player/leases/{{lease_id}}/release"),
}
# Approvals, DCO, signals and reports: tests/exchange/test_ops_tenancy.py.
EXCHANGE_ROUTES = (
    {(r.method, r.path) for r in ROUTES} | SHARED_ROUTES | PLAYER_ROUTES | OPS_ROUTE_KEYS
)


@dataclass(frozen=True)
class Setup:
    """Owners, owner A's objects, and extra callers."""

    owners: Owners
    objects: Objects
    creator: Caller
    no_manage: Caller
    no_read: Caller


@pytest.fixture
def setup(client: TestClient, session: Session) -> Setup:
    """Owner A with a screen, a group and a deal; owner B; a creator; restricted keys."""
    owners = build_owners(session)
    creator_account = account(session, "Blogger", kind=AccountKind.CREATOR)
    session.flush()
    creator = api_caller(session, role=Role.CREATOR, account_id=creator_account.id)
    no_manage = api_caller(session, account_id=owners.a_id, scopes=(Scope.READ,))
    no_read = api_caller(session, account_id=owners.a_id, scopes=(Scope.AUCTIONS,))
    h = owners.a.headers
    screen = client.post(f"{P}/screens", json=screen_payload("MATRIX-1"), headers=h).json()
    group = client.post(
        f"{P}/screen-groups", json={"name": "G1", "screen_ids": [screen["id"]]}, headers=h
    ).json()
    deal = client.post(
        f"{P}/deals",
        json={
            "code": "MATRIX-DEAL-1",
            "name": "D",
            "kind": "preferred",
            "floor_cpm": "2000",
            "screen_ids": [screen["id"]],
        },
        headers=h,
    ).json()
    objects = Objects(screen["id"], group["id"], deal["id"])
    return Setup(owners, objects, creator, no_manage, no_read)


def _call(client: TestClient, route: Route, s: Setup, caller: Caller) -> Any:
    body = None if route.body is None else route.body(s.owners, s.objects)
    return client.request(route.method, route.url(s.objects), json=body, headers=caller.headers)


def _items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_another_media_owner_cannot_reach_or_list(
    client: TestClient, session: Session, setup: Setup, route: Route
) -> None:
    before = audit_count(session, "exchange_screen") + audit_count(session, "exchange_deal")
    response = _call(client, route, setup, setup.owners.b)
    if route.kind == "list":
        assert _items(response) == []
        filtered = client.get(
            route.url(setup.objects),
            params={"account_id": setup.owners.a_id},
            headers=setup.owners.b.headers,
        )
        assert _items(filtered) == []
        assert _items(client.get(route.url(setup.objects), headers=setup.owners.a.headers))
    else:
        assert response.status_code == 404, response.text
    after = audit_count(session, "exchange_screen") + audit_count(session, "exchange_deal")
    assert after == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_each_role_is_allowed_or_forbidden(client: TestClient, setup: Setup, route: Route) -> None:
    owners = setup.owners
    assert _call(client, route, setup, owners.a).status_code == route.success
    assert _call(client, route, setup, owners.admin).status_code in (route.success, 409)
    assert _call(client, route, setup, setup.creator).status_code == 403
    analyst = _call(client, route, setup, owners.a_analyst)
    assert analyst.status_code == (403 if route.kind == "write" else 200), analyst.text
    advertiser = _call(client, route, setup, owners.advertiser)
    if route.kind == "list":
        assert _items(advertiser) == []
    elif route.kind == "one":
        assert advertiser.status_code == 404
    else:
        assert advertiser.status_code in (400, 404), advertiser.text  # owns no screens


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_scopes_limit_keys(client: TestClient, setup: Setup, route: Route) -> None:
    if route.kind == "write":
        assert _call(client, route, setup, setup.no_manage).status_code == 403
    else:
        assert _call(client, route, setup, setup.no_manage).status_code == 200
    assert _call(client, route, setup, setup.no_read).status_code == 403


def test_venue_types_are_shared_reference_data(client: TestClient, setup: Setup) -> None:
    for caller in (setup.owners.a, setup.owners.advertiser, setup.owners.admin):
        response = client.get(f"{P}/venue-types", headers=caller.headers)
        assert response.status_code == 200
        assert not any("account" in key for item in response.json() for key in item)
    assert client.get(f"{P}/venue-types", headers=setup.creator.headers).status_code == 403


def test_routes_list_every_exchange_route(settings: Settings) -> None:
    paths = create_app(settings).openapi()["paths"]
    found = {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith(P)
        for method in operations
    }
    assert found == EXCHANGE_ROUTES

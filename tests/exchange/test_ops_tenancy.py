"""Tenant matrix of the exchange operations routes (approvals, DCO, signals, reports).

The same three properties as tests/exchange/test_tenancy.py, for owner A's queued creative and
DCO campaign: another media owner gets 404 (or an empty list) and writes nothing; roles and
scopes allow or refuse as for screens. Traffic signals are network data (network admins write,
every reader but a creator reads); reports are scoped in the query (tested here by role, and by
content in tests/exchange/test_reports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.core.money import Currency
from jarnama.exchange.approvals import ApprovalBook, enqueue_unreviewed
from jarnama.exchange.auction import AuctionInput, run_auction
from jarnama.exchange.ops_models import Creative
from jarnama.exchange.snapshot import ScreenSnapshot
from tests.exchange.helpers import audit_count
from tests.exchange.ops_routes import OPS_ROUTE_KEYS
from tests.exchange.samples import EVENING, NOW, RATES, screen
from tests.exchange.test_approvals import bid
from tests.exchange.test_tenancy import Setup, setup
from tests.factories import Caller

P = "/api/v1/exchange"
__all__ = ["setup"]  # the exchange matrix's fixture, used here too


@dataclass(frozen=True)
class Ops:
    """Owner A's queued creative and DCO campaign."""

    creative_id: int
    campaign_id: int


@dataclass(frozen=True)
class OpsRoute:
    """One operations route: how to call it and what it is."""

    method: str
    path: str
    kind: str  # "one", "list", "write"
    url: Callable[[Ops], str]
    body: Callable[[Setup, Ops], Any] | None = None
    success: int = 200


def _campaign_body(s: Setup, ops: Ops) -> dict[str, Any]:
    return {
        "account_id": s.owners.a_id,
        "name": "Matrix DCO 2",
        "kind": "house",
        "screen_ids": [s.objects.screen_id],
        "variants": [
            {
                "name": "default",
                "creative_url": "https://cdn.example/d.jpg",
                "duration_seconds": 10,
                "is_default": True,
            }
        ],
    }


ROUTES = [
    OpsRoute("GET", f"{P}/creatives", "list", lambda o: f"{P}/creatives"),
    OpsRoute(
        "GET", f"{P}/creatives/{{creative_id}}", "one", lambda o: f"{P}/creatives/{o.creative_id}"
    ),
    OpsRoute(
        "POST",
        f"{P}/creatives/{{creative_id}}/review",
        "write",
        lambda o: f"{P}/creatives/{o.creative_id}/review",
        lambda s, o: {"decision": "approved"},
    ),
    OpsRoute(
        "POST", f"{P}/dco/campaigns", "write", lambda o: f"{P}/dco/campaigns", _campaign_body, 201
    ),
    OpsRoute("GET", f"{P}/dco/campaigns", "list", lambda o: f"{P}/dco/campaigns"),
    OpsRoute(
        "GET",
        f"{P}/dco/campaigns/{{campaign_id}}",
        "one",
        lambda o: f"{P}/dco/campaigns/{o.campaign_id}",
    ),
    OpsRoute(
        "PATCH",
        f"{P}/dco/campaigns/{{campaign_id}}",
        "write",
        lambda o: f"{P}/dco/campaigns/{o.campaign_id}",
        lambda s, o: {"name": "Renamed"},
    ),
    OpsRoute(
        "POST",
        f"{P}/dco/campaigns/{{campaign_id}}/preview",
        "one",
        lambda o: f"{P}/dco/campaigns/{o.campaign_id}/preview",
        lambda s, o: {"at": "2030-06-04T14:00:00Z", "signals": {"temperature_c": "-5"}},
    ),
]
SIGNAL_ROUTES = {("POST", f"{P}/signals/traffic"), ("GET", f"{P}/signals/traffic")}
REPORT_ROUTES = {("GET", f"{P}/reports"), ("GET", f"{P}/reports/csv")}


def _snapshot(account_id: int, screen_id: int) -> ScreenSnapshot:
    return screen(id=screen_id, account_id=account_id)


@pytest.fixture
def ops(client: TestClient, session: Session, setup: Setup) -> Ops:
    """A creative queued on owner A's screen and a DCO campaign of owner A."""
    board = _snapshot(setup.owners.a_id, setup.objects.screen_id)
    result = run_auction(
        AuctionInput(
            auction_id="m-1",
            imp_id="1",
            screen=board,
            plays_at=EVENING,
            bids=[bid("alpha")],
            bidder_currency={"alpha": Currency.USD},
            bidder_order={"alpha": 0},
            pricing="second_price",
            day=NOW.date(),
            approval=ApprovalBook().gate(board.account_id),
        ),
        RATES,
    )
    enqueue_unreviewed(session, board, result.rejections)
    session.flush()
    creative_id = session.scalars(select(Creative.id)).one()
    body = _campaign_body(setup, Ops(0, 0)) | {"name": "Matrix DCO"}
    campaign = client.post(f"{P}/dco/campaigns", json=body, headers=setup.owners.a.headers)
    assert campaign.status_code == 201, campaign.text
    return Ops(creative_id, campaign.json()["id"])


def _call(client: TestClient, route: OpsRoute, s: Setup, ops: Ops, caller: Caller) -> Any:
    body = None if route.body is None else route.body(s, ops)
    return client.request(route.method, route.url(ops), json=body, headers=caller.headers)


def _items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _audits(session: Session) -> int:
    return audit_count(session, "exchange_creative") + audit_count(session, "exchange_dco_campaign")


def test_the_routes_are_all_here() -> None:
    listed = {(r.method, r.path) for r in ROUTES} | SIGNAL_ROUTES | REPORT_ROUTES
    assert listed == OPS_ROUTE_KEYS


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_another_media_owner_cannot_reach_or_list(
    client: TestClient, session: Session, setup: Setup, ops: Ops, route: OpsRoute
) -> None:
    before = _audits(session)
    response = _call(client, route, setup, ops, setup.owners.b)
    if route.kind == "list":
        assert _items(response) == []
        filtered = client.get(
            route.url(ops), params={"account_id": setup.owners.a_id}, headers=setup.owners.b.headers
        )
        assert _items(filtered) == []
        assert _items(client.get(route.url(ops), headers=setup.owners.a.headers))
    else:
        assert response.status_code == 404, response.text
    assert _audits(session) == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_each_role_is_allowed_or_forbidden(
    client: TestClient, setup: Setup, ops: Ops, route: OpsRoute
) -> None:
    owners = setup.owners
    assert _call(client, route, setup, ops, owners.a).status_code == route.success
    assert _call(client, route, setup, ops, owners.admin).status_code == route.success
    assert _call(client, route, setup, ops, setup.creator).status_code == 403
    analyst = _call(client, route, setup, ops, owners.a_analyst)
    assert analyst.status_code == (403 if route.kind == "write" else 200), analyst.text
    advertiser = _call(client, route, setup, ops, owners.advertiser)
    if route.kind == "list":
        assert _items(advertiser) == []
    elif route.kind == "one":
        assert advertiser.status_code == 404
    else:
        assert advertiser.status_code in (400, 404), advertiser.text


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_scopes_limit_keys(client: TestClient, setup: Setup, ops: Ops, route: OpsRoute) -> None:
    no_manage = _call(client, route, setup, ops, setup.no_manage)
    assert no_manage.status_code == (403 if route.kind == "write" else 200)
    assert _call(client, route, setup, ops, setup.no_read).status_code == 403


def test_traffic_is_network_data(client: TestClient, session: Session, setup: Setup) -> None:
    url, body = f"{P}/signals/traffic", {"city": "Almaty", "level": 6}
    owners = setup.owners
    assert client.post(url, json=body, headers=owners.admin.headers).status_code == 201
    for caller in (owners.a, owners.b, owners.advertiser, setup.creator, setup.no_manage):
        assert client.post(url, json=body, headers=caller.headers).status_code == 403
    assert audit_count(session, "exchange_traffic_reading") == 1
    for caller in (owners.a, owners.advertiser, owners.a_analyst, setup.no_manage):
        response = client.get(url, headers=caller.headers)
        assert response.status_code == 200
        assert not any("account" in key for row in response.json() for key in row)
    assert client.get(url, headers=setup.creator.headers).status_code == 403
    assert client.get(url, headers=setup.no_read.headers).status_code == 403


@pytest.mark.parametrize("path", sorted(p for _, p in REPORT_ROUTES))
def test_reports_by_role_and_scope(client: TestClient, setup: Setup, path: str) -> None:
    owners = setup.owners
    for caller in (owners.a, owners.b, owners.admin, owners.a_analyst, owners.advertiser):
        assert client.get(path, headers=caller.headers).status_code == 200
    assert client.get(path, headers=setup.no_manage.headers).status_code == 200
    assert client.get(path, headers=setup.creator.headers).status_code == 403
    assert client.get(path, headers=setup.no_read.headers).status_code == 403
    foreign = client.get(
        path, params={"screen_id": setup.objects.screen_id}, headers=owners.b.headers
    )
    assert foreign.status_code == 404

"""POST /api/v1/events/batch: every kind, per-event errors, idempotent, billed once, bounded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.decisioning.models import SpendEntry
from jarnama.tenancy.models import Role, Scope
from jarnama.tracking import events as ev
from jarnama.tracking.log import read_log
from tests import factories
from tests.campaigns.helpers import World, build_world
from tests.decisioning.serving_helpers import live_listing, runtime_of

from .helpers import purchase_json

URL = "/api/v1/events/batch"
AT = "2026-03-01T10:00:00+05:00"


@pytest.fixture
def world(session: Session) -> World:
    """Advertisers A and B, a catalog with milk products, placements, callers."""
    return build_world(session)


def _logged(settings: Settings, *, served: bool = False) -> list[ev.Event]:
    """The tracked events; the decisions' served records (the lift's) only when asked."""
    directory = Path(settings.events.log_dir)
    logged = [ev.decode(r.payload) for r in read_log(directory)] if directory.exists() else []
    return [e for e in logged if served or not isinstance(e, ev.Served)]


def _charges(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(SpendEntry)) or 0)


def _served_token(client: TestClient, app: FastAPI, world: World) -> str:
    live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    assert runtime_of(app).refresh() is True
    body = {"placements": [{"placement": "search-top", "search_query": "молоко"}]}
    response = client.post(
        "/api/v1/decisions", json={**body, "user_id": "card-1"}, headers=world.admin.headers
    )
    token: str = response.json()["placements"][0]["winners"][0]["resolved_bid_id"]
    return token


def _every_kind(token: str) -> list[Any]:
    return [
        {
            "kind": "impression",
            "id": "i1",
            "at": AT,
            "token": token,
            "visible_percent": 60,
            "visible_ms": 1200,
            "user_agent": "Mozilla/5.0",
        },
        {"kind": "click", "id": "c1", "at": AT, "token": token},
        {
            "kind": "add_to_cart",
            "id": "a1",
            "at": AT,
            "sku": "SKU-1",
            "quantity": 2,
            "user_id": "card-1",
            "token": token,
        },
        {"kind": "purchase", **purchase_json("p1")},
        {
            "kind": "play",
            "id": "y1",
            "at": AT,
            "screen_id": "ALA-01-S1",
            "creative_id": 7,
            "duration_ms": 15_000,
            "audience_multiplier": 12.5,
        },
        {
            "kind": "conversion",
            "id": "v1",
            "at": AT,
            "offer_id": 3,
            "creator_id": 2,
            "order_id": "o-9",
            "amount_tiyn": 1_500_000,
            "promo_code": "ASEL10",
        },
        # Refused one by one, each with its index and field:
        {"kind": "impression", "id": "i2", "at": AT, "token": token[:-4] + "AAAA"},
        {"kind": "click", "id": "c2", "at": AT, "ad": {"bid_id": "x", "campaign_id": 1}},
        {"kind": "purchase", **purchase_json("p2", lines=[])},
        {"kind": "refund", "id": "r1", "at": AT},
        {
            "kind": "play",
            "id": "y2",
            "at": "2026-03-01T10:00:00",
            "screen_id": "S",
            "creative_id": 7,
            "duration_ms": 1,
        },
        # Kept as invalid traffic (never billed): a click with no served decision behind it.
        {"kind": "click", "id": "c3", "at": AT},
    ]


def test_every_kind_is_durable_with_its_ad_and_bad_events_come_back_alone(
    client: TestClient, app: FastAPI, session: Session, settings: Settings, world: World
) -> None:
    token = _served_token(client, app, world)
    response = client.post(URL, json={"events": _every_kind(token)}, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["accepted"], result["duplicates"], result["rejected"]) == (7, 0, 5)
    assert (result["invalid"], result["lines"]) == (1, 1)
    errors = {e["index"]: (e["id"], e["field"]) for e in result["errors"]}
    assert errors == {
        6: ("i2", "token"),
        7: ("c2", None),  # an unknown field: the ad is never taken from the client
        8: ("p2", "lines"),
        9: ("r1", "kind"),
        10: ("y2", "at"),
    }
    assert "ad" in result["errors"][1]["detail"]
    logged = {e.id: e for e in _logged(settings)}
    assert sorted(logged) == ["a1", "c1", "c3", "i1", "p1", "v1", "y1"]
    impression, click, cart = logged["i1"], logged["c1"], logged["a1"]
    assert isinstance(impression, ev.Impression)
    assert impression.viewable
    assert isinstance(click, ev.Click)
    assert isinstance(cart, ev.AddToCart)
    assert click.ad is not None
    assert impression.ad == click.ad == cart.ad
    assert click.ad.product_id == world.milk_a
    assert click.ad.user_id == "card-1"
    assert logged["c3"].ivt == "no_served_decision"
    assert isinstance(logged["y1"], ev.Play)
    assert logged["y1"].audience_multiplier == 12.5
    assert isinstance(logged["v1"], ev.Conversion)
    assert _charges(session) == 1  # the CPC click, billed after it was durable

    # A retry of the whole batch: every good event is a duplicate, nothing billed twice.
    again = client.post(URL, json={"events": _every_kind(token)}, headers=world.admin.headers)
    assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 7)
    assert len(_logged(settings)) == 7
    assert _charges(session) == 1


def test_a_repeated_click_in_a_batch_is_kept_as_invalid_and_not_billed_twice(
    client: TestClient, app: FastAPI, session: Session, settings: Settings, world: World
) -> None:
    token = _served_token(client, app, world)
    clicks = [{"kind": "click", "id": f"c{i}", "at": AT, "token": token} for i in range(3)]
    bot = {"kind": "click", "id": "bot", "at": AT, "token": token, "user_agent": "Googlebot/2.1"}
    response = client.post(URL, json={"events": [*clicks, bot]}, headers=world.admin.headers)
    assert response.json()["invalid"] == 3
    assert [e.ivt for e in _logged(settings)] == [
        None,
        "repeated_click",
        "repeated_click",
        "bot_user_agent",
    ]
    assert _charges(session) == 1


def test_ten_thousand_events_and_lines_at_most(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = factories.network_admin(session)
    limit = settings.events.max_batch_lines
    line = {"sku": "A", "quantity": 1, "unit_price_tiyn": 1}
    at_limit = [
        {"kind": "purchase", **purchase_json("big", lines=[line] * (limit - 2))},
        {"kind": "add_to_cart", "id": "a1", "at": AT, "sku": "A"},
        {"kind": "add_to_cart", "id": "a2", "at": AT, "sku": "A"},
    ]
    response = client.post(URL, json={"events": at_limit}, headers=caller.headers)
    assert response.status_code == 200, response.text
    assert response.json()["lines"] == limit - 2
    over = [*at_limit[:1], *({**at_limit[1], "id": f"x{i}"} for i in range(3))]
    response = client.post(URL, json={"events": over}, headers=caller.headers)
    assert response.status_code == 413
    assert [e.id for e in _logged(settings)] == ["big", "a1", "a2"]


def test_only_network_keys_with_the_events_scope_may_send(
    client: TestClient, session: Session
) -> None:
    advertiser = factories.account(session)
    own_key = factories.api_caller(session, account_id=advertiser.id)
    no_scope = factories.api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.MANAGE,))
    body = {"events": [{"kind": "purchase", **purchase_json("p1")}]}
    assert client.post(URL, json=body, headers=own_key.headers).status_code == 403
    assert client.post(URL, json=body, headers=no_scope.headers).status_code == 403
    assert client.post(URL, json=body).status_code == 401


def test_a_body_that_is_not_a_batch_is_a_client_error_naming_the_field(
    client: TestClient, session: Session
) -> None:
    caller = factories.network_admin(session)
    headers = {**caller.headers, "Content-Type": "application/json"}
    for content in (b"{", b'{"events": 3}', b"[]", b'{"events": [], "x": 1}'):
        response = client.post(URL, content=content, headers=headers)
        assert response.status_code == 400, content
        assert response.json()["field"] == "events"

"""The decision service online: real campaigns, the compiled snapshot, decisions and billing."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.decisioning.models import SpendEntry
from jarnama.decisioning.schemas import BillingModel
from jarnama.decisioning.service import EventKind, EventStatus, charge_event
from jarnama.decisioning.state import MTIYN_PER_TIYN
from jarnama.decisioning.tokens import BidClaims
from jarnama.tenancy.models import Role, Scope
from tests.campaigns.helpers import World, build_world, error_of
from tests.decisioning.serving_helpers import (
    live_banner,
    live_listing,
    runtime_of,
    search,
    token_path,
)
from tests.factories import api_caller


@pytest.fixture
def world(session: Session) -> World:
    """Advertisers A and B, a catalog with milk products, placements, callers."""
    return build_world(session)


def _ledger(session: Session) -> list[SpendEntry]:
    session.expire_all()
    return list(session.scalars(select(SpendEntry).order_by(SpendEntry.id)))


def test_decisions_serve_campaigns_made_through_the_campaigns_service(
    client: TestClient, app: FastAPI, world: World
) -> None:
    live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    _, b_group = live_listing(client, world.b, world.milk_b, bid_tiyn=200)
    assert runtime_of(app).refresh() is True

    result = search(client, world.admin, "Молоко")
    winners = result["winners"]
    assert [w["product_id"] for w in winners] == [world.milk_a, world.milk_b]
    assert [w["rank"] for w in winners] == [1, 2]
    first, second = winners
    assert first["sku"] == "LACTEL-MILK-1L"
    assert first["kind"] == "product"
    assert first["billing"] == "cpc"
    # Equal predicted CTR: A pays B's bid + 1 tiyn; B, last, pays the dairy reserve (120).
    assert first["price_tiyn"] == 201
    assert second["price_tiyn"] == 120
    assert second["ad_group_id"] == b_group["id"]
    assert first["click_url"].endswith("/t/c/" + first["resolved_bid_id"])
    assert first["impression_url"].endswith("/t/i/" + first["resolved_bid_id"])

    # The retailer's own candidates by SKU, with quality scores: only B's product is there.
    only_b = search(
        client, world.admin, candidates={"skus": ["FM-MILK-1L", "NOPE"], "quality_scores": [0.5, 1]}
    )
    assert [w["product_id"] for w in only_b["winners"]] == [world.milk_b]


def test_a_campaign_change_is_live_after_the_next_refresh(
    client: TestClient, app: FastAPI, world: World
) -> None:
    runtime = runtime_of(app)
    campaign, _ = live_listing(client, world.a, world.milk_a)
    assert runtime.refresh() is True
    version = runtime.network.version
    assert runtime.refresh() is False  # nothing changed: no rebuild
    assert len(search(client, world.admin)["winners"]) == 1

    paused = client.post(
        f"/api/v1/campaigns/{campaign['id']}/status",
        json={"status": "paused"},
        headers=world.a.headers,
    )
    assert paused.status_code == 200
    assert runtime.refresh() is True
    assert runtime.network.version == version + 1
    assert search(client, world.admin)["winners"] == []


def test_a_click_is_charged_once_into_the_ledger(
    client: TestClient, app: FastAPI, session: Session, world: World
) -> None:
    campaign, group = live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    runtime_of(app).refresh()
    winner = search(client, world.admin)["winners"][0]

    impression = client.get(token_path(winner["impression_url"]))
    assert impression.status_code == 200
    assert impression.headers["content-type"] == "image/gif"
    assert _ledger(session) == []  # a CPC impression bills nothing

    for _ in range(2):
        click = client.get(token_path(winner["click_url"]), follow_redirects=False)
        assert click.status_code == 204  # products carry no landing URL: the app navigates
    (entry,) = _ledger(session)
    assert (entry.campaign_id, entry.ad_group_id, entry.account_id) == (
        campaign["id"],
        group["id"],
        world.a_id,
    )
    assert entry.product_id == world.milk_a
    assert entry.event == "click"
    assert entry.price_tiyn == winner["price_tiyn"]
    assert entry.amount_mtiyn == winner["price_tiyn"] * MTIYN_PER_TIYN
    assert (
        entry.business_day == entry.event_at.astimezone(dt.timezone(dt.timedelta(hours=5))).date()
    )
    spend = runtime_of(app).state.spend(campaign["id"], dt.datetime.now(dt.UTC))
    assert spend.daily_mtiyn == entry.amount_mtiyn


def test_exhausting_the_budget_stops_serving(
    client: TestClient, app: FastAPI, session: Session, world: World
) -> None:
    # A daily budget of 2.40 ₸ is two clicks at the 120-tiyn reserve (the only bidder).
    live_listing(client, world.a, world.milk_a, bid_tiyn=300, daily_budget_tiyn=240)
    runtime = runtime_of(app)
    runtime.refresh()
    statuses = []
    for _ in range(3):
        winners = search(client, world.admin)["winners"]
        if not winners:
            break
        click = client.get(token_path(winners[0]["click_url"]))
        assert click.status_code == 204
        statuses.append(winners[0]["price_tiyn"])
    assert statuses == [120, 120]
    assert sum(e.amount_mtiyn for e in _ledger(session)) == 240 * MTIYN_PER_TIYN
    assert search(client, world.admin)["winners"] == []


def test_a_cpm_banner_impression_charges_a_thousandth_of_its_price(
    client: TestClient, app: FastAPI, session: Session, world: World
) -> None:
    campaign, creative = live_banner(client, world)
    runtime_of(app).refresh()
    # A user the campaign's default holdout (5 % of users, by campaign id) shows the ad to.
    holdouts = runtime_of(app).holdouts
    user = next(
        f"card-{n}" for n in range(7, 99) if not holdouts.holds_out(campaign["id"], f"card-{n}")
    )
    body = {"placements": [{"placement": "home-hero"}], "user_id": user}
    response = client.post("/api/v1/decisions", json=body, headers=world.admin.headers)
    (winner,) = response.json()["placements"][0]["winners"]
    assert winner["kind"] == "banner"
    assert winner["billing"] == "cpm"
    assert winner["creative"]["asset_url"] == creative["asset_url"]

    for _ in range(2):
        assert client.get(token_path(winner["impression_url"])).status_code == 200
    (entry,) = _ledger(session)
    assert entry.event == "impression"
    assert entry.creative_id == creative["id"]
    assert entry.amount_mtiyn == winner["price_tiyn"]  # price per mille, in milli-tiyn
    frequency = runtime_of(app).state.frequency(user, dt.datetime.now(dt.UTC))
    assert frequency[winner["campaign_id"]] == (1, 1)  # the reloaded pixel counted once

    click = client.get(token_path(winner["click_url"]), follow_redirects=False)
    assert click.status_code == 302
    assert click.headers["location"] == "https://magnum.kz/milk"
    assert len(_ledger(session)) == 1  # a CPM click bills nothing


def _tampered(token: str, **changes: object) -> str:
    kid, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if "price" in changes:
        body[8] = changes["price"]
    if "landing" in changes:
        body[10] = changes["landing"]
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{kid}.{forged}.{signature}"


def _rejected(app: FastAPI, reason: str) -> float:
    registry = app.state.metrics.registry
    value = registry.get_sample_value("jarnama_tracking_rejected_tokens_total", {"reason": reason})
    return float(value or 0)


def test_tampered_and_expired_tokens_are_refused_counted_and_never_billed(
    client: TestClient, app: FastAPI, session: Session, world: World
) -> None:
    live_listing(client, world.a, world.milk_a)
    runtime = runtime_of(app)
    runtime.refresh()
    token = search(client, world.admin)["winners"][0]["resolved_bid_id"]

    cheaper = _tampered(token, price=1)
    response = client.get(f"/t/c/{cheaper}")
    assert error_of(response)[:1] == (400,)
    assert response.json()["error"] == "invalid_resolved_bid_id"
    assert _rejected(app, "bad_signature") == 1
    for bad in ("junk", "a.b", f"zz.{token.split('.', 1)[1]}"):
        assert client.get(f"/t/i/{bad}").status_code == 400
    assert _rejected(app, "malformed") == 2
    assert _rejected(app, "unknown_key") == 1

    later = dt.datetime.now(dt.UTC) + runtime.token_ttl + dt.timedelta(seconds=1)
    with pytest.raises(Exception, match="expired"):
        charge_event(runtime, session, token, EventKind.CLICK, later)
    assert _rejected(app, "expired") == 1
    assert _ledger(session) == []


def test_the_click_link_is_never_an_open_redirect(
    client: TestClient, app: FastAPI, world: World
) -> None:
    live_banner(client, world)
    runtime = runtime_of(app)
    runtime.refresh()
    body = {"placements": [{"placement": "home-hero"}]}
    winner = client.post("/api/v1/decisions", json=body, headers=world.admin.headers).json()[
        "placements"
    ][0]["winners"][0]
    token = winner["resolved_bid_id"]

    # A landing swapped into the token breaks the signature: no redirect at all.
    forged = client.get(f"/t/c/{_tampered(token, landing='https://evil.example/')}")
    assert forged.status_code == 400
    assert "location" not in forged.headers
    # Query strings are not a way in either: the landing comes only from the signed token.
    sneaky = client.get(f"/t/c/{token}?next=https://evil.example/", follow_redirects=False)
    assert sneaky.headers["location"] == "https://magnum.kz/milk"
    # Even a signed non-http landing is not followed.
    now = int(dt.datetime.now(dt.UTC).timestamp())
    script = runtime.signer.sign(
        BidClaims(
            bid_id="x" * 16,
            campaign_id=winner["campaign_id"],
            ad_group_id=winner["ad_group_id"],
            account_id=world.a_id,
            placement_id=1,
            product_id=None,
            creative_id=winner["creative"]["id"],
            price_tiyn=1,
            billing=BillingModel.CPM,
            landing_url="javascript:alert(1)",
            issued_at=now,
            expires_at=now + 60,
        )
    )
    assert client.get(f"/t/c/{script}", follow_redirects=False).status_code == 204


def test_only_the_network_key_with_the_auctions_scope_may_ask_for_decisions(
    client: TestClient, app: FastAPI, session: Session, world: World
) -> None:
    runtime_of(app).refresh()
    body = {"placements": [{"placement": "search-top", "search_query": "молоко"}]}
    advertiser = client.post("/api/v1/decisions", json=body, headers=world.a.headers)
    assert advertiser.status_code == 403
    events_only = api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.EVENTS,))
    assert (
        client.post("/api/v1/decisions", json=body, headers=events_only.headers).status_code == 403
    )
    auctions_only = api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.AUCTIONS,))
    assert (
        client.post("/api/v1/decisions", json=body, headers=auctions_only.headers).status_code
        == 200
    )
    assert client.post("/api/v1/decisions", json=body).status_code == 401


def test_bad_input_answers_400_naming_the_field(
    client: TestClient, app: FastAPI, world: World
) -> None:
    runtime_of(app).refresh()
    cases = [
        ({"placements": [{"placement": "nowhere"}]}, "placements[0].placement"),
        (
            {
                "placements": [
                    {"placement": "search-top", "candidates": {"ids": list(range(1, 502))}}
                ]
            },
            "placements[0].candidates.ids",
        ),
        (
            {
                "placements": [
                    {"placement": "search-top"},
                    {"placement": "search-top", "candidates": {"ids": [1], "quality_scores": [2]}},
                ]
            },
            "placements[1].candidates.quality_scores",
        ),
        (
            {
                "placements": [
                    {
                        "placement": "search-top",
                        "candidates": {"ids": [1, 2], "quality_scores": [1]},
                    }
                ]
            },
            "placements[0].candidates.quality_scores",
        ),
        (
            {
                "placements": [
                    {"placement": "search-top", "candidates": {"ids": [1], "skus": ["A"]}}
                ]
            },
            "placements[0].candidates",
        ),
        (
            {"placements": [{"placement": "search-top"}], "context": {"store_code": "X"}},
            "context.store_code",
        ),
    ]
    for body, field in cases:
        response = client.post("/api/v1/decisions", json=body, headers=world.admin.headers)
        assert error_of(response)[:2] == (400, field), response.text
    malformed = client.post(
        "/api/v1/decisions", json={"placements": []}, headers=world.admin.headers
    )
    assert malformed.status_code == 422


def test_charge_event_reports_what_happened(
    client: TestClient, app: FastAPI, session: Session, world: World
) -> None:
    live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    runtime = runtime_of(app)
    runtime.refresh()
    token = search(client, world.admin)["winners"][0]["resolved_bid_id"]
    assert charge_event(runtime, session, token, EventKind.IMPRESSION).status is (
        EventStatus.NOT_BILLABLE
    )
    first = charge_event(runtime, session, token, EventKind.CLICK)
    assert first.status is EventStatus.CHARGED
    assert first.amount_mtiyn == 120_000
    assert charge_event(runtime, session, token, EventKind.CLICK).status is EventStatus.DUPLICATE
    assert session.scalar(select(func.count()).select_from(SpendEntry)) == 1


def test_a_malformed_decision_body_names_the_field_as_every_route_does(
    client: TestClient, world: World
) -> None:
    headers = {**world.admin.headers, "content-type": "application/json"}
    cases = [
        (b'{"placements": [{"placement": "search-top", "slots": 0}]}', "placements.0.slots"),
        (b'{"placements": [{"placement": "search-top"}], "extra": 1}', "extra"),
        (b'{"placements": [', None),
        (b"", None),
    ]
    for raw, field in cases:
        response = client.post("/api/v1/decisions", content=raw, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "validation_error"
        assert response.json()["field"] == field, response.text
    unauthenticated = client.post("/api/v1/decisions", content=b"{")
    assert unauthenticated.status_code == 401  # the caller is checked before the body

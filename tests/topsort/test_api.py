"""`POST /v2/auctions` and `POST /v2/events` driven with the Topsort spec's own request bodies."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.decisioning.models import SpendEntry
from jarnama.tenancy.models import Role, Scope
from jarnama.topsort.schemas import AuctionsResponse, TopsortError
from jarnama.tracking import events as ev
from jarnama.tracking.log import read_log
from tests.factories import Caller, api_caller
from tests.topsort import spec_examples as ex
from tests.topsort.live import SPEC_SKUS, Network


def _auctions(client: TestClient, caller: Caller, body: Any) -> dict[str, Any]:
    response = client.post("/v2/auctions", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _ledger_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SpendEntry)) or 0


def _metric(app: FastAPI, name: str, **labels: str) -> float:
    registry: CollectorRegistry = app.state.metrics.registry
    return registry.get_sample_value(name, labels) or 0.0


# --- auctions ------------------------------------------------------------------------------


def test_basic_listings_example_returns_ranked_winners(
    client: TestClient, network: Network
) -> None:
    body = _auctions(client, network.retailer, ex.AUCTIONS_BASIC_LISTINGS)
    (result,) = body["results"]
    assert result["resultType"] == "listings"
    assert result["error"] is False
    winners = result["winners"]
    assert [w["rank"] for w in winners] == [1, 2]
    assert [w["id"] for w in winners] == ["p_PJbnN", "p_ojng4"]  # 300 tiyn outbids 200
    for winner in winners:
        assert set(winner) == {"rank", "type", "id", "resolvedBidId", "campaignId"}
        assert winner["type"] == "product"
        assert isinstance(winner["campaignId"], str)
        assert winner["resolvedBidId"]


def test_geo_targeted_listings_and_banner_examples_in_one_batch(
    client: TestClient, network: Network
) -> None:
    banner = copy.deepcopy(ex.BANNERS_AUCTION_CATEGORY)
    banner["category"] = {"id": "dairy/milk"}  # the spec's c_yogurt is not in this catalog
    body = {"auctions": [ex.LISTINGS_AUCTION_GEO, ex.BANNERS_AUCTION_CATEGORY, banner]}
    listings, spec_banner, banners = _auctions(client, network.retailer, body)["results"]
    assert listings["resultType"] == "listings"
    assert len(listings["winners"]) == 2
    assert {w["id"] for w in listings["winners"]} <= set(SPEC_SKUS)
    # An unknown category holds no product: no winners, not an error (as Topsort answers).
    assert spec_banner == {"resultType": "banners", "winners": [], "error": False}
    assert banners["resultType"] == "banners"
    assert banners["error"] is False
    (won,) = banners["winners"]
    assert won["rank"] == 1
    assert won["asset"][0]["url"] == "https://cdn.example.kz/milk-728x90.png"
    assert won["resolvedBidId"]


def test_search_query_listings_auction(client: TestClient, network: Network) -> None:
    body = {"auctions": [{"type": "listings", "slots": 4, "searchQuery": "Молоко"}]}
    (result,) = _auctions(client, network.retailer, body)["results"]
    assert result["error"] is False
    assert {w["id"] for w in result["winners"]} & set(SPEC_SKUS)


def test_unknown_banner_slot_is_an_auction_error(client: TestClient, network: Network) -> None:
    body = {"auctions": [{"type": "banners", "slots": 1, "slotId": "no-such-slot"}]}
    assert _auctions(client, network.retailer, body) == {
        "results": [{"resultType": "banners", "winners": [], "error": True}]
    }


def test_external_demand_example_is_refused_as_unauthorized(
    client: TestClient, network: Network
) -> None:
    response = client.post(
        "/v2/auctions", json=ex.AUCTIONS_EXTERNAL_DEMAND, headers=network.retailer.headers
    )
    assert response.status_code == 400
    assert response.json()["errCode"] == "unauthorized_external_demand"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "missing_auctions"),
        ({"auctions": [ex.LISTINGS_AUCTION_GEO] * 6}, "too_many_auctions"),
        ({"auctions": [{"type": "banners", "slots": 1}]}, "missing_slot_id"),
        ({"auctions": [{"type": "listings", "slots": 0, "searchQuery": "x"}]}, "too_few_slots"),
        ("not json", "bad_request"),
    ],
)
def test_bad_auction_bodies_answer_topsort_errors(
    client: TestClient, network: Network, body: Any, code: str
) -> None:
    if isinstance(body, str):
        response = client.post(
            "/v2/auctions",
            content=body,
            headers={**network.retailer.headers, "Content-Type": "application/json"},
        )
    else:
        response = client.post("/v2/auctions", json=body, headers=network.retailer.headers)
    assert response.status_code == 400
    error = response.json()
    assert set(error) == {"errCode", "message"}
    assert error["errCode"] == code


# --- authentication ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v2/auctions", "/v2/events"])
def test_missing_or_wrong_keys_are_401_invalid_api_key(
    client: TestClient, network: Network, session: Session, path: str
) -> None:
    body = ex.AUCTIONS_BASIC_LISTINGS if path.endswith("auctions") else ex.EVENTS_PURCHASES
    read_only_network_key = api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.READ,))
    for headers in (
        {},
        {"Authorization": "Bearer jk_nope_nope"},
        network.world.a.headers,  # an advertiser's key: sees no other tenant's ads or prices
        read_only_network_key.headers,
    ):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 401, response.text
        assert response.json()["errCode"] == "invalid_api_key"
        assert response.headers["www-authenticate"] == "Bearer"


# --- events --------------------------------------------------------------------------------


def _with_bid(example: dict[str, Any], kind: str, resolved_bid_id: str) -> dict[str, Any]:
    body = copy.deepcopy(example)
    body[kind][0]["resolvedBidId"] = resolved_bid_id
    return body


def test_click_on_a_listing_is_charged_once(
    client: TestClient, network: Network, session: Session, app: FastAPI
) -> None:
    (result,) = _auctions(client, network.retailer, ex.AUCTIONS_BASIC_LISTINGS)["results"]
    bid_id = result["winners"][0]["resolvedBidId"]
    before = _ledger_rows(session)
    impression = _with_bid(ex.EVENTS_IMPRESSIONS, "impressions", bid_id)
    response = client.post("/v2/events", json=impression, headers=network.retailer.headers)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert _ledger_rows(session) == before  # a CPC listing is not billed on its impression
    click = _with_bid(ex.EVENTS_CLICKS, "clicks", bid_id)
    for _ in range(2):  # a retried batch charges nothing more
        response = client.post("/v2/events", json=click, headers=network.retailer.headers)
        assert response.status_code == 204, response.text
    assert _ledger_rows(session) == before + 1
    assert _metric(app, "jarnama_topsort_events_total", kind="click_sponsored") == 2


def test_the_specs_own_resolved_bid_id_is_not_found(client: TestClient, network: Network) -> None:
    response = client.post("/v2/events", json=ex.EVENTS_CLICKS, headers=network.retailer.headers)
    assert response.status_code == 400
    assert response.json()["errCode"] == "resolved_bid_id_not_found"


@pytest.mark.parametrize("example", [ex.EVENTS_PURCHASES, ex.EVENTS_PAGEVIEWS])
def test_purchases_and_pageviews_are_accepted_and_counted(
    client: TestClient, network: Network, app: FastAPI, example: dict[str, Any]
) -> None:
    response = client.post("/v2/events", json=example, headers=network.retailer.headers)
    assert response.status_code == 204, response.text
    kind = "purchase" if "purchases" in example else "pageview"
    assert _metric(app, "jarnama_topsort_events_total", kind=kind) == len(
        next(iter(example.values()))
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "empty_request"),
        ({"likes": []}, "invalid_event_type"),
        (
            {"purchases": [{**ex.EVENTS_PURCHASES["purchases"][1], "items": []}]},
            "no_purchase_items",
        ),
    ],
)
def test_bad_event_batches_answer_topsort_errors(
    client: TestClient, network: Network, body: Any, code: str
) -> None:
    response = client.post("/v2/events", json=body, headers=network.retailer.headers)
    assert response.status_code == 400
    assert response.json()["errCode"] == code


# --- generated bodies against a live network -----------------------------------------------


def test_generated_auction_batches_never_fail_the_server(
    client: TestClient, network: Network, app: FastAPI
) -> None:
    """Bodies drawn from the documented schema: 201 (or 400 for the spec's cross-field rules)."""
    schema = schemathesis.openapi.from_dict(app.openapi())
    operation = schema["/v2/auctions"]["POST"]
    cases = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
    statuses: set[int] = set()

    @hypothesis.settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=cases)
    def call(case: Any) -> None:
        body = case.body
        response = client.post("/v2/auctions", json=body, headers=network.retailer.headers)
        statuses.add(response.status_code)
        assert response.status_code in (201, 400), response.text
        if response.status_code == 201:
            results = AuctionsResponse.model_validate(response.json()).results
            assert len(results) == len(body["auctions"])
        else:
            assert TopsortError.model_validate(response.json()).err_code

    call()
    assert 201 in statuses


def test_purchases_go_to_the_event_intake_in_tiyn_and_a_retry_is_one_purchase(
    client: TestClient, network: Network, settings: Settings
) -> None:
    for _ in range(2):
        response = client.post(
            "/v2/events", json=ex.EVENTS_PURCHASES, headers=network.retailer.headers
        )
        assert response.status_code == 204, response.text
    logged = [ev.decode(r.payload) for r in read_log(Path(settings.events.log_dir))]
    online, store = logged  # the retried batch wrote nothing more
    assert isinstance(online, ev.Purchase)
    assert isinstance(store, ev.Purchase)
    assert online.order_id == "0e06c899-b2cd-4e0d-b0de-8aefb4b6d0a0"
    assert (online.channel, store.channel) == ("online", "store")
    assert online.user_id == "71303ce0-de89-496d-8270-6434589615e8"
    assert [(ln.sku, ln.quantity, ln.unit_price_tiyn) for ln in online.lines] == [
        ("p_SA0238", 2, 1295),
        ("p_oajf2D", 1, 149),
    ]
    assert store.lines[0].unit_price_tiyn == 11995


def test_a_purchase_the_intake_cannot_hold_refuses_the_batch(
    client: TestClient, network: Network, settings: Settings
) -> None:
    body = copy.deepcopy(ex.EVENTS_PURCHASES)
    body["purchases"][0]["items"][0]["quantity"] = 10**9
    response = client.post("/v2/events", json=body, headers=network.retailer.headers)
    assert response.status_code == 400
    assert response.json()["errCode"] == "bad_request"
    assert not Path(settings.events.log_dir).exists() or not list(
        read_log(Path(settings.events.log_dir))
    )

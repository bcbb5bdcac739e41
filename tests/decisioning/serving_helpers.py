"""Helpers of the online decision tests: live campaigns made through the campaigns API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from jarnama.decisioning.runtime import DecisionRuntime
from tests.campaigns.helpers import (
    World,
    banner_group,
    create_ad_group,
    create_campaign,
    create_creative,
    in_days,
    listing_body,
)
from tests.factories import Caller


def runtime_of(app: FastAPI) -> DecisionRuntime:
    """The app's decision runtime (the client fixture has run the lifespan)."""
    runtime: DecisionRuntime = app.state.decision_runtime
    return runtime


def activate(client: TestClient, caller: Caller, campaign_id: int) -> None:
    """Set a campaign active through the API."""
    response = client.post(
        f"/api/v1/campaigns/{campaign_id}/status", json={"status": "active"}, headers=caller.headers
    )
    assert response.status_code == 200, response.text


def live_listing(
    client: TestClient,
    caller: Caller,
    product_id: int,
    *,
    bid_tiyn: int = 150,
    campaign: dict[str, Any] | None = None,
    **campaign_overrides: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An active campaign (started yesterday, as fast as possible) with one listing ad group."""
    campaign = campaign or create_campaign(
        client,
        caller,
        starts_at=in_days(-1),
        ends_at=in_days(30),
        pacing="asap",
        **campaign_overrides,
    )
    group = create_ad_group(
        client, caller, listing_body(campaign["id"], product_id, bid_tiyn=bid_tiyn)
    )
    activate(client, caller, campaign["id"])
    return campaign, group


def live_banner(client: TestClient, world: World) -> tuple[dict[str, Any], dict[str, Any]]:
    """An active banner campaign of advertiser A with an approved 728x90 creative."""
    campaign = create_campaign(
        client, world.a, starts_at=in_days(-1), ends_at=in_days(30), pacing="asap"
    )
    group = banner_group(client, world.a, campaign["id"])
    creative = create_creative(client, world.a, group["id"])
    approved = client.post(
        f"/api/v1/creatives/{creative['id']}/approve", headers=world.admin.headers
    )
    assert approved.status_code == 200, approved.text
    activate(client, world.a, campaign["id"])
    return campaign, creative


def search(client: TestClient, caller: Caller, query: str = "молоко", **ask: Any) -> dict[str, Any]:
    """Ask for the search-top placement (4 slots) and return the first placement's result."""
    body = {"placements": [{"placement": "search-top", "search_query": query, **ask}]}
    response = client.post("/api/v1/decisions", json=body, headers=caller.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["placements"][0]
    return result


def token_path(url: str) -> str:
    """The path part of a tracking URL (the test client talks to the app directly)."""
    return url[url.index("/t/") :]

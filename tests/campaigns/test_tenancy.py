"""One supplier can never see or change another's campaigns, ad groups or creatives."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.campaigns.helpers import (
    World,
    audit_total,
    banner_group,
    campaign_body,
    create_ad_group,
    create_campaign,
    create_creative,
    listing_body,
)
from tests.factories import Caller


def _a_owns_everything(client: TestClient, world: World) -> dict[str, int]:
    campaign = create_campaign(client, world.a)
    listing = create_ad_group(client, world.a, listing_body(campaign["id"], world.milk_a))
    banner = banner_group(client, world.a, campaign["id"])
    creative = create_creative(client, world.a, banner["id"])
    return {
        "campaign": campaign["id"],
        "ad_group": listing["id"],
        "banner": banner["id"],
        "creative": creative["id"],
    }


@pytest.mark.parametrize("who", ["foreign advertiser", "foreign analyst"])
def test_another_advertiser_gets_404_for_everything_of_a(
    client: TestClient, session: Session, world: World, who: str
) -> None:
    ids = _a_owns_everything(client, world)
    caller = world.b if who == "foreign advertiser" else world.b_analyst
    before = audit_total(session)
    _assert_invisible_and_untouchable(client, caller, ids, world.a_id, world)
    assert audit_total(session) == before


def test_an_agency_gets_404_for_a_non_clients_objects(
    client: TestClient, session: Session, world: World
) -> None:
    # The agency acts for A only; B's objects must be invisible to it.
    campaign = create_campaign(client, world.b)
    listing = create_ad_group(
        client, world.b, listing_body(campaign["id"], world.milk_b, bid_tiyn=200)
    )
    banner = banner_group(client, world.b, campaign["id"])
    creative = create_creative(client, world.b, banner["id"])
    ids = {
        "campaign": campaign["id"],
        "ad_group": listing["id"],
        "banner": banner["id"],
        "creative": creative["id"],
    }
    before = audit_total(session)
    _assert_invisible_and_untouchable(client, world.agency, ids, world.b_id, world)
    assert audit_total(session) == before
    # …while the agency does see and change its client's objects.
    own = _a_owns_everything(client, world)
    assert (
        client.get(f"/api/v1/campaigns/{own['campaign']}", headers=world.agency.headers).status_code
        == 200
    )
    assert (
        client.patch(
            f"/api/v1/ad-groups/{own['ad_group']}",
            json={"bid_tiyn": 200},
            headers=world.agency.headers,
        ).status_code
        == 200
    )


def _assert_invisible_and_untouchable(
    client: TestClient, caller: Caller, ids: dict[str, int], owner: int, world: World
) -> None:
    """Every read of the owner's objects answers 404, every write 404 (or 403 if read-only)."""
    h = caller.headers
    campaign, group, banner, creative = (
        ids["campaign"],
        ids["ad_group"],
        ids["banner"],
        ids["creative"],
    )
    requests: list[tuple[str, str, Any]] = [
        ("GET", f"/api/v1/campaigns/{campaign}", None),
        ("PATCH", f"/api/v1/campaigns/{campaign}", {"name": "mine now"}),
        ("POST", f"/api/v1/campaigns/{campaign}/status", {"status": "active"}),
        ("GET", f"/api/v1/ad-groups/{group}", None),
        ("PATCH", f"/api/v1/ad-groups/{group}", {"bid_tiyn": 100_000}),
        ("POST", f"/api/v1/ad-groups/{group}/status", {"status": "paused"}),
        ("GET", f"/api/v1/creatives/{creative}", None),
        ("PATCH", f"/api/v1/creatives/{creative}", {"name": "mine now"}),
    ]
    read_only = caller.role.value == "account_analyst"
    for method, url, body in requests:
        response = client.request(method, url, json=body, headers=h)
        expected = {403, 404} if read_only and method != "GET" else {404}
        assert response.status_code in expected, (method, url, response.text)

    creates: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/ad-groups", listing_body(campaign, world.milk_b, bid_tiyn=200)),
        (
            "/api/v1/creatives",
            {
                "ad_group_id": banner,
                "name": "x",
                "asset_url": "https://cdn.example.kz/x.png",
                "width": 728,
                "height": 90,
                "landing_url": "https://example.kz",
            },
        ),
    ]
    creates.append(("/api/v1/campaigns", campaign_body(account_id=owner)))
    for url, body in creates:
        response = client.post(url, json=body, headers=h)
        assert response.status_code in ({403, 404} if read_only else {404}), response.text
    # Reviewing creatives is the network admin's alone: refused before any lookup.
    for action, review in (("approve", None), ("reject", {"reason": "mine now"})):
        response = client.post(f"/api/v1/creatives/{creative}/{action}", json=review, headers=h)
        assert response.status_code == 403, (action, response.text)

    for url in ("/api/v1/campaigns", "/api/v1/ad-groups", "/api/v1/creatives"):
        listed = client.get(url, headers=h).json()["items"]
        assert all(item["account_id"] != owner for item in listed), url
    filtered = client.get("/api/v1/ad-groups", params={"campaign_id": campaign}, headers=h)
    assert filtered.json()["items"] == []
    by_group = client.get("/api/v1/creatives", params={"ad_group_id": banner}, headers=h)
    assert by_group.json()["items"] == []
    by_account = client.get("/api/v1/campaigns", params={"account_id": owner}, headers=h)
    assert by_account.json()["items"] == []


def test_own_analyst_reads_but_never_writes(
    client: TestClient, session: Session, world: World
) -> None:
    ids = _a_owns_everything(client, world)
    h = world.a_analyst.headers
    assert client.get(f"/api/v1/campaigns/{ids['campaign']}", headers=h).status_code == 200
    assert client.get(f"/api/v1/ad-groups/{ids['ad_group']}", headers=h).status_code == 200
    assert client.get(f"/api/v1/creatives/{ids['creative']}", headers=h).status_code == 200
    before = audit_total(session)
    writes: list[tuple[str, str, Any]] = [
        ("POST", "/api/v1/campaigns", campaign_body()),
        ("PATCH", f"/api/v1/campaigns/{ids['campaign']}", {"name": "x"}),
        ("POST", f"/api/v1/campaigns/{ids['campaign']}/status", {"status": "active"}),
        ("POST", "/api/v1/ad-groups", listing_body(ids["campaign"], world.milk_a)),
        ("PATCH", f"/api/v1/ad-groups/{ids['ad_group']}", {"bid_tiyn": 500}),
        ("POST", f"/api/v1/ad-groups/{ids['ad_group']}/status", {"status": "paused"}),
        ("PATCH", f"/api/v1/creatives/{ids['creative']}", {"name": "x"}),
    ]
    for method, url, body in writes:
        response = client.request(method, url, json=body, headers=h)
        assert response.status_code == 403, (method, url, response.text)
    assert audit_total(session) == before

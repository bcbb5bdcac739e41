"""Banner creatives: size and URL checks, and the network admin's review."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.campaigns.helpers import (
    World,
    audit_entries,
    banner_group,
    create_ad_group,
    create_campaign,
    create_creative,
    error_of,
    listing_body,
)

URL = "/api/v1/creatives"


def test_a_new_creative_waits_for_review(
    client: TestClient, session: Session, world: World
) -> None:
    group = banner_group(client, world.a, create_campaign(client, world.a)["id"])
    creative = create_creative(client, world.a, group["id"])
    assert creative["status"] == "pending"
    assert creative["account_id"] == world.a_id
    assert creative["rejection_reason"] is None
    assert [e.action for e in audit_entries(session, "creative", creative["id"])] == ["create"]
    other_size = create_creative(client, world.a, group["id"], width=320, height=50)
    assert other_size["status"] == "pending"


def test_creative_checks_name_the_field(client: TestClient, world: World) -> None:
    campaign = create_campaign(client, world.a)
    group = banner_group(client, world.a, campaign["id"])
    listing = create_ad_group(client, world.a, listing_body(campaign["id"], world.milk_a))
    base = {
        "ad_group_id": group["id"],
        "name": "Banner",
        "asset_url": "https://cdn.example.kz/a.png",
        "width": 728,
        "height": 90,
        "landing_url": "https://magnum.kz/milk",
    }
    cases: list[tuple[dict[str, Any], int, str, str]] = [
        ({"width": 300, "height": 250}, 400, "width", "sizes: 320x50, 728x90"),
        ({"landing_url": "http://magnum.kz/milk"}, 400, "landing_url", "https"),
        ({"landing_url": "javascript:alert(1)"}, 400, "landing_url", "https"),
        ({"landing_url": None}, 400, "landing_url", "needs a landing_url"),
        ({"asset_url": "ftp://cdn.example.kz/a.png"}, 400, "asset_url", "https"),
        ({"asset_url": "https://user:pw@cdn.example.kz/a.png"}, 400, "asset_url", "credentials"),
        ({"ad_group_id": listing["id"]}, 400, "ad_group_id", "not creatives"),
        ({"ad_group_id": 424242}, 404, "ad_group_id", "not found"),
        ({"width": 72.8}, 422, "width", ""),
    ]
    for overrides, status, field, words in cases:
        response = client.post(URL, json={**base, **overrides}, headers=world.a.headers)
        code, got_field, detail = error_of(response)
        assert (code, got_field) == (status, field), (overrides, response.text)
        assert words in detail


def test_only_network_admins_review(client: TestClient, session: Session, world: World) -> None:
    group = banner_group(client, world.a, create_campaign(client, world.a)["id"])
    creative = create_creative(client, world.a, group["id"])
    url = f"{URL}/{creative['id']}"
    assert client.post(f"{url}/approve", headers=world.a.headers).status_code == 403
    reject = client.post(f"{url}/reject", json={"reason": "no"}, headers=world.agency.headers)
    assert reject.status_code == 403

    blank = client.post(f"{url}/reject", json={"reason": "   "}, headers=world.admin.headers)
    assert error_of(blank)[:2] == (400, "reason")
    rejected = client.post(
        f"{url}/reject",
        json={"reason": "Текст на баннере только на русском: нужен казахский вариант"},
        headers=world.admin.headers,
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"].startswith("Текст на баннере")
    shown = client.get(url, headers=world.a.headers).json()
    assert shown["rejection_reason"] == rejected.json()["rejection_reason"]

    approved = client.post(f"{url}/approve", headers=world.admin.headers)
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "approved"
    assert body["rejection_reason"] is None
    assert body["reviewed_by"] is not None
    assert body["reviewed_at"] is not None
    assert client.post(f"{url}/approve", headers=world.admin.headers).status_code == 409
    actions = [e.action for e in audit_entries(session, "creative", creative["id"])]
    assert actions == ["create", "reject", "approve"]
    reject_entry = audit_entries(session, "creative", creative["id"])[1]
    assert reject_entry.note is not None
    assert reject_entry.note.startswith("Текст")


def test_editing_an_approved_creative_sends_it_back_to_review(
    client: TestClient, session: Session, world: World
) -> None:
    group = banner_group(client, world.a, create_campaign(client, world.a)["id"])
    creative = create_creative(client, world.a, group["id"])
    url = f"{URL}/{creative['id']}"
    client.post(f"{url}/approve", headers=world.admin.headers)

    renamed = client.patch(url, json={"name": "Milk week (final)"}, headers=world.a.headers)
    assert renamed.status_code == 200
    assert renamed.json()["status"] == "approved"  # shoppers never see the name

    changed = client.patch(
        url, json={"landing_url": "https://magnum.kz/milk-week"}, headers=world.a.headers
    )
    assert changed.status_code == 200
    assert changed.json()["status"] == "pending"
    assert changed.json()["reviewed_at"] is None
    wrong_size = client.patch(url, json={"width": 100}, headers=world.a.headers)
    assert error_of(wrong_size)[:2] == (400, "width")
    assert audit_entries(session, "creative", creative["id"])[-1].note == "back to pending review"


def test_review_queue_lists_pending_creatives_of_every_advertiser(
    client: TestClient, world: World
) -> None:
    group_a = banner_group(client, world.a, create_campaign(client, world.a)["id"])
    group_b = banner_group(client, world.b, create_campaign(client, world.b)["id"])
    first = create_creative(client, world.a, group_a["id"])
    second = create_creative(client, world.b, group_b["id"])
    done = create_creative(client, world.b, group_b["id"])
    client.post(f"{URL}/{done['id']}/approve", headers=world.admin.headers)
    queue = client.get(URL, params={"status": "pending"}, headers=world.admin.headers).json()
    assert [c["id"] for c in queue["items"]] == [first["id"], second["id"]]
    mine = client.get(URL, headers=world.b.headers).json()
    assert [c["id"] for c in mine["items"]] == [second["id"], done["id"]]


def test_screen_creatives_match_the_screen_size(client: TestClient, world: World) -> None:
    campaign = create_campaign(client, world.a)
    screen = create_ad_group(
        client,
        world.a,
        {
            "campaign_id": campaign["id"],
            "name": "Screens",
            "kind": "in_store_screen",
            "bid_tiyn": 600,
        },
    )
    body = {
        "ad_group_id": screen["id"],
        "name": "Checkout loop",
        "asset_url": "https://cdn.example.kz/loop.mp4",
        "width": 1920,
        "height": 1080,
    }
    created = client.post(URL, json=body, headers=world.a.headers)
    assert created.status_code == 201, created.text
    assert created.json()["landing_url"] is None
    wrong = client.post(URL, json={**body, "width": 1080, "height": 1920}, headers=world.a.headers)
    assert error_of(wrong)[:2] == (400, "width")

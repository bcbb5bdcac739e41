"""The serving state: what the auction snapshot is compiled from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.campaigns.segments import hash_user_id
from jarnama.campaigns.serving import ServingDaypart, list_serving_state, serving_fingerprint
from tests.campaigns.helpers import (
    World,
    banner_group,
    create_ad_group,
    create_campaign,
    create_creative,
    in_days,
    listing_body,
)


def _activate(client: TestClient, world: World, campaign_id: int) -> None:
    response = client.post(
        f"/api/v1/campaigns/{campaign_id}/status",
        json={"status": "active"},
        headers=world.a.headers,
    )
    assert response.status_code == 200, response.text


def test_serving_state_holds_active_campaigns_with_everything_the_auction_needs(
    client: TestClient, session: Session, world: World
) -> None:
    segment = client.post(
        "/api/v1/audience-segments",
        json={"code": "loyal-dairy", "name": "Dairy"},
        headers=world.admin.headers,
    ).json()
    client.post(
        "/api/v1/audience-segments/import",
        content=b"segment,user_id\nloyal-dairy,card-1\n",
        headers={**world.admin.headers, "Content-Type": "text/csv"},
    )
    running = create_campaign(
        client,
        world.a,
        starts_at=in_days(-1),
        ends_at=in_days(30),
        dayparting={"sun": [{"from_hour": 9, "to_hour": 21}]},
    )
    listing = create_ad_group(
        client,
        world.a,
        listing_body(
            running["id"],
            world.milk_a,
            audience_segment_ids=[segment["id"]],
            placement_codes=["search-top"],
            bid_multipliers={"search-top": "1.5"},
            frequency_cap_day=2,
            frequency_cap_week=5,
        ),
    )
    paused_group = create_ad_group(client, world.a, listing_body(running["id"], world.kefir_a))
    client.post(
        f"/api/v1/ad-groups/{paused_group['id']}/status",
        json={"status": "paused"},
        headers=world.a.headers,
    )
    banner = banner_group(client, world.a, running["id"])
    approved = create_creative(client, world.a, banner["id"])
    create_creative(client, world.a, banner["id"], name="still pending")
    client.post(f"/api/v1/creatives/{approved['id']}/approve", headers=world.admin.headers)
    _activate(client, world, running["id"])

    draft = create_campaign(client, world.a)
    create_ad_group(client, world.a, listing_body(draft["id"], world.milk_a))
    ended_by_time = create_campaign(client, world.a, starts_at=in_days(-9), ends_at=in_days(3))
    _activate(client, world, ended_by_time["id"])
    scheduled = create_campaign(client, world.a, starts_at=in_days(5), ends_at=in_days(9))
    _activate(client, world, scheduled["id"])

    state = list_serving_state(session)
    by_id = {c.id: c for c in state.campaigns}
    assert set(by_id) == {running["id"], ended_by_time["id"], scheduled["id"]}
    later = list_serving_state(session, now=state.built_at + dt.timedelta(days=4))
    assert ended_by_time["id"] not in {c.id for c in later.campaigns}

    campaign = by_id[running["id"]]
    assert campaign.advertiser_id == world.a_id
    assert campaign.dayparts == (ServingDaypart(weekday=6, start_hour=9, end_hour=21),)
    assert campaign.daily_budget_tiyn == 500_000
    assert campaign.pacing == "even"

    groups = {g.id: g for g in state.ad_groups}
    assert set(groups) == {listing["id"], banner["id"]}
    group = groups[listing["id"]]
    assert group.kind == "sponsored_listing"
    assert group.product_ids == (world.milk_a,)
    assert group.bid_multipliers == {"search-top": Decimal("1.5")}
    assert group.targeting.segment_ids == frozenset({segment["id"]})
    assert group.targeting.placement_codes == frozenset({"search-top"})
    assert [k.text for k in group.targeting.keywords] == ["молоко", "сүт"]
    assert (group.frequency_cap_day, group.frequency_cap_week) == (2, 5)
    assert [c.id for c in groups[banner["id"]].creatives] == [approved["id"]]
    assert [c.id for c in state.creatives] == [approved["id"]]
    assert state.segment_members == {segment["id"]: frozenset({hash_user_id("card-1")})}


def test_fingerprint_changes_when_serving_inputs_change(
    client: TestClient, session: Session, world: World
) -> None:
    campaign = create_campaign(client, world.a)
    group = create_ad_group(client, world.a, listing_body(campaign["id"], world.milk_a))
    first = serving_fingerprint(session)
    assert serving_fingerprint(session) == first
    client.patch(
        f"/api/v1/ad-groups/{group['id']}",
        json={"product_ids": [world.kefir_a]},
        headers=world.a.headers,
    )
    second = serving_fingerprint(session)
    assert second != first
    _activate(client, world, campaign["id"])
    assert serving_fingerprint(session) != second

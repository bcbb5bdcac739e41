"""Attribution settings over HTTP: per campaign type, a change recomputes once, bad input named."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.measurement.tables import AttributionRecompute
from jarnama.tenancy.models import AuditEntry
from tests.campaigns.helpers import World, build_world
from tests.decisioning.serving_helpers import live_listing

URL = "/api/v1/measurement/settings"
LISTING = {"click_window_days": 14, "view_window_days": 1, "match_level": "brand"}
BANNER = {"click_window_days": 7, "view_window_days": 7, "match_level": "sku"}


@pytest.fixture
def world(session: Session) -> World:
    """Advertisers A and B, a catalog, callers."""
    return build_world(session)


def _jobs(session: Session) -> list[AttributionRecompute]:
    session.expire_all()
    return list(session.scalars(select(AttributionRecompute).order_by(AttributionRecompute.id)))


def test_a_change_schedules_one_recompute_and_the_same_put_schedules_nothing(
    client: TestClient, session: Session, world: World
) -> None:
    start = client.get(URL, headers=world.a.headers).json()  # suppliers may read the rules
    assert start["network"] == {
        "click_window_days": 14,
        "view_window_days": 1,
        "match_level": "brand",
        "view_requires_viewable": True,
        "overridden": False,
    }
    body = {
        "network": LISTING,
        "campaign_types": {"banner": BANNER},
        "recompute_from": "2026-01-01",
    }
    first = client.put(URL, json=body, headers=world.admin.headers)
    assert first.status_code == 200, first.text
    answer = first.json()
    assert answer["campaign_types"]["banner"]["view_window_days"] == 7
    assert answer["campaign_types"]["banner"]["overridden"] is True
    assert answer["campaign_types"]["in_store_screen"]["overridden"] is False
    assert answer["recompute"]["first_day"] == "2026-01-01"
    (job,) = _jobs(session)
    assert job.status == "done"  # run after the response, on the (empty) store
    assert job.lines == 0

    again = client.put(URL, json=body, headers=world.admin.headers)
    assert again.json()["recompute"] is None  # same rules: nothing to recompute
    assert len(_jobs(session)) == 1
    notes = session.scalars(
        select(AuditEntry.note).where(AuditEntry.entity == "attribution_settings")
    ).all()
    assert len(notes) == 2
    assert notes[0] is not None
    assert notes[0].startswith(f"recompute {job.id}")

    # Dropping the override is a change again (banners fall back to the network's rules).
    back = client.put(URL, json={"network": LISTING}, headers=world.admin.headers)
    assert back.json()["campaign_types"]["banner"]["view_window_days"] == 1
    assert len(_jobs(session)) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"network": {**LISTING, "click_window_days": 31}}, "network.click_window_days"),
        ({"network": {**LISTING, "view_window_days": 0}}, "network.view_window_days"),
        ({"network": {**LISTING, "match_level": "aisle"}}, "network.match_level"),
        ({"network": LISTING, "campaign_types": {"radio": LISTING}}, "campaign_types.radio"),
        ({"network": LISTING, "recompute_from": "2999-01-01"}, "recompute_from"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    client: TestClient, world: World, body: dict[str, object], field: str
) -> None:
    response = client.put(URL, json=body, headers=world.admin.headers)
    assert response.status_code in (400, 422), response.text
    assert field in response.text


def test_only_the_network_admin_changes_rules_and_holdouts(
    client: TestClient, world: World
) -> None:
    assert client.put(URL, json={"network": LISTING}, headers=world.a.headers).status_code == 403
    campaign, _ = live_listing(client, world.a, world.milk_a)
    holdout = f"/api/v1/measurement/campaigns/{campaign['id']}/holdout"
    assert client.put(holdout, json={"share": "0.1"}, headers=world.a.headers).status_code == 403
    too_much = client.put(holdout, json={"share": "0.6"}, headers=world.admin.headers)
    assert too_much.status_code == 422
    assert "share" in too_much.text
    missing = client.put(
        "/api/v1/measurement/campaigns/999999/holdout",
        json={"share": "0.1"},
        headers=world.admin.headers,
    )
    assert missing.status_code == 404


def test_lift_is_the_owners_and_says_when_there_is_no_estimate(
    client: TestClient, world: World
) -> None:
    campaign, _ = live_listing(client, world.a, world.milk_a)
    url = f"/api/v1/measurement/campaigns/{campaign['id']}/lift"
    params = {"since": "2026-03-01", "until": "2026-03-31", "cuped": "true"}
    own = client.get(url, params=params, headers=world.a.headers)
    assert own.status_code == 200, own.text
    data = own.json()
    assert (data["exposed_users"], data["control_users"]) == (0, 0)
    assert data["holdout_share"] == "0"  # the test settings' default (conftest turns 5% off)
    assert data["target"] == "brand"
    assert data["target_skus"] >= 1
    assert data["lift_per_user_tiyn"] is None
    assert "fewer than two" in data["note"]
    assert client.get(url, params=params, headers=world.b.headers).status_code == 404
    backwards = client.get(
        url, params={"since": "2026-03-02", "until": "2026-03-01"}, headers=world.a.headers
    )
    assert backwards.status_code == 400
    assert backwards.json()["field"] == "until"

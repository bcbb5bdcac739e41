"""Ghost ads in the decision path: a held-out user gets the next ad and a priced ghost is logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.measurement.ghosts import PPM, GhostLog, HoldoutPolicy, bucket_below
from jarnama.measurement.incrementality import in_holdout
from jarnama.measurement.settings import MeasurementSettings
from jarnama.measurement.store import AnalyticsStore, LogLoader
from jarnama.tracking import events as ev
from tests.campaigns.helpers import World, build_world
from tests.decisioning.serving_helpers import live_listing, runtime_of

HALF = PPM // 2


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The production default holdout (5%) that tests elsewhere turn off."""
    measurement = settings.measurement.model_copy(update={"holdout_share": Decimal("0.05")})
    return settings.model_copy(update={"measurement": measurement})


@pytest.fixture
def world(session: Session) -> World:
    """Advertisers A and B, milk products, placements, callers."""
    return build_world(session)


DEFAULT_SHARE = PPM * 5 // 100  # the default holdout every other campaign keeps


def _users(campaign_id: int, held: bool, shown_by: int | None = None) -> str:
    """A user `campaign_id`'s 50% holdout holds out (or not) and `shown_by`'s 5% default shows."""
    return next(
        u
        for u in (f"loyalty-{n}" for n in range(1000))
        if bucket_below(campaign_id, u, HALF) is held
        and (shown_by is None or not bucket_below(shown_by, u, DEFAULT_SHARE))
    )


def _decide(client: TestClient, world: World, user: str) -> list[dict[str, object]]:
    body = {
        "user_id": user,
        "placements": [{"placement": "search-top", "search_query": "молоко"}],
    }
    response = client.post("/api/v1/decisions", json=body, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    winners: list[dict[str, object]] = response.json()["placements"][0]["winners"]
    return winners


def test_a_held_out_user_sees_the_next_ad_and_a_priced_ghost_reaches_the_store(
    client: TestClient, app: FastAPI, world: World, settings: Settings
) -> None:
    a_campaign, a_group = live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    b_campaign, _ = live_listing(client, world.b, world.milk_b, bid_tiyn=200)
    set_share = client.put(
        f"/api/v1/measurement/campaigns/{a_campaign['id']}/holdout",
        json={"share": "0.5"},
        headers=world.admin.headers,
    )
    assert set_share.status_code == 200, set_share.text
    assert set_share.json()["share"] == "0.5"
    runtime = runtime_of(app)
    runtime.refresh()

    # Users B's default 5% holdout shows its ad to, whatever ids the database gave the campaigns.
    exposed = _users(a_campaign["id"], False, shown_by=b_campaign["id"])
    held = _users(a_campaign["id"], True, shown_by=b_campaign["id"])
    shown = _decide(client, world, exposed)
    assert [w["product_id"] for w in shown] == [world.milk_a, world.milk_b]
    assert shown[0]["price_tiyn"] == 201  # A pays B's bid + 1

    instead = _decide(client, world, held)
    # A is not shown: B takes the first slot and, with nobody behind it, pays the reserve.
    assert [(w["product_id"], w["rank"], w["price_tiyn"]) for w in instead] == [
        (world.milk_b, 1, 120)
    ]
    assert runtime.ghosts.pending == 0  # written by the route's background task
    # The ghost, and a served record for each placed ad of a campaign with a holdout: A's
    # for the exposed user, B's (the 5% default) for both users.
    assert runtime.ghosts.written == 4

    store = AnalyticsStore(settings.measurement.store_dir)
    LogLoader(settings.events.log_dir, store).run()
    (path,) = store.files("ghosts")
    (ghost,) = pq.ParquetFile(path).read().to_pylist()
    assert ghost["campaign_id"] == a_campaign["id"]
    assert ghost["ad_group_id"] == a_group["id"]
    assert ghost["account_id"] == world.a_id
    assert ghost["product_id"] == world.milk_a
    assert ghost["user_id"] == held
    assert ghost["price_tiyn"] == 201  # what A would have paid against B
    assert ghost["billing"] == "cpc"
    assert ghost["placement_id"] is not None
    assert ghost["event_id"] == f"g.{ghost['bid_id']}"
    assert store.files("impressions") == []  # a ghost is never an impression, never billed
    # The treated arm is logged by the same decision, whether or not a page renders the ad.
    served = [row for path in store.files("served") for row in pq.read_table(path).to_pylist()]
    assert sorted((r["campaign_id"], r["user_id"], r["product_id"]) for r in served) == sorted(
        [
            (a_campaign["id"], exposed, world.milk_a),
            (b_campaign["id"], exposed, world.milk_b),
            (b_campaign["id"], held, world.milk_b),
        ]
    )
    assert all(r["event_id"] == f"s.{r['bid_id']}" for r in served)
    a_served = next(r for r in served if r["campaign_id"] == a_campaign["id"])
    assert a_served["price_tiyn"] == 201  # priced like the shown ad
    assert a_served["at_ms"] <= ghost["at_ms"]  # both at decision time


def test_zero_disables_and_no_user_id_holds_nobody_out(
    client: TestClient, app: FastAPI, world: World
) -> None:
    a_campaign, _ = live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    runtime = runtime_of(app)
    held = _users(a_campaign["id"], True)
    client.put(
        f"/api/v1/measurement/campaigns/{a_campaign['id']}/holdout",
        json={"share": "0.5"},
        headers=world.admin.headers,
    )
    runtime.refresh()
    assert _decide(client, world, held) == []
    assert runtime.ghosts.written == 1  # the ghost
    response = client.post(
        "/api/v1/decisions",
        json={"placements": [{"placement": "search-top", "search_query": "молоко"}]},
        headers=world.admin.headers,
    )
    assert len(response.json()["placements"][0]["winners"]) == 1  # anonymous: always shown
    assert runtime.ghosts.written == 1  # anonymous: in neither arm of the experiment
    off = client.put(
        f"/api/v1/measurement/campaigns/{a_campaign['id']}/holdout",
        json={"share": "0"},
        headers=world.admin.headers,
    )
    assert off.status_code == 200
    runtime.refresh()
    assert len(_decide(client, world, held)) == 1


def test_the_production_default_holds_out_five_percent() -> None:
    # The suite's settings turn the holdout off (tests/conftest.py); a deployment does not.
    assert MeasurementSettings().holdout_share == Decimal("0.05")


def test_the_policy_matches_the_estimator_split_and_defaults_to_five_percent() -> None:
    policy = HoldoutPolicy(Decimal("0.05"), {7: 0})
    users = [f"u{n}" for n in range(20_000)]
    held = [u for u in users if policy.holds_out(3, u)]
    assert held == [u for u in users if in_holdout(3, u)]
    assert 0.045 < len(held) / len(users) < 0.055
    assert not any(policy.holds_out(7, u) for u in users[:500])  # 0 disables


def test_the_ghost_log_keeps_ghosts_when_the_intake_fails_and_drops_the_oldest_past_its_bound() -> (
    None
):
    from jarnama.decisioning.messages import Winner
    from jarnama.decisioning.snapshot import AdKind

    def winner(n: int) -> Winner:
        return Winner(1, 1, 2, 3, 4, AdKind.BANNER, None, 9, 500, 1000, 1, 400, f"bid{n}")

    ghosts = GhostLog(max_pending=3)
    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    ghosts.record([winner(n) for n in range(4)], "u1", at)
    assert (ghosts.pending, ghosts.dropped) == (3, 1)

    def broken(_events: Sequence[ev.Event]) -> None:
        raise OSError("disk full")

    assert ghosts.flush(broken) == 0
    assert ghosts.pending == 3
    got: list[ev.Event] = []
    assert ghosts.flush(got.extend) == 3
    assert [g.id for g in got] == ["g.bid1", "g.bid2", "g.bid3"]
    ghost = got[0]
    assert isinstance(ghost, ev.Ghost)
    assert (ghost.ad.billing, ghost.ad.creative_id, ghost.ad.price_tiyn) == ("cpm", 9, 400)

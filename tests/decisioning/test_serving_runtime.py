"""The runtime's variants: Redis-backed state shared by processes, and the background refresh."""

from __future__ import annotations

import datetime as dt
import gc
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from jarnama.app import create_app
from jarnama.config import Settings
from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.migrate import upgrade
from jarnama.decisioning import service
from jarnama.decisioning.redis_state import RedisStateStore
from jarnama.decisioning.runtime import DecisionRuntime, _collector_paused
from jarnama.decisioning.schemas import DecisionRequestBody, PlacementAsk
from jarnama.decisioning.state import InProcessStateStore
from tests.campaigns.helpers import build_world
from tests.decisioning.serving_helpers import live_listing, search, token_path


def _settings(settings: Settings, **overrides: object) -> Settings:
    return settings.model_copy(update=overrides)


def test_without_redis_the_state_is_in_process(client: TestClient, app: FastAPI) -> None:
    assert isinstance(app.state.decision_runtime.state, InProcessStateStore)


def test_redis_state_is_shared_and_a_spent_budget_stops_every_runtime(
    settings: Settings,
    session_factory: sessionmaker[Session],
    session: Session,
    redis_url: str,
    redis_prefix: str,
) -> None:
    redis_settings = _settings(
        settings,
        redis_url=redis_url,
        decisioning=settings.decisioning.model_copy(update={"redis_prefix": redis_prefix}),
    )
    app = create_app(redis_settings, session_factory=session_factory)
    with TestClient(app) as client:
        runtime: DecisionRuntime = app.state.decision_runtime
        assert isinstance(runtime.state, RedisStateStore)
        world = build_world(session)
        # One click at the 120-tiyn reserve spends the whole 1.20 ₸ daily budget.
        live_listing(client, world.a, world.milk_a, bid_tiyn=300, daily_budget_tiyn=120)
        runtime.refresh()
        other = DecisionRuntime.create(redis_settings, session_factory)  # a second process
        other.refresh()
        ask = DecisionRequestBody(
            placements=[PlacementAsk(placement="search-top", search_query="сүт")]
        )
        assert len(service.decide(other, ask).placements[0].winners) == 1

        winner = search(client, world.admin)["winners"][0]
        for _ in range(2):
            assert client.get(token_path(winner["click_url"])).status_code == 204
        spend = runtime.state.spend(winner["campaign_id"], dt.datetime.now(dt.UTC))
        assert spend.daily_mtiyn == 120_000
        assert search(client, world.admin)["winners"] == []
        deadline = time.monotonic() + 1.0  # the other runtime refreshes within 0.25 s
        while service.decide(other, ask).placements[0].winners and time.monotonic() < deadline:
            time.sleep(0.05)
        assert service.decide(other, ask).placements[0].winners == []


def test_the_background_poll_makes_a_campaign_live_within_five_seconds(
    tmp_path: Path, settings: Settings
) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        world = build_world(session)
    engine.dispose()
    own = _settings(
        settings,
        database=settings.database.model_copy(update={"url": url}),
        decisioning=settings.decisioning.model_copy(update={"poll_seconds": 0.2}),
    )
    app = create_app(own)  # owns its engine, so the lifespan polls in the background
    with TestClient(app) as client:
        live_listing(client, world.a, world.milk_a)
        changed = time.monotonic()
        while not search(client, world.admin)["winners"]:
            assert time.monotonic() - changed < 5, "the change was not live within 5 s"
            time.sleep(0.05)


def test_the_collector_is_paused_only_while_a_snapshot_is_built() -> None:
    assert gc.isenabled()
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="build failed"), _collector_paused():
        raise RuntimeError("build failed")
    assert gc.isenabled()  # back on after a failed build too
    gc.disable()
    try:
        with _collector_paused():
            pass
        assert not gc.isenabled()  # a collector someone else turned off stays off
    finally:
        gc.enable()

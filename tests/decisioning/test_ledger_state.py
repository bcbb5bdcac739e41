"""The ledger behind the shared Redis state, on the served path: a flushed Redis reloads the
day's spend from the ledger, and a click billed while Redis is down is kept and reconciled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jarnama.app import create_app
from jarnama.config import Settings
from jarnama.decisioning import ledger
from jarnama.decisioning.models import PendingSpend, SpendEntry
from jarnama.decisioning.redis_state import RedisStateStore
from jarnama.decisioning.runtime import DecisionRuntime
from jarnama.decisioning.state import MTIYN_PER_TIYN
from tests.campaigns.helpers import World, build_world
from tests.decisioning.serving_helpers import live_listing, search, token_path


@pytest.fixture
def redis_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    redis_url: str,
    redis_prefix: str,
) -> Iterator[tuple[FastAPI, TestClient]]:
    """The app with its state in the real Redis under this test's prefix."""
    own = settings.model_copy(
        update={
            "redis_url": redis_url,
            "decisioning": settings.decisioning.model_copy(update={"redis_prefix": redis_prefix}),
        }
    )
    app = create_app(own, session_factory=session_factory)
    with TestClient(app) as client:
        yield app, client


def _ledger(session: Session) -> list[SpendEntry]:
    session.expire_all()
    return list(session.scalars(select(SpendEntry).order_by(SpendEntry.id)))


def _pending(session: Session) -> list[int]:
    return list(session.scalars(select(PendingSpend.entry_id)))


def _click_a_new_winner(client: TestClient, world: World) -> dict[str, object]:
    winner: dict[str, object] = search(client, world.admin)["winners"][0]
    assert client.get(token_path(str(winner["click_url"]))).status_code == 204
    return winner


def test_a_flushed_redis_takes_the_days_spend_from_the_ledger(
    redis_app: tuple[FastAPI, TestClient], session: Session, redis_url: str, redis_prefix: str
) -> None:
    app, client = redis_app
    runtime: DecisionRuntime = app.state.decision_runtime
    world = build_world(session)
    # Clicks at the 120-tiyn reserve; the daily budget holds three of them.
    live_listing(client, world.a, world.milk_a, bid_tiyn=300, daily_budget_tiyn=360)
    runtime.refresh()
    first = _click_a_new_winner(client, world)
    _click_a_new_winner(client, world)
    campaign_id = int(str(first["campaign_id"]))
    now = dt.datetime.now(dt.UTC)
    assert runtime.state.spend(campaign_id, now).daily_mtiyn == 240 * MTIYN_PER_TIYN

    plain = redis.Redis.from_url(redis_url)
    plain.delete(*plain.scan_iter(match=f"{redis_prefix}*"))  # a flush of this test's keys
    plain.close()
    assert runtime.state.spend(campaign_id, now).daily_mtiyn == 0

    _click_a_new_winner(client, world)  # reloads 240 from the ledger, then adds 120
    assert runtime.state.spend(campaign_id, now).daily_mtiyn == 360 * MTIYN_PER_TIYN
    assert sum(e.amount_mtiyn for e in _ledger(session)) == 360 * MTIYN_PER_TIYN
    assert search(client, world.admin)["winners"] == []  # exhausted, as before the flush


def test_a_click_while_redis_is_down_is_billed_from_the_ledger_and_reconciled(
    redis_app: tuple[FastAPI, TestClient],
    session: Session,
    session_factory: sessionmaker[Session],
    redis_prefix: str,
) -> None:
    app, client = redis_app
    runtime: DecisionRuntime = app.state.decision_runtime
    world = build_world(session)
    live_listing(client, world.a, world.milk_a, bid_tiyn=300, daily_budget_tiyn=240)
    runtime.refresh()
    winner = search(client, world.admin)["winners"][0]
    live = runtime.state
    dead_client = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    runtime.state = RedisStateStore(
        dead_client, prefix=redis_prefix, spend_loader=ledger.spend_loader(session_factory)
    )
    try:
        assert client.get(token_path(winner["click_url"])).status_code == 204
        # Billed into the ledger (not lost) and waiting for Redis; a repeat is not billed.
        assert client.get(token_path(winner["click_url"])).status_code == 204
        (entry,) = _ledger(session)
        assert entry.amount_mtiyn == 120 * MTIYN_PER_TIYN
        assert _pending(session) == [entry.id]
        assert runtime.keep_ledger_and_state_together() == 0  # still down: stays pending
        assert _pending(session) == [entry.id]
    finally:
        runtime.state = live
        dead_client.close()

    assert runtime.keep_ledger_and_state_together() == 1
    assert runtime.keep_ledger_and_state_together() == 0
    session.expire_all()
    assert _pending(session) == []
    spend = runtime.state.spend(entry.campaign_id, dt.datetime.now(dt.UTC))
    assert spend.daily_mtiyn == spend.total_mtiyn == 120 * MTIYN_PER_TIYN
    # The shared spend now holds it: the next click reaches the 240 budget, then it stops.
    _click_a_new_winner(client, world)
    assert search(client, world.admin)["winners"] == []
    assert len(_ledger(session)) == 2


def test_while_redis_is_down_the_ledger_refuses_clicks_past_the_budget(
    redis_app: tuple[FastAPI, TestClient],
    session: Session,
    session_factory: sessionmaker[Session],
    redis_prefix: str,
) -> None:
    app, client = redis_app
    runtime: DecisionRuntime = app.state.decision_runtime
    world = build_world(session)
    live_listing(client, world.a, world.milk_a, bid_tiyn=300, daily_budget_tiyn=120)
    runtime.refresh()
    winners = [search(client, world.admin)["winners"][0] for _ in range(2)]
    dead_client = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    live = runtime.state
    runtime.state = RedisStateStore(
        dead_client, prefix=redis_prefix, spend_loader=ledger.spend_loader(session_factory)
    )
    try:
        for winner in winners:
            assert client.get(token_path(winner["click_url"])).status_code == 204
    finally:
        runtime.state = live
        dead_client.close()
    assert [e.amount_mtiyn for e in _ledger(session)] == [120 * MTIYN_PER_TIYN]

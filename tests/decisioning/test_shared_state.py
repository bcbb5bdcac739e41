"""Several processes on one Redis: frequency counted once per bid, one pacing controller on the
shared totals, spend reloaded from the ledger after a flush (store level; the served path is
in test_ledger_state.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from jarnama.core.time import ALMATY
from jarnama.decisioning.pacing import PacingController
from jarnama.decisioning.redis_state import RedisStateStore
from jarnama.decisioning.snapshot import PacingMode
from jarnama.decisioning.state import (
    BudgetLimits,
    CampaignSpend,
    ChargeStatus,
    InProcessStateStore,
    LedgerSpend,
)

from .frequency_worker import CAMPAIGN_ID, OWN, SHARED, USER
from .test_pacing import compiled

ROOT = Path(__file__).resolve().parents[2]
NOON = dt.datetime(2025, 3, 12, 12, 0, tzinfo=ALMATY)


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    """A client of the test Redis."""
    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


def _forget_everything(client: redis.Redis, prefix: str) -> None:
    """What a flush or a restart without persistence does, limited to this test's keys."""
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    assert keys
    client.delete(*keys)


def test_two_processes_count_each_impression_once(redis_url: str, redis_prefix: str) -> None:
    start = time.time() + 1.0
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.decisioning.frequency_worker",
                *(redis_url, redis_prefix, name, repr(start)),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("server-a", "server-b")
    ]
    counted = []
    for worker in workers:
        out, err = worker.communicate(timeout=30)
        assert worker.returncode == 0, err
        counted.append(json.loads(out)["counted"])
    assert sum(counted) == SHARED + 2 * OWN  # each shared bid counted by exactly one process
    store = RedisStateStore.from_url(redis_url, prefix=redis_prefix)
    day, week = store.frequency(USER, dt.datetime.now(dt.UTC))[CAMPAIGN_ID]
    assert day == week == SHARED + 2 * OWN


def test_processes_take_turns_pacing_on_shared_spend_and_rates(
    redis_url: str, redis_prefix: str
) -> None:
    """Two stores (two processes) stepping alternately move the rate as one controller would."""
    subject = compiled(PacingMode.EVEN)
    a = RedisStateStore.from_url(redis_url, prefix=redis_prefix, refresh_seconds=0.0)
    b = RedisStateStore.from_url(redis_url, prefix=redis_prefix, refresh_seconds=0.0)
    alone = InProcessStateStore()
    shared_controllers = [PacingController(a, initial_rate=0.2), PacingController(b)]
    single = PacingController(alone, initial_rate=0.2)
    spent = 0
    for minute in range(8):
        now = NOON + dt.timedelta(minutes=minute)
        # Spend arrives through either process; the single store sees the same charges.
        spent += 1
        for store in (a if minute % 2 else b, alone):
            assert store.charge(f"rb-{minute}", subject, 1_000_000, now).charged
        shared_controllers[minute % 2].step(now, [subject])
        single.step(now, [subject])
        assert a.pass_rate(subject.id) == pytest.approx(alone.pass_rate(subject.id))
        assert b.pass_rate(subject.id) == pytest.approx(alone.pass_rate(subject.id))
    assert a.spends([subject.id], NOON)[subject.id].daily_mtiyn == spent * 1_000_000
    # One lease for all processes: only one of them steps per interval.
    assert a.lead_pacing(5.0)
    assert not b.lead_pacing(5.0)
    assert not a.lead_pacing(5.0)


def test_a_flushed_redis_reloads_spend_from_the_ledger_before_charging(
    redis_url: str, redis_prefix: str, client: redis.Redis
) -> None:
    campaign = BudgetLimits(31, daily_budget_tiyn=1_000, total_budget_tiyn=3_000)
    ledger: list[tuple[str, int]] = []  # what the database would hold: (bid id, amount)

    def load(day: dt.date) -> LedgerSpend:
        total = sum(amount for _, amount in ledger)
        return LedgerSpend([CampaignSpend(31, total, total, 1_000, 3_000)])

    store = RedisStateStore.from_url(
        redis_url, prefix=redis_prefix, refresh_seconds=0.0, spend_loader=load
    )
    for i in range(3):
        assert store.charge(f"rb-{i}", campaign, 300_000, NOON).charged
        ledger.append((f"rb-{i}", 300_000))
    _forget_everything(client, redis_prefix)
    assert not store.budget_exhausted(31, NOON.date())
    # The next charge reloads the 900 tiyn first: this one crosses the budget, the next is
    # refused, instead of the campaign starting the day again from zero.
    crossing = store.charge("rb-3", campaign, 300_000, NOON)
    assert (crossing.status, crossing.daily_spent_mtiyn) == (ChargeStatus.CHARGED, 1_200_000)
    refused = store.charge("rb-4", campaign, 300_000, NOON)
    assert refused.status is ChargeStatus.DAILY_BUDGET_EXHAUSTED
    assert store.budget_exhausted(31, NOON.date())
    assert not store.ensure_loaded(NOON.date())  # loaded once; later calls do nothing


def test_a_reload_marks_an_exhausted_campaign_and_the_pending_bids(
    redis_url: str, redis_prefix: str, client: redis.Redis
) -> None:
    def load(day: dt.date) -> LedgerSpend:
        return LedgerSpend([CampaignSpend(41, 500_000, 2_000_000, None, 2_000)], ["rb-pending"])

    store = RedisStateStore.from_url(
        redis_url, prefix=redis_prefix, refresh_seconds=0.0, spend_loader=load
    )
    assert store.ensure_loaded(NOON.date())
    assert store.budget_exhausted(41, NOON.date())
    assert store.spend(41, NOON).total_mtiyn == 2_000_000
    # The pending row is in the reloaded totals, so reconciling it later adds nothing.
    again = store.apply_charge("rb-pending", BudgetLimits(41), 500_000, NOON)
    assert again.status is ChargeStatus.DUPLICATE
    assert store.spend(41, NOON).total_mtiyn == 2_000_000
    assert client.get(f"{redis_prefix}loaded") == NOON.date().isoformat().encode()

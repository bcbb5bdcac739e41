"""The state store, in-process and on the real Redis: charges, budgets, days, caps, rates."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from jarnama.core.time import ALMATY
from jarnama.decisioning.redis_state import RedisStateStore
from jarnama.decisioning.state import (
    BudgetLimits,
    ChargeStatus,
    InProcessStateStore,
    StateStore,
    iso_week,
)

NOON = dt.datetime(2025, 3, 12, 12, 0, tzinfo=ALMATY)


@pytest.fixture(params=["in_process", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[StateStore]:
    """Each test runs on both implementations."""
    if request.param == "in_process":
        yield InProcessStateStore()
        return
    prefix: str = request.getfixturevalue("redis_prefix")
    url: str = request.getfixturevalue("redis_url")
    client = redis.Redis.from_url(url)
    yield RedisStateStore(client, prefix=prefix, refresh_seconds=0.0)
    client.close()


def test_charge_is_idempotent_per_resolved_bid_id(store: StateStore) -> None:
    campaign = BudgetLimits(1, daily_budget_tiyn=1_000)
    first = store.charge("rb-1", campaign, 150_000, NOON)
    again = store.charge("rb-1", campaign, 150_000, NOON)
    assert (first.status, first.daily_spent_mtiyn, first.total_spent_mtiyn) == (
        ChargeStatus.CHARGED,
        150_000,
        150_000,
    )
    assert (again.status, again.total_spent_mtiyn) == (ChargeStatus.DUPLICATE, 150_000)
    assert store.spend(1, NOON).daily_mtiyn == 150_000


def test_budget_allows_at_most_one_charge_past_it_then_refuses(store: StateStore) -> None:
    campaign = BudgetLimits(7, daily_budget_tiyn=1_000, total_budget_tiyn=5_000)
    statuses = [store.charge(f"rb-{i}", campaign, 300_000, NOON).status for i in range(5)]
    assert statuses == [ChargeStatus.CHARGED] * 4 + [ChargeStatus.DAILY_BUDGET_EXHAUSTED]
    spent = store.spend(7, NOON).daily_mtiyn
    assert spent == 1_200_000  # 1_000 tiyn budget + less than one 300-tiyn charge
    assert store.budget_exhausted(7, NOON.date())
    assert not store.budget_exhausted(8, NOON.date())


def test_daily_budgets_reset_at_almaty_midnight(store: StateStore) -> None:
    campaign = BudgetLimits(3, daily_budget_tiyn=100, total_budget_tiyn=250)
    before_midnight = dt.datetime(2025, 3, 12, 23, 59, tzinfo=ALMATY)
    after_midnight = before_midnight + dt.timedelta(minutes=2)  # 2025-03-12 19:01 UTC
    assert store.charge("a", campaign, 100_000, before_midnight).charged
    assert store.charge("b", campaign, 100_000, before_midnight).status is (
        ChargeStatus.DAILY_BUDGET_EXHAUSTED
    )
    assert store.budget_exhausted(3, before_midnight.date())
    assert not store.budget_exhausted(3, after_midnight.date())
    assert store.charge("c", campaign, 100_000, after_midnight).charged
    assert store.spend(3, after_midnight).daily_mtiyn == 100_000
    assert store.spend(3, after_midnight).total_mtiyn == 200_000
    day3 = after_midnight + dt.timedelta(days=1)
    assert store.charge("d", campaign, 100_000, day3).charged  # total reaches 300 >= 250
    refused = store.charge("e", campaign, 1_000, day3 + dt.timedelta(days=1))
    assert refused.status is ChargeStatus.TOTAL_BUDGET_EXHAUSTED
    assert store.budget_exhausted(3, (day3 + dt.timedelta(days=5)).date())


def test_non_positive_amounts_are_refused(store: StateStore) -> None:
    result = store.charge("rb-0", BudgetLimits(1), 0, NOON)
    assert result.status is ChargeStatus.INVALID_AMOUNT
    assert store.charge("rb-0", BudgetLimits(1), 5, NOON).charged  # the id was not burnt


def test_frequency_counts_per_user_campaign_day_and_week(store: StateStore) -> None:
    monday = dt.datetime(2025, 3, 10, 9, 0, tzinfo=ALMATY)
    for _ in range(3):
        store.record_impression("shopper-1", 5, monday)
    assert dict(store.frequency("shopper-1", monday)) == {5: (3, 3)}
    store.record_impression("shopper-1", 6, NOON)
    store.record_impression("shopper-1", 5, NOON)
    store.record_impression("shopper-2", 5, NOON)
    assert dict(store.frequency("shopper-1", NOON)) == {5: (1, 4), 6: (1, 1)}
    assert dict(store.frequency("shopper-2", NOON)) == {5: (1, 1)}
    next_monday = monday + dt.timedelta(days=7)
    assert dict(store.frequency("shopper-1", next_monday)) == {}
    assert iso_week(NOON.date()) == "2025-W11"


def test_pass_rates_default_to_one_and_are_clamped(store: StateStore) -> None:
    assert store.pass_rate(9) == 1.0
    store.set_pass_rate(9, 0.125)
    store.set_pass_rate(10, 7.0)
    store.set_pass_rate(11, -1.0)
    assert (store.pass_rate(9), store.pass_rate(10), store.pass_rate(11)) == (0.125, 1.0, 0.0)


def test_concurrent_threads_never_overspend(store: StateStore) -> None:
    campaign = BudgetLimits(12, total_budget_tiyn=10_000)
    accepted: list[int] = []
    lock = threading.Lock()

    def spend(worker: int) -> None:
        for i in range(300):
            amount = 1_000 * (1 + (worker * 7 + i) % 50)
            if store.charge(f"w{worker}-{i}", campaign, amount, NOON).charged:
                with lock:
                    accepted.append(amount)

    threads = [threading.Thread(target=spend, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = store.spend(12, NOON).total_mtiyn
    assert total == sum(accepted)
    assert 10_000_000 <= total < 10_000_000 + 50_000


def test_redis_store_keeps_serving_on_stale_state_when_redis_fails() -> None:
    client = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    dead = RedisStateStore(client, prefix="x:")
    assert dead.charge("rb", BudgetLimits(1), 1_000, NOON).status is ChargeStatus.UNAVAILABLE
    assert dead.budget_exhausted(1, NOON.date()) is False
    assert dead.pass_rate(1) == 1.0
    assert dead.frequency("shopper", NOON) == {}


def test_an_impression_counts_once_per_bid(store: StateStore) -> None:
    assert store.record_impression("shopper-1", 5, NOON, bid_id="rb-1")
    assert not store.record_impression("shopper-1", 5, NOON, bid_id="rb-1")
    assert store.record_impression("shopper-1", 5, NOON, bid_id="rb-2")
    assert dict(store.frequency("shopper-1", NOON)) == {5: (2, 2)}


def test_a_reconciled_charge_is_added_once_and_never_refused(store: StateStore) -> None:
    campaign = BudgetLimits(21, daily_budget_tiyn=100)
    assert store.charge("rb-1", campaign, 100_000, NOON).charged
    # The ledger took this one while the store was down: it is billed, so it is added.
    applied = store.apply_charge("rb-2", campaign, 50_000, NOON)
    assert (applied.status, applied.daily_spent_mtiyn) == (ChargeStatus.CHARGED, 150_000)
    assert store.apply_charge("rb-2", campaign, 50_000, NOON).status is ChargeStatus.DUPLICATE
    assert store.spends([21, 22], NOON)[21].total_mtiyn == 150_000
    assert store.spends([21, 22], NOON)[22].total_mtiyn == 0
    assert store.budget_exhausted(21, NOON.date())


def test_pacing_rates_of_a_day_are_stored_for_serving_and_the_next_step(
    store: StateStore,
) -> None:
    day = NOON.date()
    store.set_pass_rates({1: 0.25, 2: 3.0}, day)
    assert store.day_pass_rates(day) == {1: 0.25, 2: 1.0}
    assert store.day_pass_rates(day + dt.timedelta(days=1)) == {}
    assert (store.pass_rate(1), store.pass_rate(2)) == (0.25, 1.0)

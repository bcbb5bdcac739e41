"""Pacing: the pure update rules, and a simulated Almaty day with ample traffic."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

import pytest

from jarnama.core.time import ALMATY
from jarnama.decisioning.pacing import (
    DEFAULT_HOURLY_TRAFFIC,
    MINUTES_PER_DAY,
    PacingController,
    daily_allowance_mtiyn,
    minute_weights,
    next_pass_rate,
    target_curve,
    traffic_midpoint,
)
from jarnama.decisioning.snapshot import CompiledCampaign, PacingMode
from jarnama.decisioning.state import InProcessStateStore

from .factories import build, campaign

MIDNIGHT = dt.datetime(2025, 3, 12, 0, 0, tzinfo=ALMATY)
BUDGET_TIYN = 50_000
CLICK_TIYN = 100
# Requests per day on the placement, and the chance one that lets the campaign in is a click:
# at a pass rate of 1 the campaign would spend 400_000 * 0.0125 * 100 = 500_000 tiyn, ten
# times its budget ("ample traffic").
REQUESTS_PER_DAY = 400_000
CLICK_CHANCE = 0.0125


def compiled(pacing: PacingMode) -> CompiledCampaign:
    """A compiled campaign with a 500-tenge daily budget."""
    snapshot = build(
        [], [campaign(1, daily_budget_tiyn=BUDGET_TIYN, pacing=pacing, starts_at=MIDNIGHT)], []
    )
    return snapshot.campaigns[1]


@dataclass
class Day:
    """A simulated day: the spent share at the end of each minute and the controller's curve."""

    spent_share: list[float]
    curve: tuple[float, ...]

    def exhausted_minute(self) -> int | None:
        """The first minute by whose end the budget was spent, if any."""
        return next((m for m, share in enumerate(self.spent_share) if share >= 1.0), None)


def simulate(pacing: PacingMode, seed: int = 7) -> Day:
    """Run one Almaty day in minute steps: pace, then serve that minute's traffic."""
    state = InProcessStateStore()
    controller = PacingController(state)
    subject = compiled(pacing)
    weights = minute_weights(DEFAULT_HOURLY_TRAFFIC)
    per_weight = REQUESTS_PER_DAY / sum(weights)
    rng = random.Random(seed)
    spent: list[float] = []
    clicks = 0
    for minute in range(MINUTES_PER_DAY):
        now = MIDNIGHT + dt.timedelta(minutes=minute)
        controller.step(now, [subject])
        rate = state.pass_rate(subject.id)
        for _ in range(round(weights[minute] * per_weight)):
            if state.budget_exhausted(subject.id, now.date()):
                break
            if rng.random() < rate and rng.random() < CLICK_CHANCE:
                clicks += 1
                state.charge(f"rb-{clicks}", subject, CLICK_TIYN * 1000, now)
        spent.append(state.spend(subject.id, now).daily_mtiyn / (BUDGET_TIYN * 1000))
    return Day(spent, controller.curve)


def test_even_pacing_is_half_spent_at_traffic_midday_and_lasts_the_day() -> None:
    day = simulate(PacingMode.EVEN)
    # "Midday" is the traffic-weighted one: the minute by which half the day's requests came
    # (16:25 with the default curve; at clock noon only 24 % of the traffic has passed).
    midday = traffic_midpoint(day.curve)
    assert (midday // 60, midday % 60) == (16, 25)
    assert 0.40 <= day.spent_share[midday] <= 0.60, day.spent_share[midday]
    noon = 12 * 60
    assert abs(day.spent_share[noon] - day.curve[noon]) <= 0.10
    exhausted = day.exhausted_minute()
    assert exhausted is None or exhausted >= 23 * 60, exhausted
    assert day.spent_share[-1] >= 0.90


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_even_pacing_tracks_the_curve_all_day(seed: int) -> None:
    day = simulate(PacingMode.EVEN, seed)
    for minute in range(6 * 60, MINUTES_PER_DAY, 60):
        assert abs(day.spent_share[minute] - day.curve[minute]) <= 0.10, minute


def test_as_fast_as_possible_runs_out_early() -> None:
    day = simulate(PacingMode.ASAP)
    exhausted = day.exhausted_minute()
    assert exhausted is not None
    assert exhausted < 12 * 60
    assert day.spent_share[-1] < 1.01  # budget + less than one 100-tiyn click


def test_next_pass_rate_moves_multiplicatively_within_bounds() -> None:
    assert next_pass_rate(0.5, spent=10, target=20, step=0.1, floor=0.01) == pytest.approx(0.55)
    assert next_pass_rate(0.5, spent=30, target=20, step=0.1, floor=0.01) == pytest.approx(0.45)
    assert next_pass_rate(0.99, spent=0, target=20, step=0.1, floor=0.01) == 1.0
    assert next_pass_rate(0.01, spent=99, target=20, step=0.1, floor=0.01) == 0.01


def test_target_curve_follows_traffic_and_ends_at_one() -> None:
    curve = target_curve(minute_weights(DEFAULT_HOURLY_TRAFFIC))
    assert len(curve) == MINUTES_PER_DAY
    assert curve[-1] == pytest.approx(1.0)
    assert all(a <= b for a, b in itertools.pairwise(curve))
    flat = target_curve(minute_weights([1.0] * 24))
    assert flat[12 * 60 - 1] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="24 non-negative"):
        minute_weights([1.0] * 23)


def test_total_only_budgets_are_spread_over_the_days_left() -> None:
    snapshot = build(
        [],
        [
            campaign(
                1,
                total_budget_tiyn=10_000,
                starts_at=MIDNIGHT,
                ends_at=MIDNIGHT + dt.timedelta(days=4, hours=12),
            )
        ],
        [],
    )
    subject = snapshot.campaigns[1]
    assert daily_allowance_mtiyn(subject, 0, MIDNIGHT.date()) == 10_000_000 // 5
    assert daily_allowance_mtiyn(subject, 6_000_000, MIDNIGHT.date()) == 4_000_000 // 5


def test_controller_resets_each_day_and_leaves_asap_unthrottled() -> None:
    state = InProcessStateStore()
    controller = PacingController(state, initial_rate=0.2)
    even, asap = compiled(PacingMode.EVEN), compiled(PacingMode.ASAP)
    asap = CompiledCampaign(**{**{f: getattr(asap, f) for f in asap.__slots__}, "id": 2})
    controller.step(MIDNIGHT, [even, asap])
    assert state.pass_rate(1) == pytest.approx(0.22)
    assert state.pass_rate(2) == 1.0
    controller.step(MIDNIGHT + dt.timedelta(days=1), [even])
    assert state.pass_rate(1) == pytest.approx(0.22)

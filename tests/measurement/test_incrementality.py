"""Holdout split and lift estimates, checked on simulated shoppers with a known true lift."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from jarnama.measurement.incrementality import estimate_lift, in_holdout

BASKET = 20_000  # tiyn of one purchase


def _shoppers(seed: int, users: int, base: float, lift: float) -> tuple[list[int], list[int]]:
    """Per-user sales of exposed and held-out users; exposure adds `lift` to the buy chance."""
    rng = random.Random(seed)
    exposed: list[int] = []
    control: list[int] = []
    for n in range(users):
        held = in_holdout(7, f"user-{seed}-{n}")
        chance = base if held else base + lift
        sales = BASKET * rng.randint(1, 3) if rng.random() < chance else 0
        (control if held else exposed).append(sales)
    return exposed, control


def test_the_holdout_is_stable_about_five_percent_and_independent_per_campaign() -> None:
    users = [f"u{n}" for n in range(20_000)]
    held = [u for u in users if in_holdout(1, u)]
    assert 0.045 < len(held) / len(users) < 0.055
    assert held == [u for u in users if in_holdout(1, u)]
    other = {u for u in users if in_holdout(2, u)}
    assert len(other & set(held)) < 0.2 * len(held)  # about 5% of 5% overlap, not all
    assert all(in_holdout(1, u, Decimal(1)) for u in users[:10])
    assert not any(in_holdout(1, u, Decimal(0)) for u in users[:10])


def test_the_known_true_lift_falls_inside_the_reported_interval() -> None:
    base, lift = 0.04, 0.02
    exposed, control = _shoppers(1, 200_000, base, lift)
    spend = Decimal(5_000_000)
    result = estimate_lift(exposed, control, spend)
    mean_basket = Decimal(BASKET * 2)  # randint(1, 3) averages 2 purchases' worth
    true_absolute = Decimal(str(lift)) * mean_basket
    assert result.absolute.covers(true_absolute)
    assert result.absolute.low > 0  # the effect is detected
    assert result.relative is not None
    assert result.relative.covers(Decimal(str(lift / base)))
    assert result.incremental_roas is not None
    true_roas = true_absolute * result.exposed_users / spend
    assert result.incremental_roas.covers(true_roas)
    assert result.control_users + result.exposed_users == 200_000


def test_the_interval_covers_the_truth_about_95_percent_of_the_time() -> None:
    base, lift = 0.05, 0.01
    true_absolute = Decimal(str(lift)) * BASKET * 2
    runs = 60
    covered = sum(
        estimate_lift(*_shoppers(seed, 20_000, base, lift), Decimal(1)).absolute.covers(
            true_absolute
        )
        for seed in range(runs)
    )
    assert covered >= 0.85 * runs


def test_no_effect_gives_an_interval_around_zero_and_empty_groups_are_refused() -> None:
    exposed, control = _shoppers(3, 100_000, 0.05, 0.0)
    result = estimate_lift(exposed, control, Decimal(0))
    assert result.absolute.covers(Decimal(0))
    assert result.incremental_roas is None
    with pytest.raises(ValueError, match="both groups"):
        estimate_lift([], [1], Decimal(1))

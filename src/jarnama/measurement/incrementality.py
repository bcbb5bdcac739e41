"""Holdout incrementality with ghost ads (Johnson, Lewis & Nubbemeyer 2017).

Each campaign holds out a random share of users (default 5%) chosen by a hash of the campaign
and the user, so the split is stable, needs no stored state and is independent across
campaigns. A held-out user who would have won the auction gets a logged "ghost" impression,
never shown; comparing the exposed users with the ghosted ones gives the causal lift. The
estimates are differences of means with normal-approximation 95% intervals (Welch standard
errors; the delta method for the relative lift), computed in Decimal so sales stay exact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_HOLDOUT = Decimal("0.05")
Z95 = Decimal("1.959963984540054")
_SCALE = Decimal(2**64)


def in_holdout(campaign_id: int, user_id: str, share: Decimal = DEFAULT_HOLDOUT) -> bool:
    """Whether a user is in a campaign's holdout (stable, about `share` of all users)."""
    digest = hashlib.sha256(f"{campaign_id}:{user_id}".encode()).digest()
    return Decimal(int.from_bytes(digest[:8], "big")) / _SCALE < share


@dataclass(frozen=True, slots=True)
class Interval:
    """An estimate with its 95% confidence interval."""

    estimate: Decimal
    low: Decimal
    high: Decimal

    def covers(self, value: Decimal) -> bool:
        """Whether `value` lies inside the interval."""
        return self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Lift:
    """A campaign's incrementality: exposed against ghosted users (sales per user in tiyn)."""

    exposed_users: int
    control_users: int
    sales_per_exposed: Decimal
    sales_per_control: Decimal
    absolute: Interval  # incremental sales per exposed user, tiyn
    relative: Interval | None  # lift over the control's sales (None when the control sold 0)
    incremental_sales_tiyn: Interval
    incremental_roas: Interval | None  # incremental sales per tiyn spent (None without spend)


def _mean_var(values: Sequence[int]) -> tuple[Decimal, Decimal]:
    n = len(values)
    mean = Decimal(sum(values)) / n
    if n < 2:
        return mean, Decimal(0)
    squares = sum(((Decimal(v) - mean) ** 2 for v in values), start=Decimal(0))
    return mean, squares / (n - 1)


def _around(estimate: Decimal, se: Decimal) -> Interval:
    return Interval(estimate, estimate - Z95 * se, estimate + Z95 * se)


def estimate_lift(exposed: Sequence[int], control: Sequence[int], spend_tiyn: Decimal) -> Lift:
    """Lift and incremental ROAS from per-user sales of exposed and ghosted (control) users."""
    if not exposed or not control:
        raise ValueError("both groups need at least one user")
    mean_t, var_t = _mean_var(exposed)
    mean_c, var_c = _mean_var(control)
    n_t, n_c = Decimal(len(exposed)), Decimal(len(control))
    diff = mean_t - mean_c
    se = (var_t / n_t + var_c / n_c).sqrt()
    absolute = _around(diff, se)
    relative = None
    if mean_c > 0:
        rel_se = (var_t / (n_t * mean_c**2) + mean_t**2 * var_c / (n_c * mean_c**4)).sqrt()
        relative = _around(diff / mean_c, rel_se)
    total = Interval(absolute.estimate * n_t, absolute.low * n_t, absolute.high * n_t)
    roas = None
    if spend_tiyn > 0:
        roas = Interval(
            total.estimate / spend_tiyn, total.low / spend_tiyn, total.high / spend_tiyn
        )
    return Lift(len(exposed), len(control), mean_t, mean_c, absolute, relative, total, roas)

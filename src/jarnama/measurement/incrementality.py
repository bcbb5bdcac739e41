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
    """Whether a user is in a campaign's holdout (stable, about `share` of all users).

    The decision path's `ghosts.HoldoutPolicy` makes the same split in integer arithmetic.
    """
    digest = hashlib.sha256(f"{campaign_id}:{user_id}".encode()).digest()
    return Decimal(int.from_bytes(digest[:8], "big")) / _SCALE < share


def cuped(outcomes: Sequence[Decimal], pre: Sequence[Decimal]) -> tuple[list[Decimal], Decimal]:
    """CUPED (Deng et al. 2013): outcomes minus theta times the centred pre-period value.

    theta = cov(Y, X) / var(X) over both groups pooled, so the adjustment is the same for
    treated and control users and the difference of means stays unbiased; 0 when X is flat.
    Returns the adjusted outcomes and theta.
    """
    n = len(outcomes)
    if n < 2 or n != len(pre):
        return list(outcomes), Decimal(0)
    mean_y = sum(outcomes, start=Decimal(0)) / n
    mean_x = sum(pre, start=Decimal(0)) / n
    var_x = sum(((x - mean_x) ** 2 for x in pre), start=Decimal(0))
    if var_x == 0:
        return list(outcomes), Decimal(0)
    cov = sum(((x - mean_x) * (y - mean_y) for x, y in zip(pre, outcomes, strict=True)), Decimal(0))
    theta = cov / var_x
    return [y - theta * (x - mean_x) for y, x in zip(outcomes, pre, strict=True)], theta


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


Values = Sequence[int] | Sequence[Decimal]


def _mean_var(values: Values) -> tuple[Decimal, Decimal]:
    n = len(values)
    mean = Decimal(sum(values)) / n
    if n < 2:
        return mean, Decimal(0)
    squares = sum(((Decimal(v) - mean) ** 2 for v in values), start=Decimal(0))
    return mean, squares / (n - 1)


def _around(estimate: Decimal, se: Decimal) -> Interval:
    return Interval(estimate, estimate - Z95 * se, estimate + Z95 * se)


def estimate_lift(exposed: Values, control: Values, spend_tiyn: Decimal) -> Lift:
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

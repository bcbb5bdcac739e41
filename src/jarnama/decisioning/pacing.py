"""Even budget pacing by probabilistic throttling (Agarwal et al., LinkedIn, KDD 2014).

A campaign takes part in a request with probability r, its pass-through rate. Each minute
the controller compares the day's actual spend with a target that follows the expected
traffic over the Almaty day (a campaign should have spent 24 % of its budget when 24 % of
the day's traffic has passed) and moves r multiplicatively: r * (1 + b) when behind,
r * (1 - b) when ahead. Comparing cumulative spend with the cumulative target (rather than
the last minute only) lets an under-spend in a quiet hour be made up later, and an over-spend slow
the campaign until the curve catches up. As-fast-as-possible campaigns keep r = 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from jarnama.core.time import ALMATY, business_day
from jarnama.decisioning.snapshot import CompiledCampaign
from jarnama.decisioning.state import MTIYN_PER_TIYN, StateStore

MINUTES_PER_DAY = 24 * 60

# Relative requests per Almaty hour for an e-grocery app and site: a night trough, a morning
# rise, a lunch bump and the 19:00-21:00 evening peak. Replace with the network's own
# measured curve once there is traffic (same shape: 24 non-negative weights).
DEFAULT_HOURLY_TRAFFIC: tuple[float, ...] = (
    0.6, 0.3, 0.2, 0.15, 0.15, 0.3, 0.8, 1.6, 2.6, 3.2, 3.6, 4.0,
    4.6, 4.5, 4.0, 3.8, 4.0, 4.6, 5.4, 6.2, 6.4, 5.6, 3.8, 1.8,
)  # fmt: skip


def minute_weights(hourly: Sequence[float]) -> tuple[float, ...]:
    """Per-minute traffic weights from 24 hourly ones (each hour's weight spread evenly)."""
    if len(hourly) != 24 or any(w < 0 for w in hourly) or sum(hourly) <= 0:
        raise ValueError("need 24 non-negative hourly weights with a positive sum")
    return tuple(w / 60 for w in hourly for _ in range(60))


def target_curve(weights: Sequence[float]) -> tuple[float, ...]:
    """Cumulative share of the day's traffic at the end of each minute (ends at 1.0)."""
    total = sum(weights)
    return tuple(min(1.0, c / total) for c in accumulate(weights))


def minute_of_day(instant: dt.datetime) -> int:
    """The minute of the Almaty day an (aware) instant falls in."""
    local = instant.astimezone(ALMATY)
    return local.hour * 60 + local.minute


def traffic_midpoint(curve: Sequence[float]) -> int:
    """The first minute by whose end half of the day's traffic has passed ("traffic midday")."""
    return next(m for m, share in enumerate(curve) if share >= 0.5)


def next_pass_rate(
    rate: float, spent: int, target: int, *, step: float, floor: float, ceiling: float = 1.0
) -> float:
    """LinkedIn's update: raise the rate by `step` when behind target, lower it when ahead."""
    rate = rate * (1 + step) if spent <= target else rate * (1 - step)
    return min(ceiling, max(floor, rate))


def daily_allowance_mtiyn(
    campaign: CompiledCampaign, total_spent_before_today_mtiyn: int, day: dt.date
) -> int | None:
    """What the campaign may spend today: its daily budget, or its total spread over days left."""
    allowances: list[int] = []
    if campaign.daily_budget_tiyn is not None:
        allowances.append(campaign.daily_budget_tiyn * MTIYN_PER_TIYN)
    if campaign.total_budget_tiyn is not None:
        remaining = max(
            0, campaign.total_budget_tiyn * MTIYN_PER_TIYN - total_spent_before_today_mtiyn
        )
        if campaign.ends_at is not None:
            days_left = max(1, (business_day(campaign.ends_at) - day).days + 1)
            allowances.append(remaining // days_left)
        elif campaign.daily_budget_tiyn is None:
            allowances.append(remaining)
    return min(allowances) if allowances else None


@dataclass(frozen=True, slots=True)
class PacingDecision:
    """One campaign's pacing step: spend, target and the new pass-through rate."""

    campaign_id: int
    spent_mtiyn: int
    target_mtiyn: int
    rate: float


class PacingController:
    """Runs the pacing update each minute and stores the rates where the auction reads them."""

    def __init__(
        self,
        state: StateStore,
        hourly_traffic: Sequence[float] = DEFAULT_HOURLY_TRAFFIC,
        *,
        step: float = 0.1,
        initial_rate: float = 0.1,
        min_rate: float = 0.0005,
    ) -> None:
        """A controller writing rates to `state`; `step` is b, the relative change per minute."""
        if not 0 < step < 1 or not 0 < min_rate <= initial_rate <= 1:
            raise ValueError("need 0 < step < 1 and 0 < min_rate <= initial_rate <= 1")
        self._state = state
        self.curve = target_curve(minute_weights(hourly_traffic))
        self._step = step
        self._initial = initial_rate
        self._min = min_rate

    def target_share(self, instant: dt.datetime) -> float:
        """The share of a daily allowance the curve expects spent by this instant."""
        return self.curve[minute_of_day(instant)]

    def step(self, now: dt.datetime, campaigns: Iterable[CompiledCampaign]) -> list[PacingDecision]:
        """Update and store the pass-through rate of every campaign (call once a minute).

        Spend and the previous rates come from the state store, not this process's memory: with
        Redis every process reads the same totals, and whichever process steps (one per
        interval, `StateStore.lead_pacing`) continues from the rates the last step stored.
        """
        day = business_day(now)
        share = self.target_share(now)
        served = list(campaigns)
        spends = self._state.spends([c.id for c in served], now)
        previous = self._state.day_pass_rates(day)  # empty on a new Almaty day: start again
        decisions: list[PacingDecision] = []
        rates: dict[int, float] = {}
        for campaign in served:
            spend = spends[campaign.id]
            allowance = daily_allowance_mtiyn(campaign, spend.total_mtiyn - spend.daily_mtiyn, day)
            if not campaign.even_pacing or allowance is None:
                rate = 1.0
                target = allowance or 0
            else:
                rate = previous.get(campaign.id, self._initial)
                target = int(allowance * share)
                rate = next_pass_rate(
                    rate, spend.daily_mtiyn, target, step=self._step, floor=self._min
                )
            rates[campaign.id] = rate
            decisions.append(PacingDecision(campaign.id, spend.daily_mtiyn, target, rate))
        self._state.set_pass_rates(rates, day)
        return decisions

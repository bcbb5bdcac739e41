"""The small mutable state beside the snapshot: spend, pacing rates and frequency counters.

Amounts are integer milli-tiyn (1/1000 tiyn) so both billing models are exact: a CPC click
at p tiyn charges p * 1000, a CPM impression at p tiyn per mille charges p. Budgets stay in
tiyn. A charge is idempotent per resolved bid id and is refused once the day's (Almaty
calendar day) or the total spend has reached the budget, so spend ≤ budget + one charge.
A charge that reaches a budget marks the campaign exhausted; the auction stops serving it
as soon as its process sees the mark (at once in-process, within `refresh_seconds` with Redis).

`InProcessStateStore` is the default (one process, thread-safe); `RedisStateStore`
(`jarnama.decisioning.redis_state`) shares the state between server processes with atomic
Lua scripts.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import threading
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Protocol

from jarnama.core.time import business_day

MTIYN_PER_TIYN = 1000
# A click may arrive days after its impression; ids are remembered this long.
BID_MEMORY_DAYS = 8


class Budgeted(Protocol):
    """Anything with a campaign id and budgets in tiyn (a `CompiledCampaign` is one)."""

    @property
    def id(self) -> int:
        """The campaign id."""
        ...

    @property
    def daily_budget_tiyn(self) -> int | None:
        """Daily budget (Almaty day) in tiyn, or None."""
        ...

    @property
    def total_budget_tiyn(self) -> int | None:
        """Lifetime budget in tiyn, or None."""
        ...


@dataclass(frozen=True, slots=True)
class BudgetLimits:
    """A campaign's budgets without the rest of it (for callers without a snapshot)."""

    id: int
    daily_budget_tiyn: int | None = None
    total_budget_tiyn: int | None = None


class ChargeStatus(enum.StrEnum):
    """The outcome of a charge."""

    CHARGED = "charged"
    DUPLICATE = "duplicate"
    DAILY_BUDGET_EXHAUSTED = "daily_budget_exhausted"
    TOTAL_BUDGET_EXHAUSTED = "total_budget_exhausted"
    INVALID_AMOUNT = "invalid_amount"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class ChargeResult:
    """A charge's status and the campaign's spend (milli-tiyn) after it."""

    status: ChargeStatus
    daily_spent_mtiyn: int = 0
    total_spent_mtiyn: int = 0

    @property
    def charged(self) -> bool:
        """Whether money moved (a duplicate of an earlier charge did not move it again)."""
        return self.status is ChargeStatus.CHARGED


@dataclass(frozen=True, slots=True)
class Spend:
    """A campaign's spend in milli-tiyn: on one Almaty day and in total."""

    daily_mtiyn: int
    total_mtiyn: int


@dataclass(frozen=True, slots=True)
class CampaignSpend:
    """One campaign's spend from the ledger (milli-tiyn) with its budgets (tiyn), for a restore."""

    campaign_id: int
    daily_mtiyn: int
    total_mtiyn: int
    daily_budget_tiyn: int | None = None
    total_budget_tiyn: int | None = None


@dataclass(frozen=True, slots=True)
class LedgerSpend:
    """What the spend ledger says on one Almaty day: per-campaign spend, and the bid ids it
    holds that never reached the shared state (so a restore counts them once, not twice)."""

    campaigns: list[CampaignSpend] = field(default_factory=list)
    pending_bid_ids: list[str] = field(default_factory=list)


class ServingState(Protocol):
    """What the auction reads per request; every call is cheap (local memory)."""

    def budget_exhausted(self, campaign_id: int, day: dt.date) -> bool:
        """Whether the campaign reached its daily budget on `day` or its total budget."""
        ...

    def pass_rate(self, campaign_id: int) -> float:
        """The pacing pass-through probability in [0, 1] (1 when never set)."""
        ...

    def exhausted_campaigns(self, day: dt.date) -> AbstractSet[int]:
        """The campaigns that reached their daily budget on `day` or their total budget."""
        ...

    def pass_rates(self) -> Mapping[int, float]:
        """Every pacing pass-through probability set (a campaign not in it: 1)."""
        ...

    def frequency(self, user_id: str, at: dt.datetime) -> Mapping[int, tuple[int, int]]:
        """Impressions this user saw per campaign: (this Almaty day, this ISO week)."""
        ...


class StateStore(ServingState, Protocol):
    """The serving reads plus the writes: charges, pacing rates and impressions."""

    def charge(
        self, resolved_bid_id: str, campaign: Budgeted, amount_mtiyn: int, at: dt.datetime
    ) -> ChargeResult:
        """Charge once per resolved bid id; refuse once a budget has been reached."""
        ...

    def spend(self, campaign_id: int, at: dt.datetime) -> Spend:
        """The campaign's spend on the Almaty day of `at` and in total."""
        ...

    def set_pass_rate(self, campaign_id: int, rate: float) -> None:
        """Store the pacing pass-through probability for a campaign."""
        ...

    def record_impression(
        self, user_id: str, campaign_id: int, at: dt.datetime, bid_id: str | None = None
    ) -> bool:
        """Count an impression toward the user's caps, once per `bid_id` and Almaty day across
        processes; False when that bid's impression was counted that day before."""
        ...

    def apply_charge(
        self, resolved_bid_id: str, campaign: Budgeted, amount_mtiyn: int, at: dt.datetime
    ) -> ChargeResult:
        """Add a charge the ledger already holds (reconciliation): once per bid, no refusal."""
        ...

    def spends(self, campaign_ids: Iterable[int], at: dt.datetime) -> dict[int, Spend]:
        """Several campaigns' spend on the Almaty day of `at` and in total (one round trip)."""
        ...

    def day_pass_rates(self, day: dt.date) -> dict[int, float]:
        """The pacing rates stored for an Almaty day (shared by every process)."""
        ...

    def set_pass_rates(self, rates: Mapping[int, float], day: dt.date) -> None:
        """Store a pacing step's rates, for serving and as that day's controller state."""
        ...

    def lead_pacing(self, seconds: float) -> bool:
        """Whether this process runs the pacing step now (at most one per `seconds` overall)."""
        ...

    def ensure_loaded(self, day: dt.date) -> bool:
        """Reload spend from the ledger if the shared state lost it; True if it reloaded."""
        ...


def iso_week(day: dt.date) -> str:
    """The ISO week of an Almaty day as 'YYYY-Www' (weekly caps reset Monday 00:00 Almaty)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def user_key(user_id: str) -> str:
    """A short stable digest of an opaque user id (keys stay small; ids are not stored)."""
    return hashlib.blake2b(user_id.encode(), digest_size=12).hexdigest()


def _limit_mtiyn(budget_tiyn: int | None) -> int | None:
    return None if budget_tiyn is None else budget_tiyn * MTIYN_PER_TIYN


class InProcessStateStore:
    """State in this process's memory, guarded by one lock (the default without Redis)."""

    def __init__(self) -> None:
        """An empty store."""
        self._lock = threading.Lock()
        self._daily: dict[tuple[int, dt.date], int] = {}
        self._total: dict[int, int] = {}
        self._charged: dict[str, dt.date] = {}
        self._exhausted_daily: dict[dt.date, set[int]] = {}
        self._exhausted_total: set[int] = set()
        self._rates: dict[int, float] = {}
        self._freq_day: dict[tuple[str, dt.date], dict[int, int]] = {}
        self._freq_week: dict[tuple[str, str], dict[int, int]] = {}
        self._impressions: dict[tuple[str, dt.date], set[str]] = {}
        self._day_rates: dict[dt.date, dict[int, float]] = {}
        self._latest_day: dt.date | None = None

    def charge(
        self, resolved_bid_id: str, campaign: Budgeted, amount_mtiyn: int, at: dt.datetime
    ) -> ChargeResult:
        """Charge once per resolved bid id; refuse once a budget has been reached."""
        day = business_day(at)
        with self._lock:
            self._roll(day)
            daily = self._daily.get((campaign.id, day), 0)
            total = self._total.get(campaign.id, 0)
            if amount_mtiyn <= 0:
                return ChargeResult(ChargeStatus.INVALID_AMOUNT, daily, total)
            if resolved_bid_id in self._charged:
                return ChargeResult(ChargeStatus.DUPLICATE, daily, total)
            daily_limit = _limit_mtiyn(campaign.daily_budget_tiyn)
            total_limit = _limit_mtiyn(campaign.total_budget_tiyn)
            if daily_limit is not None and daily >= daily_limit:
                self._exhausted_daily.setdefault(day, set()).add(campaign.id)
                return ChargeResult(ChargeStatus.DAILY_BUDGET_EXHAUSTED, daily, total)
            if total_limit is not None and total >= total_limit:
                self._exhausted_total.add(campaign.id)
                return ChargeResult(ChargeStatus.TOTAL_BUDGET_EXHAUSTED, daily, total)
            daily += amount_mtiyn
            total += amount_mtiyn
            self._daily[(campaign.id, day)] = daily
            self._total[campaign.id] = total
            self._charged[resolved_bid_id] = day
            if daily_limit is not None and daily >= daily_limit:
                self._exhausted_daily.setdefault(day, set()).add(campaign.id)
            if total_limit is not None and total >= total_limit:
                self._exhausted_total.add(campaign.id)
            return ChargeResult(ChargeStatus.CHARGED, daily, total)

    def apply_charge(
        self, resolved_bid_id: str, campaign: Budgeted, amount_mtiyn: int, at: dt.datetime
    ) -> ChargeResult:
        """Add a charge the ledger already holds (reconciliation): once per bid, no refusal."""
        day = business_day(at)
        with self._lock:
            self._roll(day)
            daily = self._daily.get((campaign.id, day), 0)
            total = self._total.get(campaign.id, 0)
            if resolved_bid_id in self._charged or amount_mtiyn <= 0:
                return ChargeResult(ChargeStatus.DUPLICATE, daily, total)
            daily += amount_mtiyn
            total += amount_mtiyn
            self._daily[(campaign.id, day)] = daily
            self._total[campaign.id] = total
            self._charged[resolved_bid_id] = day
            daily_limit = _limit_mtiyn(campaign.daily_budget_tiyn)
            total_limit = _limit_mtiyn(campaign.total_budget_tiyn)
            if daily_limit is not None and daily >= daily_limit:
                self._exhausted_daily.setdefault(day, set()).add(campaign.id)
            if total_limit is not None and total >= total_limit:
                self._exhausted_total.add(campaign.id)
            return ChargeResult(ChargeStatus.CHARGED, daily, total)

    def spend(self, campaign_id: int, at: dt.datetime) -> Spend:
        """The campaign's spend on the Almaty day of `at` and in total."""
        day = business_day(at)
        return Spend(self._daily.get((campaign_id, day), 0), self._total.get(campaign_id, 0))

    def spends(self, campaign_ids: Iterable[int], at: dt.datetime) -> dict[int, Spend]:
        """Several campaigns' spend on the Almaty day of `at` and in total."""
        return {c: self.spend(c, at) for c in campaign_ids}

    def day_pass_rates(self, day: dt.date) -> dict[int, float]:
        """The pacing rates stored for an Almaty day."""
        return dict(self._day_rates.get(day, {}))

    def set_pass_rates(self, rates: Mapping[int, float], day: dt.date) -> None:
        """Store a pacing step's rates (clamped to [0, 1]) for serving and for that day."""
        clamped = {c: min(1.0, max(0.0, r)) for c, r in rates.items()}
        with self._lock:
            self._rates.update(clamped)
            stored = self._day_rates.setdefault(day, {})
            stored.update(clamped)
            for old in [d for d in self._day_rates if d < day - dt.timedelta(days=1)]:
                del self._day_rates[old]

    def lead_pacing(self, seconds: float) -> bool:
        """One process: it always leads."""
        return True

    def ensure_loaded(self, day: dt.date) -> bool:
        """Nothing to reload: the runtime seeds this store from the ledger when it starts."""
        return False

    def budget_exhausted(self, campaign_id: int, day: dt.date) -> bool:
        """Whether the campaign reached its daily budget on `day` or its total budget."""
        if campaign_id in self._exhausted_total:
            return True
        exhausted = self._exhausted_daily.get(day)
        return exhausted is not None and campaign_id in exhausted

    def pass_rate(self, campaign_id: int) -> float:
        """The pacing pass-through probability (1 when never set)."""
        return self._rates.get(campaign_id, 1.0)

    def exhausted_campaigns(self, day: dt.date) -> AbstractSet[int]:
        """The campaigns that reached their daily budget on `day` or their total budget."""
        daily = self._exhausted_daily.get(day)
        if not daily:
            return frozenset(self._exhausted_total)
        return frozenset(self._exhausted_total | daily)

    def pass_rates(self) -> Mapping[int, float]:
        """Every pacing pass-through probability set (a campaign not in it: 1)."""
        return self._rates

    def set_pass_rate(self, campaign_id: int, rate: float) -> None:
        """Store the pacing pass-through probability, clamped to [0, 1]."""
        self._rates[campaign_id] = min(1.0, max(0.0, rate))

    def record_impression(
        self, user_id: str, campaign_id: int, at: dt.datetime, bid_id: str | None = None
    ) -> bool:
        """Count an impression toward the user's caps, once per `bid_id` and Almaty day."""
        day = business_day(at)
        user = user_key(user_id)
        with self._lock:
            self._roll(day)
            if bid_id is not None:
                counted = self._impressions.setdefault((user, day), set())
                if bid_id in counted:
                    return False
                counted.add(bid_id)
            per_day = self._freq_day.setdefault((user, day), {})
            per_day[campaign_id] = per_day.get(campaign_id, 0) + 1
            per_week = self._freq_week.setdefault((user, iso_week(day)), {})
            per_week[campaign_id] = per_week.get(campaign_id, 0) + 1
            return True

    def frequency(self, user_id: str, at: dt.datetime) -> Mapping[int, tuple[int, int]]:
        """Impressions this user saw per campaign: (this Almaty day, this ISO week)."""
        day = business_day(at)
        user = user_key(user_id)
        per_day = self._freq_day.get((user, day), {})
        per_week = self._freq_week.get((user, iso_week(day)), {})
        if not per_week:
            return {}
        return {c: (per_day.get(c, 0), n) for c, n in per_week.items()}

    def _roll(self, day: dt.date) -> None:
        """Forget what a new Almaty day makes irrelevant (called under the lock)."""
        if self._latest_day is not None and day <= self._latest_day:
            return
        self._latest_day = day
        yesterday = day - dt.timedelta(days=1)
        week_floor = day - dt.timedelta(days=BID_MEMORY_DAYS)
        self._daily = {k: v for k, v in self._daily.items() if k[1] >= yesterday}
        self._exhausted_daily = {k: v for k, v in self._exhausted_daily.items() if k >= yesterday}
        self._charged = {k: v for k, v in self._charged.items() if v >= week_floor}
        self._impressions = {k: v for k, v in self._impressions.items() if k[1] >= yesterday}
        self._freq_day = {k: v for k, v in self._freq_day.items() if k[1] >= yesterday}
        weeks = {iso_week(day), iso_week(yesterday)}
        self._freq_week = {k: v for k, v in self._freq_week.items() if k[1] in weeks}

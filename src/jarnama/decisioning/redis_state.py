"""`RedisStateStore`: spend, pacing and frequency shared by all server processes through Redis.

Every write is one atomic Lua script (no read-modify-write races between processes). Reads
on the hot path never wait for Redis per campaign: the exhausted-campaign sets and the pacing
rates are fetched in one round trip at most every `refresh_seconds` (a budget reached in
another process stops serving here within that interval; 0.25 s by default, the issue asks
for under a second). Frequency counters are one round trip per request with a user id.
Keys (prefix `jarnama:` by default): `spend:d:<day>:<campaign>`, `spend:t:<campaign>`,
`bid:<resolved bid id>`, `exhausted:d:<day>`, `exhausted:t`, `pace`, `freq:d:<day>:<user>`,
`freq:w:<week>:<user>` (users as a 96-bit BLAKE2b digest), `freq:b:<day>:<user>` (the bid
ids whose impression that user's counters hold: one count per bid and Almaty day over all
processes), `pace:d:<day>` (the controller's rates of a day),
`pace:lead` (the pacing step's lease) and `loaded` (set once spend was loaded from the
ledger: a flush or restart removes it, and the next charge or background tick reloads the
spend from the ledger before any charge runs). Not Redis Cluster ready: one charge touches
keys of several hash slots.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any, cast

import redis

from jarnama.core.time import business_day
from jarnama.decisioning.state import (
    BID_MEMORY_DAYS,
    MTIYN_PER_TIYN,
    Budgeted,
    ChargeResult,
    ChargeStatus,
    LedgerSpend,
    Spend,
    iso_week,
    user_key,
)

log = logging.getLogger(__name__)

# KEYS: bid id, daily spend, total spend, daily exhausted set, total exhausted set, loaded mark.
# ARGV: amount, daily limit (-1: none), total limit (-1: none), campaign id, bid TTL, day TTL,
# require the loaded mark (1/0), force (1: a ledger charge being reconciled, never refused).
# Returns {status, daily, total}: 1 charged, 2 duplicate, 3 daily exhausted, 4 total exhausted,
# 5 not loaded (the spend keys were lost, e.g. a flush: reload them from the ledger first).
_CHARGE_LUA = """
if ARGV[7] == '1' and redis.call('EXISTS', KEYS[6]) == 0 then return {5, 0, 0} end
local daily = tonumber(redis.call('GET', KEYS[2]) or '0')
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
if redis.call('EXISTS', KEYS[1]) == 1 then return {2, daily, total} end
local amount = tonumber(ARGV[1])
local daily_limit = tonumber(ARGV[2])
local total_limit = tonumber(ARGV[3])
if ARGV[8] ~= '1' then
  if daily_limit >= 0 and daily >= daily_limit then
    redis.call('SADD', KEYS[4], ARGV[4])
    redis.call('EXPIRE', KEYS[4], ARGV[6])
    return {3, daily, total}
  end
  if total_limit >= 0 and total >= total_limit then
    redis.call('SADD', KEYS[5], ARGV[4])
    return {4, daily, total}
  end
end
daily = redis.call('INCRBY', KEYS[2], amount)
redis.call('EXPIRE', KEYS[2], ARGV[6])
total = redis.call('INCRBY', KEYS[3], amount)
redis.call('SET', KEYS[1], amount, 'EX', ARGV[5])
if daily_limit >= 0 and daily >= daily_limit then
  redis.call('SADD', KEYS[4], ARGV[4])
  redis.call('EXPIRE', KEYS[4], ARGV[6])
end
if total_limit >= 0 and total >= total_limit then
  redis.call('SADD', KEYS[5], ARGV[4])
end
return {1, daily, total}
"""

_NOT_LOADED = 5

# Reload spend from the ledger after Redis lost it (flush, restart without persistence), once:
# the first process to run it sets the loaded mark, later ones return 0. Counters never go
# down (max of what Redis holds and what the ledger says), exhausted sets are rebuilt, and the
# ledger's bids still waiting for reconciliation are marked charged (the totals hold them).
# KEYS: loaded mark. ARGV: prefix, day, day TTL, bid TTL, n, n x (campaign, daily, total,
# daily limit, total limit), m, m x bid id.
_RESTORE_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local p, day, day_ttl, bid_ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local i = 6
for _ = 1, tonumber(ARGV[5]) do
  local c = ARGV[i]
  local daily, total = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local daily_limit, total_limit = tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
  i = i + 5
  local daily_key, total_key = p .. 'spend:d:' .. day .. ':' .. c, p .. 'spend:t:' .. c
  local held_daily = tonumber(redis.call('GET', daily_key) or '0')
  if daily > held_daily then
    redis.call('SET', daily_key, daily, 'EX', day_ttl)
    held_daily = daily
  end
  local held_total = tonumber(redis.call('GET', total_key) or '0')
  if total > held_total then
    redis.call('SET', total_key, total)
    held_total = total
  end
  if daily_limit >= 0 and held_daily >= daily_limit then
    redis.call('SADD', p .. 'exhausted:d:' .. day, c)
    redis.call('EXPIRE', p .. 'exhausted:d:' .. day, day_ttl)
  end
  if total_limit >= 0 and held_total >= total_limit then
    redis.call('SADD', p .. 'exhausted:t', c)
  end
end
local pending = tonumber(ARGV[i])
i = i + 1
for _ = 1, pending do
  redis.call('SET', p .. 'bid:' .. ARGV[i], 0, 'EX', bid_ttl, 'NX')
  i = i + 1
end
redis.call('SET', KEYS[1], day)
return 1
"""

_STATUS_BY_CODE = {
    1: ChargeStatus.CHARGED,
    2: ChargeStatus.DUPLICATE,
    3: ChargeStatus.DAILY_BUDGET_EXHAUSTED,
    4: ChargeStatus.TOTAL_BUDGET_EXHAUSTED,
}

# KEYS: daily counter hash, weekly counter hash, the user's day set of counted bid ids.
# ARGV: campaign id, day TTL, week TTL, whether to check the bid (1/0), the bid id.
# Returns 0 when this bid's impression was counted that day before (by any process), else 1.
# One small set per user and day (not a key per impression): ~20 bytes an impression, gone
# with the day's counters.
_IMPRESSION_LUA = """
if ARGV[4] == '1' then
  if redis.call('SADD', KEYS[3], ARGV[5]) == 0 then return 0 end
  redis.call('EXPIRE', KEYS[3], ARGV[2])
end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
"""

# Reads the ledger's spend of an Almaty day (the runtime's reads the database).
SpendLoader = Callable[[dt.date], LedgerSpend]

_DAY_TTL = 3 * 24 * 3600
_WEEK_TTL = 9 * 24 * 3600
_BID_TTL = BID_MEMORY_DAYS * 24 * 3600


class RedisStateStore:
    """State in Redis, shared by every process that uses the same `prefix`."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "jarnama:",
        refresh_seconds: float = 0.25,
        spend_loader: SpendLoader | None = None,
    ) -> None:
        """A store on a redis-py client (`redis.Redis.from_url(settings URL)`).

        With a `spend_loader` (the runtime passes one reading the spend ledger) a charge never
        runs on lost spend keys: it reloads them from the ledger first (`ensure_loaded`).
        """
        self._redis = client
        self._prefix = prefix
        self._refresh = refresh_seconds
        self._loader = spend_loader
        self._loaded_key = f"{prefix}loaded"
        self._charge_script = client.register_script(_CHARGE_LUA)
        self._impression_script = client.register_script(_IMPRESSION_LUA)
        self._restore_script = client.register_script(_RESTORE_LUA)
        self._lock = threading.Lock()
        # (fetched at monotonic, day, exhausted that day, exhausted in total)
        self._exhausted: tuple[float, dt.date | None, frozenset[int], frozenset[int]] = (
            float("-inf"),
            None,
            frozenset(),
            frozenset(),
        )
        self._rates: tuple[float, dict[int, float]] = (float("-inf"), {})

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisStateStore:
        """A store on a new client for `url` (e.g. `JARNAMA_REDIS_URL`)."""
        return cls(redis.Redis.from_url(url), **kwargs)

    def charge(
        self, resolved_bid_id: str, campaign: Budgeted, amount_mtiyn: int, at: dt.datetime
    ) -> ChargeResult:
        """Charge once per resolved bid id; refuse once a budget has been reached (atomic)."""
        return self._charge(resolved_bid_id, campaign, amount_mtiyn, at, force=False)

    def apply_charge(
        self, resolved_bid_id: str, campaign: Budgeted, amount_mtiyn: int, at: dt.datetime
    ) -> ChargeResult:
        """Add a charge the ledger already holds (reconciliation): once per bid, no refusal."""
        return self._charge(resolved_bid_id, campaign, amount_mtiyn, at, force=True)

    def _charge(
        self,
        resolved_bid_id: str,
        campaign: Budgeted,
        amount_mtiyn: int,
        at: dt.datetime,
        *,
        force: bool,
    ) -> ChargeResult:
        if amount_mtiyn <= 0:
            return ChargeResult(ChargeStatus.INVALID_AMOUNT)
        day = business_day(at)
        p = self._prefix
        keys = [
            f"{p}bid:{resolved_bid_id}",
            f"{p}spend:d:{day.isoformat()}:{campaign.id}",
            f"{p}spend:t:{campaign.id}",
            f"{p}exhausted:d:{day.isoformat()}",
            f"{p}exhausted:t",
            self._loaded_key,
        ]
        args = [
            amount_mtiyn,
            _limit(campaign.daily_budget_tiyn),
            _limit(campaign.total_budget_tiyn),
            campaign.id,
            _BID_TTL,
            _DAY_TTL,
            int(self._loader is not None),
            int(force),
        ]
        try:
            code, daily, total = cast(list[int], self._charge_script(keys=keys, args=args))
            if int(code) == _NOT_LOADED:
                self.ensure_loaded(day)
                code, daily, total = cast(list[int], self._charge_script(keys=keys, args=args))
        except redis.RedisError as exc:
            log.warning("charge of %s not recorded, Redis failed: %s", resolved_bid_id, exc)
            return ChargeResult(ChargeStatus.UNAVAILABLE)
        if int(code) == _NOT_LOADED:  # the ledger could not be read: do not charge blind
            return ChargeResult(ChargeStatus.UNAVAILABLE)
        status = _STATUS_BY_CODE[int(code)]
        result = ChargeResult(status, int(daily), int(total))
        if status is not ChargeStatus.DUPLICATE and self._reached(campaign, result):
            self._mark_exhausted(campaign.id, day)
        return result

    def ensure_loaded(self, day: dt.date) -> bool:
        """Reload spend from the ledger if Redis lost it (no loaded mark); True if reloaded.

        Raises `redis.RedisError` when Redis is down; returns False without a loader.
        """
        if self._loader is None or self._redis.exists(self._loaded_key):
            return False
        ledger = self._loader(day)
        args: list[Any] = [self._prefix, day.isoformat(), _DAY_TTL, _BID_TTL, len(ledger.campaigns)]
        for row in ledger.campaigns:
            args += [
                row.campaign_id,
                row.daily_mtiyn,
                row.total_mtiyn,
                _limit(row.daily_budget_tiyn),
                _limit(row.total_budget_tiyn),
            ]
        args += [len(ledger.pending_bid_ids), *ledger.pending_bid_ids]
        restored = bool(self._restore_script(keys=[self._loaded_key], args=args))
        if restored:
            log.warning(
                "Redis had lost the spend state; reloaded %d campaigns from the ledger",
                len(ledger.campaigns),
            )
            with self._lock:  # refetch the exhausted sets at the next read
                self._exhausted = (float("-inf"), None, frozenset(), frozenset())
        return restored

    def spend(self, campaign_id: int, at: dt.datetime) -> Spend:
        """The campaign's spend on the Almaty day of `at` and in total."""
        day = business_day(at).isoformat()
        p = self._prefix
        keys = [f"{p}spend:d:{day}:{campaign_id}", f"{p}spend:t:{campaign_id}"]
        raw = cast(list[bytes | None], self._redis.mget(keys))
        return Spend(int(raw[0] or 0), int(raw[1] or 0))

    def spends(self, campaign_ids: Iterable[int], at: dt.datetime) -> dict[int, Spend]:
        """Several campaigns' spend on the Almaty day of `at` and in total (one MGET)."""
        ids = list(campaign_ids)
        if not ids:
            return {}
        day = business_day(at).isoformat()
        p = self._prefix
        keys = [f"{p}spend:d:{day}:{c}" for c in ids] + [f"{p}spend:t:{c}" for c in ids]
        raw = cast(list[bytes | None], self._redis.mget(keys))
        n = len(ids)
        return {c: Spend(int(raw[i] or 0), int(raw[n + i] or 0)) for i, c in enumerate(ids)}

    def day_pass_rates(self, day: dt.date) -> dict[int, float]:
        """The pacing rates the last step stored for an Almaty day (shared by every process)."""
        raw = cast(dict[bytes, bytes], self._redis.hgetall(f"{self._prefix}pace:d:{day}"))
        return {int(k): float(v) for k, v in raw.items()}

    def set_pass_rates(self, rates: Mapping[int, float], day: dt.date) -> None:
        """Store a pacing step's rates (clamped) for serving and as that day's state."""
        if not rates:
            return
        clamped = {c: min(1.0, max(0.0, r)) for c, r in rates.items()}
        mapping = {str(c): repr(r) for c, r in clamped.items()}
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(f"{self._prefix}pace", mapping=mapping)  # type: ignore[arg-type]
        pipe.hset(f"{self._prefix}pace:d:{day}", mapping=mapping)  # type: ignore[arg-type]
        pipe.expire(f"{self._prefix}pace:d:{day}", _DAY_TTL)
        pipe.execute()
        with self._lock:
            fetched, served = self._rates
            self._rates = (fetched, {**served, **clamped})

    def lead_pacing(self, seconds: float) -> bool:
        """Whether this process runs the pacing step now: one lease for every process, so the
        rates move once per interval however many processes serve (not once per process)."""
        lease = max(1, int(seconds * 1000))
        return bool(self._redis.set(f"{self._prefix}pace:lead", 1, nx=True, px=lease))

    def budget_exhausted(self, campaign_id: int, day: dt.date) -> bool:
        """Whether the campaign reached a budget (as of at most `refresh_seconds` ago)."""
        fetched, cached_day, daily, total = self._exhausted
        if cached_day != day or time.monotonic() - fetched > self._refresh:
            fetched, cached_day, daily, total = self._refresh_exhausted(day)
        return campaign_id in total or campaign_id in daily

    def exhausted_campaigns(self, day: dt.date) -> AbstractSet[int]:
        """The campaigns that reached a budget (as of at most `refresh_seconds` ago)."""
        fetched, cached_day, daily, total = self._exhausted
        if cached_day != day or time.monotonic() - fetched > self._refresh:
            fetched, cached_day, daily, total = self._refresh_exhausted(day)
        return total | daily if daily else total

    def pass_rates(self) -> Mapping[int, float]:
        """Every pacing pass-through probability set, refreshed each interval."""
        fetched, rates = self._rates
        if time.monotonic() - fetched > self._refresh:
            rates = self._refresh_rates()
        return rates

    def pass_rate(self, campaign_id: int) -> float:
        """The pacing pass-through probability (1 when never set), refreshed each interval."""
        fetched, rates = self._rates
        if time.monotonic() - fetched > self._refresh:
            rates = self._refresh_rates()
        return rates.get(campaign_id, 1.0)

    def set_pass_rate(self, campaign_id: int, rate: float) -> None:
        """Store the pacing pass-through probability, clamped to [0, 1]."""
        rate = min(1.0, max(0.0, rate))
        self._redis.hset(f"{self._prefix}pace", str(campaign_id), repr(rate))
        with self._lock:
            fetched, rates = self._rates
            self._rates = (fetched, {**rates, campaign_id: rate})

    def record_impression(
        self, user_id: str, campaign_id: int, at: dt.datetime, bid_id: str | None = None
    ) -> bool:
        """Count an impression toward the user's caps, once per `bid_id` and Almaty day over
        all processes (atomic); False when that bid's impression was counted that day."""
        day_key, week_key = self._frequency_keys(user_id, at)
        seen_key = f"{self._prefix}freq:b:{business_day(at).isoformat()}:{user_key(user_id)}"
        args: list[int | str] = [
            campaign_id,
            _DAY_TTL,
            _WEEK_TTL,
            int(bid_id is not None),
            bid_id or "",
        ]
        try:
            counted = self._impression_script(keys=[day_key, week_key, seen_key], args=args)
        except redis.RedisError as exc:
            log.warning("impression not counted toward frequency caps, Redis failed: %s", exc)
            return True
        return bool(counted)

    def frequency(self, user_id: str, at: dt.datetime) -> Mapping[int, tuple[int, int]]:
        """Impressions this user saw per campaign (day, ISO week); empty if Redis fails."""
        day_key, week_key = self._frequency_keys(user_id, at)
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.hgetall(day_key)
            pipe.hgetall(week_key)
            per_day, per_week = cast(list[dict[bytes, bytes]], pipe.execute())
        except redis.RedisError as exc:
            log.warning("frequency counters unavailable, caps not applied: %s", exc)
            return {}
        days = {int(k): int(v) for k, v in per_day.items()}
        return {int(k): (days.get(int(k), 0), int(v)) for k, v in per_week.items()}

    def _frequency_keys(self, user_id: str, at: dt.datetime) -> tuple[str, str]:
        day = business_day(at)
        user = user_key(user_id)
        return (
            f"{self._prefix}freq:d:{day.isoformat()}:{user}",
            f"{self._prefix}freq:w:{iso_week(day)}:{user}",
        )

    def _reached(self, campaign: Budgeted, result: ChargeResult) -> bool:
        daily_limit = _limit(campaign.daily_budget_tiyn)
        total_limit = _limit(campaign.total_budget_tiyn)
        return (0 <= daily_limit <= result.daily_spent_mtiyn) or (
            0 <= total_limit <= result.total_spent_mtiyn
        )

    def _mark_exhausted(self, campaign_id: int, day: dt.date) -> None:
        """Stop serving the campaign here at once, without waiting for the next refresh."""
        with self._lock:
            fetched, cached_day, daily_set, total_set = self._exhausted
            if cached_day == day:
                self._exhausted = (fetched, day, daily_set | {campaign_id}, total_set)

    def _refresh_exhausted(
        self, day: dt.date
    ) -> tuple[float, dt.date | None, frozenset[int], frozenset[int]]:
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.smembers(f"{self._prefix}exhausted:d:{day.isoformat()}")
            pipe.smembers(f"{self._prefix}exhausted:t")
            raw_daily, raw_total = cast(list[set[bytes]], pipe.execute())
        except redis.RedisError as exc:
            # Keep serving on the last known sets; charges still refuse atomically.
            log.warning("exhausted budgets not refreshed, Redis failed: %s", exc)
            return self._exhausted
        snapshot = (
            time.monotonic(),
            day,
            frozenset(int(x) for x in raw_daily),
            frozenset(int(x) for x in raw_total),
        )
        self._exhausted = snapshot
        return snapshot

    def _refresh_rates(self) -> dict[int, float]:
        try:
            raw = cast(dict[bytes, bytes], self._redis.hgetall(f"{self._prefix}pace"))
        except redis.RedisError as exc:
            log.warning("pacing rates not refreshed, Redis failed: %s", exc)
            return self._rates[1]
        rates = {int(k): float(v) for k, v in raw.items()}
        self._rates = (time.monotonic(), rates)
        return rates


def _limit(budget_tiyn: int | None) -> int:
    return -1 if budget_tiyn is None else budget_tiyn * MTIYN_PER_TIYN

"""The spend ledger as the source of truth behind the shared state store.

Redis holds spend only to refuse charges past a budget quickly across processes; the ledger
(one row per billed bid, in the database) is what is billed. Two gaps between them are
closed here:

- Redis lost its keys (flush, restart without persistence): `spend_loader` gives the store
  the ledger's spend of the day, and the store reloads it before its next charge (and the
  background tick checks each second), so a reset never hands a campaign a fresh budget.
- Redis is down when a billable event arrives: `record_without_state` still writes the
  ledger row, checking the budget against the ledger's own sums, and marks it pending;
  `reconcile` adds pending rows to Redis once it answers again (idempotent per bid id).
"""

from __future__ import annotations

import datetime as dt
import logging

import redis
from sqlalchemy.orm import Session, sessionmaker

from jarnama.decisioning import repository
from jarnama.decisioning.models import SpendEntry
from jarnama.decisioning.redis_state import SpendLoader
from jarnama.decisioning.state import (
    MTIYN_PER_TIYN,
    Budgeted,
    BudgetLimits,
    ChargeStatus,
    LedgerSpend,
    StateStore,
)

log = logging.getLogger(__name__)

# Pending rows reconciled per background tick (each is one Redis round trip).
RECONCILE_BATCH = 500


def spend_loader(session_factory: sessionmaker[Session]) -> SpendLoader:
    """A loader reading the ledger's spend of an Almaty day in its own read-only session."""

    def load(day: dt.date) -> LedgerSpend:
        with session_factory() as session:
            return repository.ledger_spend(session, day)

    return load


def record_without_state(session: Session, entry: SpendEntry, campaign: Budgeted) -> ChargeStatus:
    """Bill an event while the state store is down: the ledger's sums decide the budget.

    Returns CHARGED (the row and its pending mark are flushed), or the budget that the ledger
    says is reached. Without the store's atomic check, processes billing at the same instant
    may each pass the check: the bound during an outage is one charge per process, not one.
    """
    daily, total = repository.campaign_spend(session, campaign.id, entry.business_day)
    if (
        campaign.daily_budget_tiyn is not None
        and daily >= campaign.daily_budget_tiyn * MTIYN_PER_TIYN
    ):
        return ChargeStatus.DAILY_BUDGET_EXHAUSTED
    if (
        campaign.total_budget_tiyn is not None
        and total >= campaign.total_budget_tiyn * MTIYN_PER_TIYN
    ):
        return ChargeStatus.TOTAL_BUDGET_EXHAUSTED
    repository.add_spend(session, entry)
    repository.add_pending(session, entry)
    return ChargeStatus.CHARGED


def reconcile(state: StateStore, session: Session, limit: int = RECONCILE_BATCH) -> int:
    """Add pending ledger rows to the state store (each once); the number that reached it.

    The caller commits. Stops at the first failure (the store is still down) and leaves the
    rest pending for the next call.
    """
    done: list[int] = []
    for entry in repository.pending_spend(session, limit):
        budgets = repository.campaign_budgets(session, entry.campaign_id) or (None, None)
        campaign = BudgetLimits(entry.campaign_id, *budgets)
        try:
            result = state.apply_charge(entry.bid_id, campaign, entry.amount_mtiyn, entry.event_at)
        except redis.RedisError as exc:
            log.warning("reconciliation paused, Redis failed: %s", exc)
            break
        if result.status is ChargeStatus.UNAVAILABLE:
            break
        done.append(entry.id)
    repository.clear_pending(session, done)
    return len(done)

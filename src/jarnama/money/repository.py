"""SQL of the money domain: dated exchange rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.money.models import ExchangeRate


def rate(session: Session, currency: str, on: dt.date) -> ExchangeRate | None:
    """The stored rate of one currency for one day."""
    return session.get(ExchangeRate, (currency, on))


def rates(
    session: Session,
    *,
    currencies: Collection[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[ExchangeRate]:
    """Stored rates, oldest first, optionally of some currencies and within [since, until]."""
    stmt = select(ExchangeRate)
    if currencies is not None:
        stmt = stmt.where(ExchangeRate.currency.in_(currencies))
    if since is not None:
        stmt = stmt.where(ExchangeRate.on >= since)
    if until is not None:
        stmt = stmt.where(ExchangeRate.on <= until)
    return list(session.scalars(stmt.order_by(ExchangeRate.on, ExchangeRate.currency)).all())


def add(session: Session, row: ExchangeRate) -> ExchangeRate:
    """Stage a new rate in the unit of work (the caller's edge commits)."""
    session.add(row)
    session.flush()
    return row

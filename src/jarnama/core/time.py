"""Time: timezone-aware UTC everywhere, with the business day in Asia/Almaty."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """Treat naive datetimes (SQLite hands them back) as UTC and convert aware ones."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def business_day(instant: dt.datetime) -> dt.date:
    """The Almaty calendar day an instant falls on (daily budgets reset at Almaty midnight)."""
    return as_utc(instant).astimezone(ALMATY).date()

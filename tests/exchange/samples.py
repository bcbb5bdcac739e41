"""In-memory inventory for the pure exchange tests: screens, deals, rates, a fixed clock."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from jarnama.core.money import Currency
from jarnama.exchange.models import DealKind
from jarnama.exchange.snapshot import DaypartRule, DealTerms, ScreenSnapshot
from jarnama.money.rates import Rate, RateBook

# Tuesday 2030-06-04 09:00 in Almaty (UTC+5): inside the weekday 07:00-10:00 daypart floor.
NOW = dt.datetime(2030, 6, 4, 3, 58, 30, tzinfo=dt.UTC)
PLAYS_AT = dt.datetime(2030, 6, 4, 4, 0, 0, tzinfo=dt.UTC)
EVENING = dt.datetime(2030, 6, 4, 14, 0, 0, tzinfo=dt.UTC)  # 19:00 local, no daypart rule
RATES = RateBook.of(
    [
        Rate(Currency.USD, dt.date(2030, 6, 3), Decimal("500.00")),
        Rate(Currency.EUR, dt.date(2030, 6, 3), Decimal("540.00")),
        Rate(Currency.RUB, dt.date(2030, 6, 3), Decimal("5.50")),
    ]
)
EVERY_DAY = {day: ((7 * 60, 23 * 60),) for day in range(7)}


def deal(code: str = "JRN-1", **overrides: Any) -> DealTerms:
    """A preferred deal at 2 000 ₸ CPM open to the bidder 'alpha'."""
    base = DealTerms(
        code=code,
        kind=DealKind.PREFERRED,
        floor_cpm=Decimal("2000"),
        currency=Currency.KZT,
        bidders=frozenset({"alpha"}),
        seats=(),
        private=False,
    )
    return dataclasses.replace(base, **overrides)


def screen(**overrides: Any) -> ScreenSnapshot:
    """A 1920x1080 roadside board in Almaty: floor 1 000 ₸, 1 500 ₸ on weekday mornings."""
    base = ScreenSnapshot(
        id=42,
        account_id=7,
        publisher_name="Almaty Smartboards",
        code="ALA-001",
        name="Al-Farabi / Nazarbayev",
        venue_type_ids=(30101,),
        lat=Decimal("43.218100"),
        lon=Decimal("76.927800"),
        city="Almaty",
        width_px=1920,
        height_px=1080,
        loop_seconds=60,
        slot_seconds=10,
        hours=EVERY_DAY,
        multiplier=Decimal("12.5"),
        audience_source=1,
        audience_vendor="geopath.org",
        floor_cpm=Decimal("1000"),
        floor_currency=Currency.KZT,
        daypart_floors=(DaypartRule(frozenset(range(5)), 7 * 60, 10 * 60, Decimal("1500")),),
        blocked_categories=("IAB7-39",),
        blocked_domains=("casino.example",),
    )
    return dataclasses.replace(base, **overrides)

"""The serving view of the inventory: immutable screens and deals, compiled from the database.

The hot path (building requests, clearing auctions) reads only these frozen objects; a change
to a screen or a deal builds a new snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from jarnama.core.money import Currency
from jarnama.core.time import ALMATY, as_utc
from jarnama.exchange import repository
from jarnama.exchange.models import Deal, DealKind, Screen

# Asia/Almaty is UTC+5 all year (no daylight saving since 2024-03-01).
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class DaypartRule:
    """A floor in force on some weekdays between two local minutes of the day."""

    days: frozenset[int]
    from_minute: int
    to_minute: int
    floor_cpm: Decimal

    def covers(self, weekday: int, minute: int) -> bool:
        """True when the rule is in force at this local weekday and minute."""
        return weekday in self.days and self.from_minute <= minute < self.to_minute


@dataclass(frozen=True, slots=True)
class DealTerms:
    """A deal as the auction sees it."""

    code: str
    kind: DealKind
    floor_cpm: Decimal
    currency: Currency
    bidders: frozenset[str]
    seats: tuple[str, ...]
    private: bool

    @property
    def fixed_price(self) -> bool:
        """True for preferred and guaranteed deals: `at` = 3, the deal price is the price."""
        return self.kind is not DealKind.PRIVATE_AUCTION


@dataclass(frozen=True, slots=True)
class ScreenSnapshot:
    """One sellable screen: everything a bid request and an auction need, no ORM."""

    id: int
    account_id: int
    publisher_name: str
    code: str
    name: str
    venue_type_ids: tuple[int, ...]
    lat: Decimal
    lon: Decimal
    city: str
    width_px: int
    height_px: int
    loop_seconds: int
    slot_seconds: int
    hours: Mapping[int, tuple[tuple[int, int], ...]]
    multiplier: Decimal
    audience_source: int
    audience_vendor: str | None
    floor_cpm: Decimal
    floor_currency: Currency
    daypart_floors: tuple[DaypartRule, ...]
    blocked_categories: tuple[str, ...]
    blocked_domains: tuple[str, ...]
    deals: tuple[DealTerms, ...] = ()

    def is_open(self, instant: dt.datetime) -> bool:
        """True when the screen plays at this instant (its Almaty operating hours)."""
        local = as_utc(instant).astimezone(ALMATY)
        minute = local.hour * 60 + local.minute
        return any(a <= minute < b for a, b in self.hours.get(local.weekday(), ()))

    def floor_at(self, instant: dt.datetime) -> Decimal:
        """The floor CPM (in `floor_currency`) for a play at this instant.

        The highest daypart rule in force wins; without one, the screen's own floor.
        """
        local = as_utc(instant).astimezone(ALMATY)
        minute = local.hour * 60 + local.minute
        weekday = local.weekday()
        found = [r.floor_cpm for r in self.daypart_floors if r.covers(weekday, minute)]
        return max(found) if found else self.floor_cpm

    @property
    def private(self) -> bool:
        """True when a private deal restricts the screen to deal bids."""
        return any(deal.private for deal in self.deals)


@dataclass(frozen=True)
class InventorySnapshot:
    """Every sellable screen by id, with its deals attached."""

    screens: Mapping[int, ScreenSnapshot] = field(default_factory=dict)

    def screen(self, screen_id: int) -> ScreenSnapshot | None:
        """A screen by id (None when unknown or inactive)."""
        return self.screens.get(screen_id)


def _day_index(code: str) -> int:
    return WEEKDAY_CODES.index(code)


def screen_snapshot(
    screen: Screen, publisher_name: str, deals: Iterable[DealTerms] = ()
) -> ScreenSnapshot:
    """The frozen serving view of one stored screen."""
    return ScreenSnapshot(
        id=screen.id,
        account_id=screen.account_id,
        publisher_name=publisher_name,
        code=screen.code,
        name=screen.name,
        venue_type_ids=tuple(screen.venue_type_ids),
        lat=Decimal(screen.lat),
        lon=Decimal(screen.lon),
        city=screen.city,
        width_px=screen.width_px,
        height_px=screen.height_px,
        loop_seconds=screen.loop_seconds,
        slot_seconds=screen.slot_seconds,
        hours={
            _day_index(day): tuple((a, b) for a, b in windows)
            for day, windows in screen.operating_hours.items()
        },
        multiplier=Decimal(screen.audience_multiplier),
        audience_source=screen.audience_source,
        audience_vendor=screen.audience_vendor,
        floor_cpm=Decimal(screen.floor_cpm),
        floor_currency=Currency(screen.floor_currency),
        daypart_floors=tuple(
            DaypartRule(
                days=frozenset(_day_index(day) for day in rule["days"]),
                from_minute=int(rule["from_minute"]),
                to_minute=int(rule["to_minute"]),
                floor_cpm=Decimal(rule["floor_cpm"]),
            )
            for rule in screen.daypart_floors
        ),
        blocked_categories=tuple(screen.blocked_categories),
        blocked_domains=tuple(screen.blocked_domains),
        deals=tuple(deals),
    )


def deal_terms(deal: Deal) -> DealTerms:
    """The frozen view of one stored deal."""
    return DealTerms(
        code=deal.code,
        kind=deal.kind,
        floor_cpm=Decimal(deal.floor_cpm),
        currency=Currency(deal.currency),
        bidders=frozenset(deal.bidders),
        seats=tuple(deal.seats),
        private=deal.private,
    )


def compile_inventory(session: Session) -> InventorySnapshot:
    """Build the serving snapshot from the database: active screens and their active deals."""
    members = repository.all_group_members(session)
    by_screen: dict[int, list[DealTerms]] = {}
    for deal in repository.active_deals(session):
        terms = deal_terms(deal)
        covered = set(deal.screen_ids)
        for group_id in deal.group_ids:
            covered.update(members.get(group_id, ()))
        for screen_id in covered:
            by_screen.setdefault(screen_id, []).append(terms)
    names: dict[int, str] = {}
    screens: dict[int, ScreenSnapshot] = {}
    for screen in repository.active_screens(session):
        if screen.account_id not in names:
            owner = repository.account_by_id(session, screen.account_id)
            names[screen.account_id] = owner.name if owner is not None else ""
        screens[screen.id] = screen_snapshot(
            screen, names[screen.account_id], by_screen.get(screen.id, ())
        )
    return InventorySnapshot(screens=screens)

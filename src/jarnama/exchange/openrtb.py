"""Outbound OpenRTB 2.6 BidRequests for one DOOH slot (pure: data in, JSON-ready dict out).

Follows OpenRTB 2.6 §3.2.31 (`dooh`), §3.2.32 (`qty`) and the implementation guide §7.9: the
screen is `dooh` (never `site`/`app`), `device.devicetype` is 8 (AdCOM "OOH device"),
`imp.qty.multiplier` is the audience of one play, `imp.dt` is the play time in epoch
milliseconds and `imp.exp` how long after the auction the play may happen.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from jarnama.core.money import Currency, Money, Rounding
from jarnama.core.time import ALMATY, as_utc, business_day
from jarnama.exchange.signals import Signals
from jarnama.exchange.snapshot import DealTerms, ScreenSnapshot
from jarnama.exchange.venues import OPENOOH_1_1
from jarnama.money.rates import RateBook

OOH_DEVICE = 8  # AdCOM list "Device Types"
GPS_LOCATION = 1  # AdCOM "Location Types": surveyed at installation, as precise as GPS
CATTAX_IAB_CONTENT_1 = 1  # blocked categories are IAB Content Taxonomy 1.0 codes ("IAB7-39")
FIRST_PRICE, SECOND_PRICE, FIXED_PRICE = 1, 2, 3
VIDEO_MIMES = ("video/mp4",)
IMAGE_MIMES = ("image/jpeg", "image/png")


@dataclass(frozen=True, slots=True)
class Slot:
    """One play to sell: a screen, when it plays and the ids of this auction."""

    screen: ScreenSnapshot
    plays_at: dt.datetime
    auction_id: str
    imp_id: str = "1"
    # Weather and traffic around the screen (DCO signals), sent as keywords and imp.ext.
    context: Signals | None = None


@dataclass(frozen=True, slots=True)
class RequestTerms:
    """Exchange-wide terms of a request (the same for every bidder)."""

    at: int
    tmax_ms: int
    schain_asi: str
    test: bool = False


def _number(value: Decimal) -> Decimal:
    """A Decimal for the JSON body (written as a JSON number by `dumps`)."""
    return value.normalize() if value == value.to_integral_value() else value


def floor_in(
    amount: Decimal, source: Currency, target: Currency, rates: RateBook, on: dt.date
) -> Decimal:
    """A floor CPM converted to the bidder's currency, rounded up (a floor never drops)."""
    if source is target:
        return amount
    converted = rates.convert(Money(amount, source), target, on, rounding=Rounding.UP)
    return converted.amount


def build_bid_request(
    slot: Slot,
    terms: RequestTerms,
    *,
    currency: Currency,
    rates: RateBook,
    now: dt.datetime,
    deals: Sequence[DealTerms] | None = None,
) -> dict[str, Any]:
    """The OpenRTB 2.6 BidRequest offering one slot, priced in `currency`."""
    screen = slot.screen
    plays_at = as_utc(slot.plays_at)
    day = business_day(now)
    floor = floor_in(screen.floor_at(plays_at), screen.floor_currency, currency, rates, day)
    seconds_ahead = max(0, math.ceil((plays_at - as_utc(now)).total_seconds()))
    imp: dict[str, Any] = {
        "id": slot.imp_id,
        "tagid": screen.code,
        "banner": {
            "w": screen.width_px,
            "h": screen.height_px,
            "format": [{"w": screen.width_px, "h": screen.height_px}],
            "mimes": list(IMAGE_MIMES),
        },
        "video": {
            "mimes": list(VIDEO_MIMES),
            "minduration": 1,
            "maxduration": screen.slot_seconds,
            "w": screen.width_px,
            "h": screen.height_px,
            "linearity": 1,
            "startdelay": 0,
        },
        "bidfloor": _number(floor),
        "bidfloorcur": currency.value,
        "secure": 1,
        # The play may happen any time up to the end of the slot.
        "exp": seconds_ahead + screen.slot_seconds,
        "dt": int(plays_at.timestamp() * 1000),
        "qty": _qty(screen),
    }
    offered = screen.deals if deals is None else tuple(deals)
    if offered:
        imp["pmp"] = {
            "private_auction": 1 if screen.private else 0,
            "deals": [_deal(deal, terms.at, currency, rates, day) for deal in offered],
        }
    offset = as_utc(now).astimezone(ALMATY).utcoffset()
    request: dict[str, Any] = {
        "id": slot.auction_id,
        "imp": [imp],
        "dooh": {
            "id": str(screen.id),
            "name": screen.name,
            "venuetype": [str(venue) for venue in screen.venue_type_ids],
            "venuetypetax": OPENOOH_1_1,
            "publisher": {"id": str(screen.account_id), "name": screen.publisher_name},
        },
        "device": {
            "devicetype": OOH_DEVICE,
            "w": screen.width_px,
            "h": screen.height_px,
            "geo": {
                "lat": _number(screen.lat),
                "lon": _number(screen.lon),
                "type": GPS_LOCATION,
                "country": "KAZ",
                "city": screen.city,
                "utcoffset": int(offset.total_seconds() // 60) if offset else 0,
            },
        },
        "at": terms.at,
        "tmax": terms.tmax_ms,
        "cur": [currency.value],
        "source": {
            "tid": slot.auction_id,
            "schain": {
                "complete": 1,
                "ver": "1.0",
                "nodes": [{"asi": terms.schain_asi, "sid": str(screen.account_id), "hp": 1}],
            },
        },
    }
    if slot.context is not None and slot.context.keywords():
        request["dooh"]["keywords"] = ",".join(slot.context.keywords())
        imp["ext"] = {"context": slot.context.ext()}
    if screen.blocked_categories:
        request["bcat"] = list(screen.blocked_categories)
        request["cattax"] = CATTAX_IAB_CONTENT_1
    if screen.blocked_domains:
        request["badv"] = list(screen.blocked_domains)
    if terms.test:
        request["test"] = 1
    return request


def _qty(screen: ScreenSnapshot) -> dict[str, Any]:
    qty: dict[str, Any] = {
        "multiplier": _number(screen.multiplier),
        "sourcetype": screen.audience_source,
    }
    if screen.audience_vendor:
        qty["vendor"] = screen.audience_vendor
    return qty


def _deal(
    deal: DealTerms, at: int, currency: Currency, rates: RateBook, day: dt.date
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": deal.code,
        "bidfloor": _number(floor_in(deal.floor_cpm, deal.currency, currency, rates, day)),
        "bidfloorcur": currency.value,
        "at": FIXED_PRICE if deal.fixed_price else at,
    }
    if deal.seats:
        out["wseat"] = list(deal.seats)
    return out


def _default(value: object) -> Any:
    if isinstance(value, Decimal):
        # Shortest float repr of a decimal with <= 15 significant digits prints the same
        # digits, so the JSON text carries the exact decimal ("2.35", not 2.3499999).
        return float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(document: dict[str, Any]) -> bytes:
    """OpenRTB JSON bytes (Decimals as JSON numbers)."""
    return orjson.dumps(document, default=_default)

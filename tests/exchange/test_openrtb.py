"""Every BidRequest the exchange builds is valid OpenRTB 2.6 DOOH (IAB schema + our rules)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from jarnama.core.money import Currency
from jarnama.exchange.models import DealKind
from jarnama.exchange.openrtb import RequestTerms, Slot, build_bid_request, dumps
from jarnama.exchange.snapshot import ScreenSnapshot
from tests.exchange.golden import check_golden
from tests.exchange.samples import EVENING, NOW, PLAYS_AT, RATES, deal, screen
from tests.exchange.schema import dooh_errors, schema_errors

TERMS = RequestTerms(at=2, tmax_ms=280, schain_asi="jarnama.kz")


def _wire(request: dict[str, Any]) -> dict[str, Any]:
    """The request as a bidder decodes it from the wire."""
    decoded: dict[str, Any] = json.loads(dumps(request))
    return decoded


@dataclass(frozen=True)
class Case:
    """One request to build."""

    screen: ScreenSnapshot
    plays_at: dt.datetime
    currency: Currency


CASES = {
    "kzt_daypart_floor": Case(screen=screen(), plays_at=PLAYS_AT, currency=Currency.KZT),
    "usd_evening_floor": Case(screen=screen(), plays_at=EVENING, currency=Currency.USD),
    "deals_private": Case(
        screen=screen(
            deals=(
                deal(),
                deal(
                    "JRN-PA",
                    kind=DealKind.PRIVATE_AUCTION,
                    floor_cpm=Decimal("1800"),
                    private=True,
                    seats=("seat-9",),
                ),
            )
        ),
        plays_at=PLAYS_AT,
        currency=Currency.USD,
    ),
    "no_blocks_no_vendor": Case(
        screen=screen(
            blocked_categories=(),
            blocked_domains=(),
            audience_source=2,
            audience_vendor=None,
            venue_type_ids=(20502, 205),
        ),
        plays_at=PLAYS_AT,
        currency=Currency.EUR,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_request_is_valid_openrtb_26_dooh_and_matches_golden(name: str) -> None:
    case = CASES[name]
    slot = Slot(screen=case.screen, plays_at=case.plays_at, auction_id=f"auction-{name}")
    request = _wire(build_bid_request(slot, TERMS, currency=case.currency, rates=RATES, now=NOW))
    assert schema_errors(request) == []
    assert dooh_errors(request) == []
    check_golden(f"requests/{name}.json", request)


def test_dooh_fields_follow_the_screen_and_the_slot() -> None:
    slot = Slot(screen=screen(), plays_at=PLAYS_AT, auction_id="a1")
    request = _wire(build_bid_request(slot, TERMS, currency=Currency.KZT, rates=RATES, now=NOW))
    imp = request["imp"][0]
    assert imp["dt"] == 1_906_776_000_000  # 2030-06-04T04:00:00Z in epoch milliseconds
    assert imp["exp"] == 90 + 10  # 90 s until the play, plus the 10 s slot
    assert imp["qty"] == {"multiplier": 12.5, "sourcetype": 1, "vendor": "geopath.org"}
    assert (imp["bidfloor"], imp["bidfloorcur"]) == (1500, "KZT")  # the weekday-morning floor
    assert request["dooh"]["venuetype"] == ["30101"]
    assert request["device"]["geo"]["utcoffset"] == 300
    assert request["bcat"] == ["IAB7-39"]
    assert request["badv"] == ["casino.example"]
    assert request["source"]["schain"]["nodes"] == [{"asi": "jarnama.kz", "sid": "7", "hp": 1}]


def test_floors_convert_into_the_bidder_currency_rounding_up() -> None:
    slot = Slot(screen=screen(floor_cpm=Decimal("1001")), plays_at=EVENING, auction_id="a1")
    request = _wire(build_bid_request(slot, TERMS, currency=Currency.USD, rates=RATES, now=NOW))
    # 1001 ₸ / 500 ₸ per USD = 2.002 USD, rounded up to the cent so the floor never drops.
    assert request["imp"][0]["bidfloor"] == 2.01
    assert request["cur"] == ["USD"]


def test_fixed_price_deals_are_at_3_and_private_auctions_keep_the_exchange_at() -> None:
    deals = (deal(), deal("PA", kind=DealKind.PRIVATE_AUCTION, private=True))
    slot = Slot(screen=screen(deals=deals), plays_at=PLAYS_AT, auction_id="a1")
    request = _wire(build_bid_request(slot, TERMS, currency=Currency.KZT, rates=RATES, now=NOW))
    pmp = request["imp"][0]["pmp"]
    assert pmp["private_auction"] == 1
    assert [(d["id"], d["at"]) for d in pmp["deals"]] == [("JRN-1", 3), ("PA", 2)]

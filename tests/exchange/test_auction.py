"""Golden auction cases: floors, deals, currencies, clearing, macros and loss codes.

Each case is a screen, the bidders' currencies and the bids; the golden file holds the
winner, its price and cost, the filled-in markup and notices, and every rejection's code.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jarnama.core.money import Currency
from jarnama.exchange.adapters import TypedBid
from jarnama.exchange.auction import (
    Approval,
    AuctionInput,
    AuctionResult,
    Loss,
    Pricing,
    run_auction,
)
from jarnama.exchange.billing import cost_per_play, settle
from jarnama.exchange.models import DealKind
from jarnama.exchange.snapshot import ScreenSnapshot
from tests.exchange.golden import check_golden
from tests.exchange.samples import EVENING, NOW, PLAYS_AT, RATES, deal, screen

CURRENCIES = {
    "alpha": Currency.USD,
    "beta": Currency.USD,
    "gamma": Currency.KZT,
    "delta": Currency.EUR,
}
ORDER = {"alpha": 0, "beta": 1, "gamma": 2, "delta": 3}
NOTICE = (
    "https://dsp.example/{kind}?p=${{AUCTION_PRICE}}&l=${{AUCTION_LOSS}}&m=${{AUCTION_MIN_TO_WIN}}"
)


def bid(bidder: str, price: str, **overrides: Any) -> TypedBid:
    """A valid bid that fills the 1920x1080 screen, with nurl/lurl/burl and macros in adm."""
    base = TypedBid(
        bidder=bidder,
        seat=f"{bidder}-seat",
        bid_id=f"{bidder}-bid",
        imp_id="1",
        price=Decimal(price),
        currency=CURRENCIES[bidder].value,
        adm=(
            "<img src='https://cdn.example/a.png?a=${AUCTION_ID}&b=${AUCTION_BID_ID}"
            "&i=${AUCTION_IMP_ID}&s=${AUCTION_SEAT_ID}&ad=${AUCTION_AD_ID}&p=${AUCTION_PRICE}"
            "&c=${AUCTION_CURRENCY}&mbr=${AUCTION_MBR}&l=${AUCTION_LOSS}&m=${AUCTION_MIN_TO_WIN}"
            "&x=${AUCTION_MULTIPLIER}&t=${AUCTION_IMP_TS}'>"
        ),
        nurl=NOTICE.format(kind="win"),
        burl=NOTICE.format(kind="bill"),
        lurl=NOTICE.format(kind="loss"),
        adid=f"{bidder}-ad",
        crid=f"{bidder}-creative",
        adomain=("shoro.kz",),
        w=1920,
        h=1080,
        mtype=1,
    )
    return dataclasses.replace(base, **overrides)


def auction(
    bids: list[TypedBid],
    *,
    on: ScreenSnapshot | None = None,
    pricing: Pricing = "second_price",
    plays_at: Any = EVENING,
    approval: Any = None,
) -> AuctionResult:
    """Run one auction on the sample screen (floor 1 000 ₸; 1 500 ₸ weekday mornings)."""
    return run_auction(
        AuctionInput(
            auction_id="auction-1",
            imp_id="1",
            screen=on or screen(),
            plays_at=plays_at,
            bids=bids,
            bidder_currency=CURRENCIES,
            bidder_order=ORDER,
            pricing=pricing,
            day=NOW.date(),
            approval=approval or (lambda b: Approval.APPROVED),
        ),
        RATES,
    )


def summary(result: AuctionResult) -> dict[str, Any]:
    """The golden view of a result."""
    win = result.win
    return {
        "win": None
        if win is None
        else {
            "bidder": win.bid.bidder,
            "deal": win.deal.code if win.deal else None,
            "price": str(win.price),
            "currency": win.currency.value,
            "price_kzt": str(win.price_kzt),
            "cost_per_play": str(win.cost_per_play),
            "cost_per_play_kzt": str(win.cost_per_play_kzt),
            "adm": win.adm,
            "nurl": win.nurl,
            "burl": win.burl,
        },
        "rejections": [
            {"bidder": r.bid.bidder, "bid": r.bid.bid_id, "loss": int(r.loss), "detail": r.detail}
            for r in result.rejections
        ],
        "losers": [{"bidder": c.bid.bidder, "loss": int(loss)} for c, loss in result.losers],
        "notices": [{"kind": n.kind, "bidder": n.bidder, "url": n.url} for n in result.notices],
    }


def _cases() -> dict[str, AuctionResult]:
    private = screen(
        deals=(
            deal(
                "PA",
                kind=DealKind.PRIVATE_AUCTION,
                floor_cpm=Decimal("1200"),
                private=True,
                bidders=frozenset(),
            ),
        )
    )
    return {
        "second_price_same_currency": auction([bid("alpha", "5.00"), bid("beta", "4.00")]),
        "first_price": auction([bid("alpha", "5.00"), bid("beta", "4.00")], pricing="first_price"),
        "single_bid_pays_floor_plus_cent": auction([bid("alpha", "5.00")]),
        "cross_currency_runner_up": auction(
            [bid("alpha", "5.00"), bid("gamma", "2300"), bid("delta", "3.90")]
        ),
        "kzt_winner_over_usd": auction([bid("gamma", "3000"), bid("alpha", "5.00")]),
        "below_floor_and_daypart_floor": auction(
            [bid("alpha", "2.50"), bid("beta", "3.10")], plays_at=PLAYS_AT
        ),
        "preferred_deal_beats_higher_open_bid": auction(
            [bid("alpha", "4.00", dealid="JRN-1"), bid("beta", "9.00")],
            on=screen(deals=(deal(),)),
        ),
        "deal_checks": auction(
            [
                bid("alpha", "3.00", dealid="NOPE", bid_id="a1"),
                bid("beta", "5.00", dealid="JRN-1", bid_id="b1"),
                bid("alpha", "3.90", dealid="JRN-1", bid_id="a2"),
                bid("alpha", "4.50", dealid="SEATS", bid_id="a3"),
            ],
            on=screen(
                deals=(
                    deal(),
                    deal(
                        "SEATS",
                        kind=DealKind.PRIVATE_AUCTION,
                        floor_cpm=Decimal("100"),
                        seats=("vip",),
                    ),
                )
            ),
        ),
        "private_auction_refuses_open_bids": auction(
            [
                bid("alpha", "3.00", dealid="PA"),
                bid("beta", "9.00"),
                bid("gamma", "1300", dealid="PA"),
            ],
            on=private,
        ),
        "creative_rules": auction(
            [
                bid("alpha", "6.00", bid_id="", crid="x"),
                bid("alpha", "6.00", bid_id="imp", imp_id="2"),
                bid("alpha", "0", bid_id="zero"),
                bid("alpha", "6.00", bid_id="cur", currency="KZT"),
                bid("alpha", "6.00", bid_id="markup", adm=None, nurl=None),
                bid("alpha", "6.00", bid_id="crid", crid=None),
                bid("alpha", "6.00", bid_id="adomain", adomain=()),
                bid("alpha", "6.00", bid_id="blocked", adomain=("Casino.example",)),
                bid("alpha", "6.00", bid_id="cat", cat=("IAB7-39",)),
                bid("alpha", "6.00", bid_id="mtype", mtype=4),
                bid("alpha", "6.00", bid_id="size", w=1080, h=1920),
                bid("alpha", "6.00", bid_id="long", dur=15),
                bid("beta", "2.10", bid_id="ok"),
                bid("beta", "2.20", bid_id="ok"),
            ]
        ),
        "approval_gate": auction(
            [bid("alpha", "6.00"), bid("beta", "5.00"), bid("delta", "4.00")],
            approval=lambda b: {"alpha": Approval.PENDING, "beta": Approval.REJECTED}.get(
                b.bidder, Approval.APPROVED
            ),
        ),
        "nothing_valid": auction([bid("alpha", "1.00")]),
        "tie_goes_to_the_earlier_bidder": auction([bid("beta", "4.00"), bid("alpha", "4.00")]),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_auction_golden(name: str) -> None:
    check_golden(f"auction/{name}.json", summary(CASES[name]))


def test_second_price_is_runner_up_plus_a_cent_never_above_the_bid() -> None:
    win = CASES["second_price_same_currency"].win
    assert win is not None
    assert (win.bid.bidder, win.price) == ("alpha", Decimal("4.01"))
    close = auction([bid("alpha", "4.005"), bid("beta", "4.00")]).win
    assert close is not None
    assert close.price == Decimal("4.005")  # capped at the bid


def test_cost_per_play_and_revenue_share_are_exact() -> None:
    win = CASES["second_price_same_currency"].win
    assert win is not None
    # 4.01 USD CPM / 1000 × 12.5 audience = 0.050125 USD; at 500 ₸/USD = 25.0625 ₸.
    assert win.cost_per_play == Decimal("0.050125")
    assert win.cost_per_play_kzt == Decimal("25.0625")
    settled = settle(win, Decimal("0.15"))
    assert (settled.exchange_kzt, settled.owner_kzt) == (Decimal("3.759375"), Decimal("21.303125"))
    assert settled.exchange_kzt + settled.owner_kzt == settled.cost_kzt


@given(
    cpm=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100000), places=4),
    multiplier=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10000), places=4),
)
def test_cost_per_play_times_a_thousand_plays_is_the_cpm_times_the_audience(
    cpm: Decimal, multiplier: Decimal
) -> None:
    assert cost_per_play(cpm, multiplier) * 1000 == cpm * multiplier


def test_every_rule_has_its_loss_code() -> None:
    codes = {r.bid.bid_id: r.loss for r in CASES["creative_rules"].rejections}
    assert codes == {
        "": Loss.INVALID_BID_RESPONSE,
        "imp": Loss.INVALID_BID_RESPONSE,
        "zero": Loss.MISSING_BID_PRICE,
        "cur": Loss.INVALID_BID_RESPONSE,
        "markup": Loss.MISSING_MARKUP,
        "crid": Loss.MISSING_CREATIVE_ID,
        "adomain": Loss.INVALID_ADVERTISER_DOMAIN,
        "blocked": Loss.ADVERTISER_EXCLUSIONS,
        "cat": Loss.CATEGORY_EXCLUSIONS,
        "mtype": Loss.INCORRECT_FORMAT,
        "size": Loss.SIZE_NOT_ALLOWED,
        "long": Loss.TOO_LONG,
        "ok": Loss.INVALID_BID_RESPONSE,  # the second bid with a repeated id
    }


def test_macros_leave_no_placeholder_in_the_winners_markup() -> None:
    win = CASES["cross_currency_runner_up"].win
    assert win is not None
    assert win.adm is not None
    assert "${" not in win.adm + (win.nurl or "") + (win.burl or "")
    for result in CASES.values():
        assert all("${" not in n.url for n in result.notices)


@given(
    prices=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal(50), places=2),
        min_size=1,
        max_size=6,
    )
)
def test_the_winner_never_pays_more_than_it_bid_nor_less_than_the_floor(
    prices: list[Decimal],
) -> None:
    bids = [bid("alpha", str(p), bid_id=f"b{i}") for i, p in enumerate(prices)]
    result = auction(bids)
    floor_usd = Decimal(1000) / Decimal(500)
    eligible = [p for p in prices if p >= floor_usd]
    if not eligible:
        assert result.win is None
        return
    assert result.win is not None
    assert result.win.bid.price == max(eligible)
    assert floor_usd <= result.win.price <= result.win.bid.price

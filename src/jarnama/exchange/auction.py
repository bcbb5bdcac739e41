"""The DOOH auction for one slot: validate bids, convert currencies, clear, fill in macros.

Pure and exception-free on the hot path: every refused bid becomes a `Rejection` carrying its
OpenRTB 2.6 loss reason code (§5.25), counted as metrics by the core. Prices are compared in
tenge (exact Decimal, at the rates of the auction's Almaty business day); what a buyer pays is
expressed in its own bid currency.

Order of precedence: a guaranteed deal bid beats a preferred one, which beats every auction
bid; within a tier the highest price wins (ties: the earlier bidder in the bidder list, then
the bid id). Fixed-price deals (`at` = 3) pay the deal price; auction bids pay their bid
(first price) or the runner-up's price or the floor, whichever is higher, plus 0.01 in the
winner's currency, never more than the bid (second price).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from jarnama.core.errors import JarnamaError
from jarnama.core.money import Currency, Money, Rounding
from jarnama.exchange.adapters import TypedBid
from jarnama.exchange.macros import price_text, substitute
from jarnama.exchange.snapshot import DealTerms, ScreenSnapshot
from jarnama.money.rates import RateBook

Pricing = Literal["first_price", "second_price"]
INCREMENT = Decimal("0.01")
THOUSAND = Decimal(1000)
MTYPE_BANNER, MTYPE_VIDEO = 1, 2


class Loss(enum.IntEnum):
    """OpenRTB 2.6 list "Loss Reason Codes" (the ones this exchange gives)."""

    WON = 0
    INTERNAL_ERROR = 1
    EXPIRED = 2  # "Impression Opportunity Expired": the won slot was released, never played
    INVALID_BID_RESPONSE = 3
    INVALID_DEAL_ID = 4
    INVALID_ADVERTISER_DOMAIN = 6
    MISSING_MARKUP = 7
    MISSING_CREATIVE_ID = 8
    MISSING_BID_PRICE = 9
    BELOW_AUCTION_FLOOR = 100
    BELOW_DEAL_FLOOR = 101
    LOST_TO_HIGHER_BID = 102
    LOST_TO_PMP_DEAL = 103
    BUYER_SEAT_BLOCKED = 104
    PENDING_APPROVAL = 201
    DISAPPROVED = 202
    SIZE_NOT_ALLOWED = 203
    INCORRECT_FORMAT = 204
    ADVERTISER_EXCLUSIONS = 205
    CATEGORY_EXCLUSIONS = 209
    TOO_LONG = 212
    NOT_ALLOWED_IN_PMP = 213


class Approval(enum.StrEnum):
    """Where a DSP creative stands with a screen's owner."""

    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Rejection:
    """A bid that could not take part, and why."""

    bid: TypedBid
    loss: Loss
    detail: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A valid bid, priced in tenge for comparison."""

    bid: TypedBid
    order: int
    currency: Currency
    price_kzt: Decimal
    deal: DealTerms | None

    @property
    def tier(self) -> int:
        """2 guaranteed, 1 preferred, 0 auction (private-auction deals and the open market)."""
        if self.deal is None or not self.deal.fixed_price:
            return 0
        return 2 if self.deal.kind.value == "guaranteed" else 1


@dataclass(frozen=True, slots=True)
class Notice:
    """A URL to call in the background: nurl on win, lurl on loss, burl on proof of play."""

    kind: Literal["nurl", "lurl", "burl"]
    bidder: str
    url: str


@dataclass(frozen=True, slots=True)
class Win:
    """The winning bid, what it pays, and its markup with macros filled in."""

    bid: TypedBid
    currency: Currency
    price: Decimal  # CPM in the bid currency
    price_kzt: Decimal
    cost_per_play: Decimal  # price / 1000 × multiplier, exact, bid currency
    cost_per_play_kzt: Decimal
    deal: DealTerms | None
    adm: str | None
    nurl: str | None
    burl: str | None
    macros: Mapping[str, str]


@dataclass(frozen=True)
class AuctionResult:
    """Everything one auction decided."""

    auction_id: str
    win: Win | None
    rejections: tuple[Rejection, ...]
    losers: tuple[tuple[Candidate, Loss], ...]
    notices: tuple[Notice, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class AuctionInput:
    """One slot's auction: the screen, the ids sent out, and the bids that came back."""

    auction_id: str
    imp_id: str
    screen: ScreenSnapshot
    plays_at: dt.datetime
    bids: Sequence[TypedBid]
    # bidder code → the currency its request allowed (`cur`) and its order in the fan-out
    bidder_currency: Mapping[str, Currency]
    bidder_order: Mapping[str, int]
    pricing: Pricing
    day: dt.date
    approval: Callable[[TypedBid], Approval] = lambda bid: Approval.APPROVED


def _to_kzt(amount: Decimal, currency: Currency, rates: RateBook, day: dt.date) -> Decimal | None:
    """Exact tenge for an amount (None when no usable rate: the bid cannot be priced)."""
    if currency is Currency.KZT:
        return amount
    try:
        rate = rates.rate(currency, day)
    except JarnamaError:
        return None
    return amount * rate.kzt_per_unit


def _from_kzt(amount: Decimal, currency: Currency, rates: RateBook, day: dt.date) -> Decimal:
    if currency is Currency.KZT:
        return amount
    # Rounded up: a floor or runner-up price converted for the winner never drops below it.
    return rates.convert(Money(amount, Currency.KZT), currency, day, rounding=Rounding.UP).amount


def _check(bid: TypedBid, auction: AuctionInput, rates: RateBook) -> Candidate | Rejection:
    """A valid, priced bid, or the reason it is refused (first failing rule wins)."""
    screen = auction.screen
    if not bid.bid_id:
        return Rejection(bid, Loss.INVALID_BID_RESPONSE, "bid.id is missing")
    if bid.imp_id != auction.imp_id:
        return Rejection(bid, Loss.INVALID_BID_RESPONSE, f"unknown impid {bid.imp_id!r}")
    if bid.price <= 0:
        return Rejection(bid, Loss.MISSING_BID_PRICE, "price must be above 0")
    allowed = auction.bidder_currency.get(bid.bidder)
    if allowed is None or bid.currency != allowed.value:
        return Rejection(bid, Loss.INVALID_BID_RESPONSE, f"currency {bid.currency} not offered")
    if not bid.adm and not bid.nurl:
        return Rejection(bid, Loss.MISSING_MARKUP, "neither adm nor nurl")
    if not bid.crid:
        return Rejection(bid, Loss.MISSING_CREATIVE_ID, "crid is missing")
    if not bid.adomain:
        return Rejection(bid, Loss.INVALID_ADVERTISER_DOMAIN, "adomain is missing")
    blocked = set(screen.blocked_domains)
    if any(domain.lower() in blocked for domain in bid.adomain):
        return Rejection(bid, Loss.ADVERTISER_EXCLUSIONS, "advertiser domain blocked")
    if set(bid.cat) & set(screen.blocked_categories):
        return Rejection(bid, Loss.CATEGORY_EXCLUSIONS, "category blocked")
    if bid.mtype is not None and bid.mtype not in (MTYPE_BANNER, MTYPE_VIDEO):
        return Rejection(bid, Loss.INCORRECT_FORMAT, f"mtype {bid.mtype} does not play here")
    if (bid.w, bid.h) != (None, None) and (bid.w, bid.h) != (screen.width_px, screen.height_px):
        return Rejection(bid, Loss.SIZE_NOT_ALLOWED, f"{bid.w}x{bid.h} does not fill the screen")
    if bid.dur is not None and bid.dur > screen.slot_seconds:
        return Rejection(
            bid, Loss.TOO_LONG, f"{bid.dur} s does not fit a {screen.slot_seconds} s slot"
        )
    deal = None
    if bid.dealid is not None:
        deal = next((d for d in screen.deals if d.code == bid.dealid), None)
        if deal is None:
            return Rejection(bid, Loss.INVALID_DEAL_ID, f"deal {bid.dealid!r} was not offered")
        if deal.bidders and bid.bidder not in deal.bidders:
            return Rejection(bid, Loss.NOT_ALLOWED_IN_PMP, "bidder not on the deal")
        if deal.seats and bid.seat not in deal.seats:
            return Rejection(bid, Loss.BUYER_SEAT_BLOCKED, "seat not on the deal")
    elif screen.private:
        return Rejection(bid, Loss.NOT_ALLOWED_IN_PMP, "private auction: deal bids only")
    approval = auction.approval(bid)
    if approval is Approval.PENDING:
        return Rejection(bid, Loss.PENDING_APPROVAL, "creative awaits the owner's approval")
    if approval is Approval.REJECTED:
        return Rejection(bid, Loss.DISAPPROVED, "creative rejected by the owner")
    currency = Currency(bid.currency)
    price_kzt = _to_kzt(bid.price, currency, rates, auction.day)
    if price_kzt is None:
        return Rejection(bid, Loss.INTERNAL_ERROR, f"no usable {currency} rate")
    if deal is not None:
        deal_floor = _to_kzt(deal.floor_cpm, deal.currency, rates, auction.day)
        if deal_floor is None or price_kzt < deal_floor:
            return Rejection(bid, Loss.BELOW_DEAL_FLOOR, "below the deal floor")
    else:
        floor = _to_kzt(
            screen.floor_at(auction.plays_at), screen.floor_currency, rates, auction.day
        )
        if floor is None or price_kzt < floor:
            return Rejection(bid, Loss.BELOW_AUCTION_FLOOR, "below the floor")
    return Candidate(bid, auction.bidder_order.get(bid.bidder, 10**6), currency, price_kzt, deal)


def _floor_kzt(auction: AuctionInput, winner: Candidate, rates: RateBook) -> Decimal:
    screen = auction.screen
    if winner.deal is not None:
        found = _to_kzt(winner.deal.floor_cpm, winner.deal.currency, rates, auction.day)
    else:
        found = _to_kzt(
            screen.floor_at(auction.plays_at), screen.floor_currency, rates, auction.day
        )
    return found if found is not None else Decimal(0)


def _clearing(
    winner: Candidate, runner_up: Candidate | None, auction: AuctionInput, rates: RateBook
) -> Decimal:
    """What the winner pays per thousand, in its bid currency."""
    if winner.deal is not None and winner.deal.fixed_price:
        deal = winner.deal
        if deal.currency is winner.currency:
            return deal.floor_cpm
        return _from_kzt(
            _to_kzt(deal.floor_cpm, deal.currency, rates, auction.day) or Decimal(0),
            winner.currency,
            rates,
            auction.day,
        )
    if auction.pricing == "first_price":
        return winner.bid.price
    floor_kzt = _floor_kzt(auction, winner, rates)
    second_kzt = floor_kzt
    if runner_up is not None and runner_up.tier == winner.tier:
        second_kzt = max(second_kzt, runner_up.price_kzt)
    if (
        runner_up is not None
        and runner_up.tier == winner.tier
        and runner_up.currency is winner.currency
    ):
        second = max(runner_up.bid.price, _from_kzt(floor_kzt, winner.currency, rates, auction.day))
    else:
        second = _from_kzt(second_kzt, winner.currency, rates, auction.day)
    return min(winner.bid.price, second + INCREMENT)


def _min_to_win(
    winner: Candidate, runner_up: Candidate | None, auction: AuctionInput, rates: RateBook
) -> Decimal:
    """The lowest bid that would still have won: the runner-up's price or the floor.

    For a fixed-price deal it is the deal price (a higher open bid cannot beat the deal).
    """
    if winner.deal is not None and winner.deal.fixed_price:
        return _clearing(winner, None, auction, rates)
    floor_kzt = _floor_kzt(auction, winner, rates)
    if runner_up is not None and runner_up.price_kzt >= floor_kzt:
        if runner_up.currency is winner.currency:
            return runner_up.bid.price
        return _from_kzt(runner_up.price_kzt, winner.currency, rates, auction.day)
    return _from_kzt(floor_kzt, winner.currency, rates, auction.day)


def _rank_key(candidate: Candidate) -> tuple[int, Decimal, int, str]:
    return (-candidate.tier, -candidate.price_kzt, candidate.order, candidate.bid.bid_id)


def run_auction(auction: AuctionInput, rates: RateBook) -> AuctionResult:
    """Validate every bid, pick the winner, price it and prepare its markup and notices."""
    rejections: list[Rejection] = []
    candidates: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for bid in auction.bids:
        key = (bid.bidder, bid.bid_id)
        if bid.bid_id and key in seen:
            rejections.append(Rejection(bid, Loss.INVALID_BID_RESPONSE, "bid.id repeats"))
            continue
        seen.add(key)
        checked = _check(bid, auction, rates)
        if isinstance(checked, Rejection):
            rejections.append(checked)
        else:
            candidates.append(checked)
    candidates.sort(key=_rank_key)
    notices: list[Notice] = []
    if not candidates:
        for rejection in rejections:
            _loss_notice(notices, auction, rejection.bid, rejection.loss, None, rates)
        return AuctionResult(auction.auction_id, None, tuple(rejections), (), tuple(notices))
    winner, runner_up = candidates[0], (candidates[1] if len(candidates) > 1 else None)
    price = _clearing(winner, runner_up, auction, rates)
    price_kzt = _to_kzt(price, winner.currency, rates, auction.day) or Decimal(0)
    multiplier = auction.screen.multiplier
    cost = price / THOUSAND * multiplier
    min_to_win = _min_to_win(winner, runner_up, auction, rates)
    values = _macro_values(auction, winner.bid, price, Loss.WON, min_to_win)
    win = Win(
        bid=winner.bid,
        currency=winner.currency,
        price=price,
        price_kzt=price_kzt,
        cost_per_play=cost,
        cost_per_play_kzt=price_kzt / THOUSAND * multiplier,
        deal=winner.deal,
        adm=substitute(winner.bid.adm, values),
        nurl=substitute(winner.bid.nurl, values),
        burl=substitute(winner.bid.burl, values),
        macros=values,
    )
    if win.nurl:
        notices.append(Notice("nurl", winner.bid.bidder, win.nurl))
    losers: list[tuple[Candidate, Loss]] = []
    for candidate in candidates[1:]:
        loss = (
            Loss.LOST_TO_PMP_DEAL
            if winner.deal is not None and candidate.deal is None
            else Loss.LOST_TO_HIGHER_BID
        )
        losers.append((candidate, loss))
        _loss_notice(notices, auction, candidate.bid, loss, (price_kzt, win), rates)
    for rejection in rejections:
        _loss_notice(notices, auction, rejection.bid, rejection.loss, (price_kzt, win), rates)
    return AuctionResult(auction.auction_id, win, tuple(rejections), tuple(losers), tuple(notices))


def _macro_values(
    auction: AuctionInput,
    bid: TypedBid,
    price: Decimal | None,
    loss: Loss,
    min_to_win: Decimal | None,
) -> dict[str, str]:
    values = {
        "AUCTION_ID": auction.auction_id,
        "AUCTION_BID_ID": bid.bid_id,
        "AUCTION_IMP_ID": bid.imp_id,
        "AUCTION_SEAT_ID": bid.seat,
        "AUCTION_AD_ID": bid.adid or "",
        "AUCTION_CURRENCY": bid.currency,
        "AUCTION_LOSS": str(int(loss)),
        "AUCTION_MULTIPLIER": price_text(auction.screen.multiplier),
        "AUCTION_IMP_TS": str(int(auction.plays_at.timestamp() * 1000)),
    }
    if price is not None:
        values["AUCTION_PRICE"] = price_text(price)
        # Market bid ratio: clearing price over bid price (1 under first price).
        if bid.price > 0:
            values["AUCTION_MBR"] = price_text(round(price / bid.price, 6))
    if min_to_win is not None:
        values["AUCTION_MIN_TO_WIN"] = price_text(min_to_win)
    return values


def _loss_notice(
    notices: list[Notice],
    auction: AuctionInput,
    bid: TypedBid,
    loss: Loss,
    won: tuple[Decimal, Win] | None,
    rates: RateBook,
) -> None:
    """A loss notice for a losing or refused bid that carries an lurl."""
    if not bid.lurl:
        return
    min_to_win = None
    if won is not None:
        price_kzt, win = won
        try:
            currency = Currency(bid.currency)
            if currency is win.currency:
                min_to_win = win.price + INCREMENT
            else:
                min_to_win = _from_kzt(price_kzt, currency, rates, auction.day) + INCREMENT
        except (ValueError, JarnamaError):
            min_to_win = None
    values = _macro_values(auction, bid, None, loss, min_to_win)
    url = substitute(bid.lurl, values)
    if url:
        notices.append(Notice("lurl", bid.bidder, url))

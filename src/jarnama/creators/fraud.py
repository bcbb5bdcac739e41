"""Fraud scoring of one conversion: pure rules over facts gathered from the database.

Each rule adds points with a reason the creator and the advertiser can read. A score at or
above the configured threshold (`creators.review_score`, 60 by default) sends the conversion
to manual review: it is not auto-approved at the end of its hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Thresholds with their reasons; tuned on nothing yet but kept here, named, in one place.
REPEAT_BUYER_MIN = 3  # the same buyer's 3rd order through one creator in 30 days
DUPLICATE_WINDOW = dt.timedelta(minutes=10)  # same buyer, same amount, different order id
SPIKE_FACTOR = 5  # today's orders over 5x the trailing daily average …
SPIKE_MIN_ORDERS = 20  # … and at least 20 of them
FAST_ORDER = dt.timedelta(seconds=15)  # nobody browses, fills a basket and pays in 15 s
CLICK_SPAM_MIN_CLICKS = 1_000  # at least 1,000 clicks in 24 h …
CLICK_SPAM_MAX_RATE = 0.001  # … converting under 0.1%
LEAK_MIN_ORDERS = 10  # leaked-code geography needs 10 code orders in 7 days …
LEAK_OUTSIDE_SHARE = 0.5  # … over half from cities outside the audience


@dataclass(frozen=True, slots=True)
class FraudFacts:
    """What is known about a conversion and its creator when it arrives."""

    amount_tiyn: int
    occurred_at: dt.datetime
    attributed_by: str
    buyer_hash: str | None = None
    buyer_city: str | None = None
    referrer: str | None = None
    click_at: dt.datetime | None = None
    creator_buyer_hashes: frozenset[str] = frozenset()
    audience_cities: frozenset[str] = frozenset()
    same_buyer_orders_30d: int = 0
    same_buyer_same_amount_recent: int = 0
    code_orders_7d: int = 0
    code_orders_7d_outside_audience: int = 0
    orders_today: int = 0
    orders_previous_7d: int = 0
    clicks_24h: int = 0
    orders_24h: int = 0
    unlabelled_post: bool = False
    coupon_domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FraudReason:
    """One rule that fired: its code, its points and a sentence."""

    code: str
    points: int
    detail: str


@dataclass(frozen=True, slots=True)
class FraudVerdict:
    """The score and every reason behind it."""

    score: int
    reasons: list[FraudReason] = field(default_factory=list)

    def needs_review(self, threshold: int) -> bool:
        """True when a person must look before the conversion is approved."""
        return self.score >= threshold


def score(facts: FraudFacts) -> FraudVerdict:
    """Run every rule over the facts."""
    reasons = [
        reason
        for rule in (
            _self_purchase,
            _repeat_buyer,
            _duplicate,
            _coupon_site,
            _leaked_geography,
            _spike,
            _fast_order,
            _click_spam,
            _unlabelled,
        )
        if (reason := rule(facts)) is not None
    ]
    return FraudVerdict(sum(r.points for r in reasons), reasons)


def _self_purchase(f: FraudFacts) -> FraudReason | None:
    if f.buyer_hash and f.buyer_hash in f.creator_buyer_hashes:
        return FraudReason("self_purchase", 100, "the buyer is the creator (same contact id)")
    return None


def _repeat_buyer(f: FraudFacts) -> FraudReason | None:
    if f.buyer_hash and f.same_buyer_orders_30d + 1 >= REPEAT_BUYER_MIN:
        return FraudReason(
            "repeat_buyer",
            30,
            f"order {f.same_buyer_orders_30d + 1} from the same buyer through this creator "
            "in 30 days",
        )
    return None


def _duplicate(f: FraudFacts) -> FraudReason | None:
    if f.buyer_hash and f.same_buyer_same_amount_recent > 0:
        minutes = int(DUPLICATE_WINDOW.total_seconds() // 60)
        return FraudReason(
            "duplicate_order",
            50,
            f"the same buyer placed an order of the same amount within {minutes} minutes",
        )
    return None


def _coupon_site(f: FraudFacts) -> FraudReason | None:
    if not f.referrer:
        return None
    host = (urlsplit(f.referrer).hostname or f.referrer).lower()
    for marker in f.coupon_domains:
        if marker.lower() in host:
            return FraudReason("coupon_site", 50, f"the buyer came from a coupon site ({host})")
    return None


def _leaked_geography(f: FraudFacts) -> FraudReason | None:
    if f.attributed_by != "code" or not f.audience_cities:
        return None
    total = f.code_orders_7d + 1
    outside = f.code_orders_7d_outside_audience + (
        1 if f.buyer_city and f.buyer_city not in f.audience_cities else 0
    )
    if total >= LEAK_MIN_ORDERS and outside / total > LEAK_OUTSIDE_SHARE:
        return FraudReason(
            "leaked_code",
            40,
            f"{outside} of {total} code orders in 7 days came from cities outside the "
            "creator's audience",
        )
    return None


def _spike(f: FraudFacts) -> FraudReason | None:
    today = f.orders_today + 1
    average = f.orders_previous_7d / 7
    if today >= SPIKE_MIN_ORDERS and today > SPIKE_FACTOR * max(average, 1):
        return FraudReason(
            "sudden_spike", 30, f"{today} orders today against {average:.1f} a day before"
        )
    return None


def _fast_order(f: FraudFacts) -> FraudReason | None:
    if f.click_at is not None and dt.timedelta(0) <= f.occurred_at - f.click_at < FAST_ORDER:
        seconds = int((f.occurred_at - f.click_at).total_seconds())
        return FraudReason("click_to_order_too_fast", 40, f"ordered {seconds}s after the click")
    return None


def _click_spam(f: FraudFacts) -> FraudReason | None:
    if (
        f.clicks_24h >= CLICK_SPAM_MIN_CLICKS
        and (f.orders_24h + 1) / f.clicks_24h < CLICK_SPAM_MAX_RATE
    ):
        return FraudReason(
            "click_spam",
            30,
            f"{f.clicks_24h} clicks in 24 h for {f.orders_24h + 1} orders",
        )
    return None


def _unlabelled(f: FraudFacts) -> FraudReason | None:
    if f.unlabelled_post:
        return FraudReason(
            "unlabelled_post", 20, "the creator's post for this offer has no legal ad label"
        )
    return None

"""Fraud rules: each fires on its pattern, stays quiet otherwise, and says why."""

from __future__ import annotations

import dataclasses
import datetime as dt

from jarnama.creators.fraud import FraudFacts, score

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
CLEAN = FraudFacts(
    amount_tiyn=1_500_000,
    occurred_at=NOW,
    attributed_by="code",
    buyer_hash="b" * 64,
    buyer_city="Almaty",
    referrer="https://instagram.com/aigerim",
    click_at=NOW - dt.timedelta(minutes=30),
    creator_buyer_hashes=frozenset({"c" * 64}),
    audience_cities=frozenset({"Almaty", "Astana"}),
    coupon_domains=("promokod", "kupon"),
)


def codes(facts: FraudFacts) -> set[str]:
    """The rules that fired."""
    return {reason.code for reason in score(facts).reasons}


def test_a_clean_conversion_scores_zero() -> None:
    assert score(CLEAN).score == 0


def test_self_purchase_alone_sends_to_review() -> None:
    verdict = score(dataclasses.replace(CLEAN, buyer_hash="c" * 64))
    assert "self_purchase" in {r.code for r in verdict.reasons}
    assert verdict.needs_review(60)


def test_repeat_buyers_and_duplicates() -> None:
    assert codes(dataclasses.replace(CLEAN, same_buyer_orders_30d=1)) == set()
    assert codes(dataclasses.replace(CLEAN, same_buyer_orders_30d=2)) == {"repeat_buyer"}
    assert "duplicate_order" in codes(
        dataclasses.replace(CLEAN, same_buyer_orders_30d=1, same_buyer_same_amount_recent=1)
    )


def test_coupon_site_referrers_are_leaks() -> None:
    leaked = dataclasses.replace(CLEAN, referrer="https://www.promokod-kz.net/magnum")
    assert codes(leaked) == {"coupon_site"}


def test_code_orders_mostly_outside_the_audience_look_leaked() -> None:
    facts = dataclasses.replace(
        CLEAN, buyer_city="Shymkent", code_orders_7d=11, code_orders_7d_outside_audience=7
    )
    assert codes(facts) == {"leaked_code"}
    clicks = dataclasses.replace(facts, attributed_by="click")
    assert codes(clicks) == set()  # a link is not a leaked code


def test_a_sudden_spike_is_flagged_but_steady_volume_is_not() -> None:
    assert codes(dataclasses.replace(CLEAN, orders_today=30, orders_previous_7d=14)) == {
        "sudden_spike"
    }
    assert codes(dataclasses.replace(CLEAN, orders_today=30, orders_previous_7d=210)) == set()


def test_click_spam_and_impossibly_fast_orders() -> None:
    assert codes(dataclasses.replace(CLEAN, clicks_24h=5_000, orders_24h=1)) == {"click_spam"}
    fast = dataclasses.replace(CLEAN, click_at=NOW - dt.timedelta(seconds=4))
    assert codes(fast) == {"click_to_order_too_fast"}


def test_reasons_add_up_and_are_readable() -> None:
    facts = dataclasses.replace(
        CLEAN,
        referrer="https://kupon.kz/x",
        same_buyer_orders_30d=3,
        unlabelled_post=True,
    )
    verdict = score(facts)
    assert verdict.score == sum(r.points for r in verdict.reasons) == 50 + 30 + 20
    assert all(r.detail for r in verdict.reasons)
    assert verdict.needs_review(60)
    assert not verdict.needs_review(101)

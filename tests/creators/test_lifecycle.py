"""Conversions from postback to payout: lifecycle, idempotency, holds, refunds, escrow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict
from jarnama.creators import (
    ledger,
    ledger_repository,
    lifecycle,
    participation,
    postback,
    repository,
)
from jarnama.creators.models import Book, ConversionStatus, DeclineReason
from tests.creators.helpers import TABLE, Exchange, T, build, conversion, fund, later, report


def test_a_promo_code_sale_is_pending_with_its_payout(session: Session, ex: Exchange) -> None:
    result = report(session, ex, "A-1", 15_000)
    assert result.status is ConversionStatus.PENDING
    assert not result.duplicate
    c = conversion(session, result.conversion_id)
    assert c.creator_account_id == ex.creator_id
    assert (c.attributed_by, c.promo_code) == ("code", ex.code)
    assert c.payout_tiyn == 1_500 * T  # 10% of 15,000 ₸
    assert c.hold_until - c.occurred_at == dt.timedelta(days=14)
    assert [e.kind for e in repository.events_of(session, c.id)] == ["reported"]


def test_the_same_order_twice_is_one_conversion(session: Session, ex: Exchange) -> None:
    first = report(session, ex, "A-1")
    again = report(session, ex, "A-1")
    assert again.duplicate
    assert again.conversion_id == first.conversion_id
    assert repository.count_conversions(session, ex.offer.id, later(-1)) == 1


def test_the_same_order_id_in_another_offer_is_another_conversion(
    session: Session, ex: Exchange
) -> None:
    other = build(session, ex.settings)
    a = report(session, ex, "A-1")
    b = report(session, other, "A-1")
    assert a.conversion_id != b.conversion_id


def test_hold_end_approves_and_withholds_income_tax(session: Session, ex: Exchange) -> None:
    fund(session, ex, 100_000)
    cid = report(session, ex, "A-1", 15_000).conversion_id
    assert lifecycle.approve_due(session, TABLE, now=later(13)).done == 0
    assert lifecycle.approve_due(session, TABLE, now=later(15)).done == 1
    c = conversion(session, cid)
    assert c.status is ConversionStatus.APPROVED
    assert c.tax_tiyn == 150 * T  # 10% personal income tax on 1,500 ₸
    assert ledger.escrow(session, ex.advertiser_id) == (100_000 - 1_500) * T
    assert ledger_repository.balance(session, Book.CREATOR_PAYABLE, ex.creator_id) == 1_350 * T
    assert ledger_repository.balance(session, Book.TAX_PAYABLE, ex.creator_id) == 150 * T
    assert ledger_repository.total_of_entries(session) == 0


def test_nothing_is_approved_that_escrow_cannot_cover(session: Session, ex: Exchange) -> None:
    fund(session, ex, 1_000)
    cid = report(session, ex, "A-1", 15_000).conversion_id  # pays 1,500 ₸
    job = lifecycle.approve_due(session, TABLE, now=later(15))
    assert job.done == 0
    assert job.skipped[0]["conversion_id"] == cid
    assert conversion(session, cid).status is ConversionStatus.PENDING
    assert ledger.escrow(session, ex.advertiser_id) == 1_000 * T
    fund(session, ex, 1_000)
    assert lifecycle.approve_due(session, TABLE, now=later(15)).done == 1


def test_escrow_overdraft_is_refused_by_the_database_too(session: Session, ex: Exchange) -> None:
    from sqlalchemy.exc import IntegrityError

    from jarnama.creators.models import LedgerBalance

    fund(session, ex, 10)
    row = session.get(LedgerBalance, (Book.ESCROW, ex.advertiser_id))
    assert row is not None
    savepoint = session.begin_nested()
    with pytest.raises(IntegrityError):
        ledger_repository.add_to_balance(session, Book.ESCROW, ex.advertiser_id, -11 * T)
    savepoint.rollback()
    assert ledger.escrow(session, ex.advertiser_id) == 10 * T


def test_a_decline_needs_the_hold_and_carries_reason_text_and_evidence(
    session: Session, ex: Exchange
) -> None:
    cid = report(session, ex, "A-1").conversion_id
    c = conversion(session, cid)
    lifecycle.decline(
        session,
        c,
        "advertiser",
        DeclineReason.ORDER_CANCELLED,
        "The buyer cancelled before delivery",
        ["https://crm.magnum.kz/orders/A-1"],
    )
    assert c.status is ConversionStatus.DECLINED
    history = repository.events_of(session, cid)
    assert history[-1].data["reason"] == "order_cancelled"
    assert history[-1].data["evidence"] == ["https://crm.magnum.kz/orders/A-1"]
    late = conversion(session, report(session, ex, "A-2").conversion_id)
    with pytest.raises(Conflict, match="locked"):
        lifecycle.decline(
            session,
            late,
            "advertiser",
            DeclineReason.FRAUD,
            "too late now",
            ["x"],
            now=later(15),
        )


def test_refunds_reverse_also_after_payout_and_carry_over(session: Session, ex: Exchange) -> None:
    from jarnama.creators import payouts, statements
    from tests.creators.helpers import ADMIN

    fund(session, ex, 100_000)
    ex.settings.creators.min_payout_tiyn = 1_000 * T
    cid = report(session, ex, "A-1", 20_000).conversion_id  # 2,000 ₸ gross, 1,800 ₸ net
    lifecycle.approve_due(session, TABLE, now=later(15))
    batch = payouts.create_batch(session, ADMIN, ex.settings)
    payouts.mark_paid(session, ADMIN, batch.id)
    c = conversion(session, cid)
    assert c.status is ConversionStatus.PAID
    lifecycle.refund(session, c, "shop", 5_000 * T, "one item returned")  # a quarter
    assert (c.payout_tiyn, c.tax_tiyn, c.refunded_tiyn) == (1_500 * T, 150 * T, 5_000 * T)
    assert ledger_repository.balance(session, Book.CREATOR_PAYABLE, ex.creator_id) == -450 * T
    assert ledger.escrow(session, ex.advertiser_id) == (100_000 - 2_000 + 500) * T
    assert ledger_repository.total_of_entries(session) == 0
    month = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=5))).strftime("%Y-%m")
    statement = statements.statement(session, ADMIN, ex.settings, ex.creator_id, month)
    assert statement.closing_tiyn == -450 * T
    assert statement.refunds_tiyn == -450 * T
    assert statement.paid_out_tiyn == 1_800 * T
    assert not statement.payable_now


def test_a_refund_of_a_pending_order_shrinks_it_or_declines_it(
    session: Session, ex: Exchange
) -> None:
    c = conversion(session, report(session, ex, "A-1", 10_000).conversion_id)
    lifecycle.refund(session, c, "shop", 4_000 * T)
    assert c.payout_tiyn == 600 * T
    assert c.status is ConversionStatus.PENDING
    lifecycle.refund(session, c, "shop", 6_000 * T)
    c = conversion(session, c.id)
    assert c.status.value == "declined"
    assert c.decline_reason is DeclineReason.ORDER_RETURNED
    with pytest.raises(Conflict):
        lifecycle.refund(session, c, "shop", 1)


def test_shop_status_postbacks_move_the_conversion(session: Session, ex: Exchange) -> None:
    fund(session, ex, 100_000)
    cid = report(session, ex, "A-1").conversion_id
    approved = report(session, ex, "A-1", status="approved")
    assert approved.status is ConversionStatus.APPROVED
    assert not approved.duplicate
    refunded = report(session, ex, "A-1", 15_000, status="refunded")
    assert refunded.payout_tiyn == 0
    kinds = [e.kind for e in repository.events_of(session, cid)]
    assert kinds == ["reported", "approved", "refund"]
    cancelled = report(session, ex, "B-1", status="cancelled")
    assert cancelled.status is ConversionStatus.DECLINED


def test_caps_decline_with_a_visible_reason(session: Session, settings: object) -> None:
    ex = build(session, settings, daily_cap=1)  # type: ignore[arg-type]
    report(session, ex, "A-1")
    second = conversion(session, report(session, ex, "A-2").conversion_id)
    assert second.status is ConversionStatus.DECLINED
    assert second.decline_reason is DeclineReason.OVER_CAP
    assert "daily cap" in (second.decline_text or "")


def test_budget_cap_counts_committed_payouts(session: Session, settings: object) -> None:
    ex = build(session, settings, budget_tiyn=2_000 * T)  # type: ignore[arg-type]
    assert report(session, ex, "A-1", 15_000).status is ConversionStatus.PENDING
    assert report(session, ex, "A-2", 15_000).status is ConversionStatus.DECLINED


def test_tiers_and_personal_rates_raise_the_payout(session: Session, settings: object) -> None:
    from jarnama.creators.schemas import DecideIn

    ex = build(
        session,
        settings,  # type: ignore[arg-type]
        tiers=[{"min_monthly_conversions": 2, "bonus_bp": 1_000}],
    )
    assert report(session, ex, "A-1", 10_000).payout_tiyn == 1_000 * T
    assert report(session, ex, "A-2", 10_000).payout_tiyn == 1_100 * T  # +10% from the 2nd
    part = repository.participation(session, ex.offer.id, ex.creator_id)
    assert part is not None
    participation.decide(
        session,
        ex.advertiser,
        part.id,
        DecideIn.model_validate(
            {"approve": True, "rates": [{"goal": "sale", "kind": "fixed", "fixed_tiyn": 777 * T}]}
        ),
    )
    assert report(session, ex, "A-3", 10_000).payout_tiyn == 855 * T - 30  # 777 ₸ + 10%


def test_foreign_currency_orders_are_converted_at_the_days_rate(
    session: Session, ex: Exchange
) -> None:
    from jarnama.config import RateSetting
    from jarnama.core.time import business_day, utcnow

    ex.settings.money.rates = [
        RateSetting(currency="USD", on=business_day(utcnow()), kzt=Decimal("500"))
    ]
    c = conversion(session, report(session, ex, "U-1", "30", currency="USD").conversion_id)
    assert c.amount_tiyn == 15_000 * T
    assert c.original_amount == "30 USD"


def test_history_shows_every_step(session: Session, ex: Exchange) -> None:
    fund(session, ex, 100_000)
    cid = report(session, ex, "A-1").conversion_id
    lifecycle.approve_due(session, TABLE, now=later(15))
    lifecycle.refund(session, conversion(session, cid), "shop", 100 * T)
    events = repository.events_of(session, cid)
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        ("reported", None, "pending"),
        ("approved", "pending", "approved"),
        ("refund", "approved", "approved"),
    ]
    assert events[1].actor == "system"
    assert events[1].note == "hold period ended"


def test_postback_sets_no_money_for_unknown_orders(session: Session, ex: Exchange) -> None:
    with pytest.raises(postback.PostbackRejected) as info:
        report(session, ex, "NEVER", status="refunded")
    assert info.value.code == "unknown_order"

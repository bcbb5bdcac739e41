"""A conversion's life: pending → approved or declined → paid, refunds, and its history.

Every change goes through this module, writes one history event the creator can read, and
moves money only through the ledger. A conversion is locked at `hold_until`: before it the
advertiser may decline; after it the conversion is approved automatically (unless it waits
for a fraud review), and only refunds can take money back.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict
from jarnama.core.time import ALMATY, utcnow
from jarnama.creators import deferred, ledger, ledger_repository, repository
from jarnama.creators.models import (
    Conversion,
    ConversionEvent,
    ConversionStatus,
    DeclineReason,
    Offer,
    OfferGoal,
    PayoutKind,
)
from jarnama.creators.schemas import JobReport
from jarnama.creators.taxes import TaxStatus, TaxTable, withholding

SYSTEM = "system"


def event(
    session: Session,
    conversion: Conversion,
    actor: str,
    kind: str,
    *,
    before: ConversionStatus | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Append one step to a conversion's history."""
    values: dict[str, Any] = {
        "actor": actor,
        "kind": kind,
        "from_status": before.value if before else None,
        "to_status": conversion.status.value,
        "note": note,
        "data": data or {},
    }
    books = deferred.books_of(session)
    if books is not None:  # written with the chunk, once the conversion has its id
        books.event(conversion, values)
        return
    session.add(ConversionEvent(conversion_id=conversion.id, **values))


def share(amount: int, numerator: int, denominator: int) -> int:
    """`amount × numerator / denominator`, rounded half up to the tiyn."""
    if denominator == 0:
        return 0
    exact = Decimal(amount) * numerator / denominator
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def payout_for(
    goal: OfferGoal, override: dict[str, Any] | None, amount_tiyn: int, bonus_bp: int
) -> int:
    """What one conversion pays: the creator's own rate or the goal's, plus a tier bonus."""
    kind = PayoutKind(override["kind"]) if override else goal.kind
    if kind is PayoutKind.PERCENT:
        percent = int(override["percent_bp"]) if override else int(goal.percent_bp or 0)
        base = share(amount_tiyn, percent, 10_000)
    else:
        base = int(override["fixed_tiyn"]) if override else int(goal.fixed_tiyn or 0)
    return share(base, 10_000 + bonus_bp, 10_000)


def tier_bonus(offer: Offer, monthly_conversions: int) -> int:
    """The bonus (bp) of the highest tier a creator's monthly count reaches."""
    reached = [
        t["bonus_bp"] for t in offer.tiers if monthly_conversions >= t["min_monthly_conversions"]
    ]
    return max(reached, default=0)


def _year_bounds(instant: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The Almaty calendar year around an instant, as UTC instants."""
    year = instant.astimezone(ALMATY).year
    start = dt.datetime(year, 1, 1, tzinfo=ALMATY).astimezone(dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=ALMATY).astimezone(dt.UTC)
    return start, end


def approve(
    session: Session,
    conversion: Conversion,
    actor: str,
    table: TaxTable,
    *,
    note: str = "",
    now: dt.datetime | None = None,
) -> Conversion:
    """Approve a pending conversion: withhold tax and move the payout out of escrow.

    Raises `InsufficientEscrow` (409) when the advertiser's prepaid balance cannot cover it;
    nothing is changed then.
    """
    now = now or utcnow()
    if conversion.status is not ConversionStatus.PENDING:
        raise Conflict(
            f"only a pending conversion can be approved (it is {conversion.status.value})"
        )
    profile = repository.profile(session, conversion.creator_account_id)
    status = profile.tax_status if profile else TaxStatus.INDIVIDUAL
    start, end = _year_bounds(now)
    books = deferred.books_of(session)
    year_to_date = (
        books.gross_income(conversion.creator_account_id, start, end)
        if books is not None
        else ledger_repository.gross_income(session, conversion.creator_account_id, start, end)
    )
    period = table.on(now.astimezone(ALMATY).date())
    held = withholding(period, status, conversion.payout_tiyn, year_to_date_tiyn=year_to_date)
    ledger.earn(
        session,
        advertiser_id=conversion.advertiser_account_id,
        creator_id=conversion.creator_account_id,
        gross_tiyn=held.gross_tiyn,
        tax_tiyn=held.tax_tiyn,
        conversion_id=conversion.id,
        conversion=conversion,
    )
    before = conversion.status
    conversion.status = ConversionStatus.APPROVED
    conversion.tax_tiyn = held.tax_tiyn
    conversion.needs_review = False
    conversion.decided_at = now
    event(
        session,
        conversion,
        actor,
        "approved",
        before=before,
        note=note,
        data={
            "gross_tiyn": held.gross_tiyn,
            "tax_tiyn": held.tax_tiyn,
            "net_tiyn": held.net_tiyn,
            "tax_status": status.value,
        },
    )
    deferred.flush(session)
    return conversion


def decline(
    session: Session,
    conversion: Conversion,
    actor: str,
    reason: DeclineReason,
    text: str,
    evidence: list[str],
    *,
    now: dt.datetime | None = None,
    even_if_locked: bool = False,
) -> Conversion:
    """Decline a pending conversion with a reason from the fixed list, text and evidence.

    After the hold (the lock date) only the system may decline (caps, out-of-scope orders).
    """
    now = now or utcnow()
    if conversion.status is not ConversionStatus.PENDING:
        raise Conflict(
            f"only a pending conversion can be declined (it is {conversion.status.value}); "
            "after approval use a refund"
        )
    if conversion.hold_until <= now and not conversion.needs_review and not even_if_locked:
        raise Conflict(
            f"the hold ended on {conversion.hold_until.isoformat()}: the conversion is locked"
        )
    before = conversion.status
    conversion.status = ConversionStatus.DECLINED
    conversion.decline_reason = reason
    conversion.decline_text = text
    conversion.evidence = list(evidence)
    conversion.needs_review = False
    conversion.decided_at = now
    event(
        session,
        conversion,
        actor,
        "declined",
        before=before,
        note=text,
        data={"reason": reason.value, "evidence": list(evidence)},
    )
    deferred.flush(session)
    return conversion


def refund(
    session: Session, conversion: Conversion, actor: str, amount_tiyn: int, note: str = ""
) -> Conversion:
    """Refund part or all of an order: the payout shrinks in proportion, also after payout.

    A pending conversion is recomputed (declined when fully refunded); an approved or paid one
    gets negative ledger entries, which the next statement nets against new earnings.
    """
    remaining = conversion.amount_tiyn - conversion.refunded_tiyn
    if conversion.status is ConversionStatus.DECLINED:
        raise Conflict("a declined conversion has nothing to refund")
    if amount_tiyn > remaining:
        raise Conflict(
            f"the refund ({amount_tiyn} tiyn) exceeds the order value left ({remaining} tiyn)"
        )
    gross_back = share(conversion.payout_tiyn, amount_tiyn, remaining)
    tax_back = share(conversion.tax_tiyn, amount_tiyn, remaining)
    if amount_tiyn == remaining:
        gross_back, tax_back = conversion.payout_tiyn, conversion.tax_tiyn
    before = conversion.status
    if conversion.status is not ConversionStatus.PENDING and gross_back:
        ledger.reverse(
            session,
            advertiser_id=conversion.advertiser_account_id,
            creator_id=conversion.creator_account_id,
            gross_tiyn=gross_back,
            tax_tiyn=tax_back,
            conversion_id=conversion.id,
            conversion=conversion,
        )
    conversion.refunded_tiyn += amount_tiyn
    conversion.payout_tiyn -= gross_back
    conversion.tax_tiyn -= tax_back
    if conversion.status is ConversionStatus.PENDING and amount_tiyn == remaining:
        conversion.status = ConversionStatus.DECLINED
        conversion.decline_reason = DeclineReason.ORDER_RETURNED
        conversion.decline_text = note or "the whole order was returned"
        conversion.decided_at = utcnow()
    event(
        session,
        conversion,
        actor,
        "refund",
        before=before,
        note=note,
        data={
            "refunded_tiyn": amount_tiyn,
            "payout_reversed_tiyn": gross_back,
            "tax_reversed_tiyn": tax_back,
        },
    )
    deferred.flush(session)
    return conversion


def approve_due(
    session: Session, table: TaxTable, *, now: dt.datetime | None = None, limit: int = 1000
) -> JobReport:
    """The hold-end job: approve every pending conversion whose hold ended and needs no review.

    A conversion that escrow cannot cover stays pending (reported) and is tried on the next run.
    """
    now = now or utcnow()
    done = 0
    skipped: list[dict[str, Any]] = []
    for conversion in repository.due_for_approval(session, now, limit):
        try:
            approve(session, conversion, SYSTEM, table, note="hold period ended", now=now)
            done += 1
        except ledger.InsufficientEscrow as exc:
            skipped.append({"conversion_id": conversion.id, "reason": exc.message})
    return JobReport(done=done, skipped=skipped)

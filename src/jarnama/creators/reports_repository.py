"""SQL of the creator exchange's reports: clicks and conversion sums grouped by one dimension."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, false, func, or_, select
from sqlalchemy.orm import Session

from jarnama.creators.models import Click, Conversion, ConversionStatus, Offer, TrackedLink

Dimension = Literal["offer", "creator", "platform"]
UNSPECIFIED = "unspecified"
_DONE = (ConversionStatus.APPROVED, ConversionStatus.PAID)


def _visible(
    ids: frozenset[int] | None, advertiser: Any, creator: Any
) -> ColumnElement[bool] | None:
    """Rows an advertiser (its offers) or a creator (its own) may see; None: every row."""
    if ids is None:
        return None
    if not ids:
        return false()
    return or_(advertiser.in_(ids), creator.in_(ids))


def conversion_sums(
    session: Session,
    dimension: Dimension,
    ids: frozenset[int] | None,
    *,
    offer_id: int | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> list[tuple[Any, ...]]:
    """Per key: conversions, approved, declined, earnings, tax, paid out (net)."""
    done = Conversion.status.in_(_DONE)
    key: Any
    stmt: Any
    if dimension == "offer":
        key = Conversion.offer_id
    elif dimension == "creator":
        key = Conversion.creator_account_id
    else:
        # Stored at reporting time by `postback.platform_credit` (link, code, then post).
        key = func.coalesce(Conversion.platform, UNSPECIFIED)
    stmt = select(
        key,
        func.count(Conversion.id),
        func.sum(case((done, 1), else_=0)),
        func.sum(case((Conversion.status == ConversionStatus.DECLINED, 1), else_=0)),
        func.sum(case((done, Conversion.payout_tiyn), else_=0)),
        func.sum(case((done, Conversion.tax_tiyn), else_=0)),
        func.sum(
            case(
                (
                    Conversion.status == ConversionStatus.PAID,
                    Conversion.payout_tiyn - Conversion.tax_tiyn,
                ),
                else_=0,
            )
        ),
    )
    visible = _visible(ids, Conversion.advertiser_account_id, Conversion.creator_account_id)
    if visible is not None:
        stmt = stmt.where(visible)
    if offer_id is not None:
        stmt = stmt.where(Conversion.offer_id == offer_id)
    if since is not None:
        stmt = stmt.where(Conversion.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(Conversion.occurred_at < until)
    return [tuple(row) for row in session.execute(stmt.group_by(key)).all()]


def click_counts(
    session: Session,
    dimension: Dimension,
    ids: frozenset[int] | None,
    *,
    offer_id: int | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> dict[Any, int]:
    """Clicks per key, of the offers and creators the caller may see."""
    key: Any
    if dimension == "offer":
        key = Click.offer_id
    elif dimension == "creator":
        key = Click.creator_account_id
    else:
        key = func.coalesce(TrackedLink.platform, UNSPECIFIED)
    stmt = (
        select(key, func.count(Click.id))
        .select_from(Click)
        .join(Offer, Offer.id == Click.offer_id)
        .join(TrackedLink, TrackedLink.id == Click.link_id)
    )
    visible = _visible(ids, Offer.account_id, Click.creator_account_id)
    if visible is not None:
        stmt = stmt.where(visible)
    if offer_id is not None:
        stmt = stmt.where(Click.offer_id == offer_id)
    if since is not None:
        stmt = stmt.where(Click.at >= since)
    if until is not None:
        stmt = stmt.where(Click.at < until)
    return {k: int(n) for k, n in session.execute(stmt.group_by(key)).all()}


def offers_by_id(session: Session, offer_ids: list[int]) -> dict[int, Offer]:
    """Offers by id."""
    if not offer_ids:
        return {}
    return {o.id: o for o in session.scalars(select(Offer).where(Offer.id.in_(offer_ids)))}

"""All SQL of the creator exchange."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, false, func, or_, select
from sqlalchemy.orm import Session

from jarnama.catalog.models import Category, Product
from jarnama.creators.models import (
    Click,
    Conversion,
    ConversionEvent,
    ConversionStatus,
    CreatorProfile,
    Dispute,
    DisputeStatus,
    Offer,
    OfferGoal,
    Participation,
    PostSubmission,
    PromoCode,
    TrackedLink,
)
from jarnama.tenancy.models import Account

# --- offers and creators ---------------------------------------------------------------------


def offer(session: Session, offer_id: int) -> Offer | None:
    """An offer by id."""
    return session.get(Offer, offer_id)


def offers_stmt(account_ids: frozenset[int] | None, status: str | None) -> Select[Any]:
    """Offers of some accounts (None: all), optionally of one status."""
    stmt = select(Offer)
    if account_ids is not None:
        stmt = stmt.where(Offer.account_id.in_(account_ids))
    if status is not None:
        stmt = stmt.where(Offer.status == status)
    return stmt


def goals(session: Session, offer_ids: Iterable[int]) -> list[OfferGoal]:
    """The goals of some offers."""
    ids = list(offer_ids)
    if not ids:
        return []
    return list(session.scalars(select(OfferGoal).where(OfferGoal.offer_id.in_(ids))).all())


def account(session: Session, account_id: int) -> Account | None:
    """A tenant account by id."""
    return session.get(Account, account_id)


def profile(session: Session, account_id: int) -> CreatorProfile | None:
    """A creator's profile."""
    return session.get(CreatorProfile, account_id)


def profile_by_tax_index(session: Session, index: str) -> CreatorProfile | None:
    """The profile holding an IIN/BIN (by its blind index)."""
    return session.scalars(
        select(CreatorProfile).where(CreatorProfile.tax_id_index == index)
    ).first()


def participation(session: Session, offer_id: int, creator_id: int) -> Participation | None:
    """A creator's participation in an offer."""
    return session.scalars(
        select(Participation).where(
            Participation.offer_id == offer_id, Participation.creator_account_id == creator_id
        )
    ).first()


def participations_stmt(
    offer_ids_of: frozenset[int] | None, creator_ids: frozenset[int] | None, offer_id: int | None
) -> Select[Any]:
    """Participations visible to a caller: in offers of some advertisers, or of some creators."""
    stmt = select(Participation).join(Offer, Offer.id == Participation.offer_id)
    if offer_ids_of is not None or creator_ids is not None:
        visible = []
        if offer_ids_of:
            visible.append(Offer.account_id.in_(offer_ids_of))
        if creator_ids:
            visible.append(Participation.creator_account_id.in_(creator_ids))

        stmt = stmt.where(or_(*visible) if visible else false())
    if offer_id is not None:
        stmt = stmt.where(Participation.offer_id == offer_id)
    return stmt


# --- codes, links, clicks --------------------------------------------------------------------


def code_exists(session: Session, advertiser_id: int, code: str) -> bool:
    """True when the advertiser already has this code (in any offer)."""
    return (
        session.scalar(
            select(PromoCode.id).where(
                PromoCode.advertiser_account_id == advertiser_id, PromoCode.code == code
            )
        )
        is not None
    )


def existing_codes(session: Session, advertiser_id: int, codes: Sequence[str]) -> set[str]:
    """Which of these codes the advertiser already has."""
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(
            session.scalars(
                select(PromoCode.code).where(
                    PromoCode.advertiser_account_id == advertiser_id, PromoCode.code.in_(chunk)
                )
            ).all()
        )
    return found


def codes_of(session: Session, offer_id: int, creator_id: int) -> list[PromoCode]:
    """A creator's codes in an offer."""
    return list(
        session.scalars(
            select(PromoCode)
            .where(PromoCode.offer_id == offer_id, PromoCode.creator_account_id == creator_id)
            .order_by(PromoCode.id)
        ).all()
    )


def free_pool_code(session: Session, offer_id: int) -> PromoCode | None:
    """An unassigned imported code of an offer (locked so two approvals never share it)."""
    return session.scalars(
        select(PromoCode)
        .where(PromoCode.offer_id == offer_id, PromoCode.creator_account_id.is_(None))
        .order_by(PromoCode.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def count_free_pool_codes(session: Session, offer_id: int) -> int:
    """How many imported codes of an offer are still unassigned."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(PromoCode)
            .where(PromoCode.offer_id == offer_id, PromoCode.creator_account_id.is_(None))
        )
        or 0
    )


def code_by_value(session: Session, offer_id: int, code: str) -> PromoCode | None:
    """An offer's code by its text."""
    return session.scalars(
        select(PromoCode).where(PromoCode.offer_id == offer_id, PromoCode.code == code)
    ).first()


def link_by_slug(session: Session, slug: str) -> TrackedLink | None:
    """A short link by its slug."""
    return session.scalars(select(TrackedLink).where(TrackedLink.slug == slug)).first()


def link(session: Session, link_id: int) -> TrackedLink | None:
    """A tracked link by id."""
    return session.get(TrackedLink, link_id)


def links_of(session: Session, offer_id: int, creator_id: int) -> list[TrackedLink]:
    """A creator's links in an offer."""
    return list(
        session.scalars(
            select(TrackedLink)
            .where(TrackedLink.offer_id == offer_id, TrackedLink.creator_account_id == creator_id)
            .order_by(TrackedLink.id)
        ).all()
    )


def click_by_id(session: Session, click_id: str) -> Click | None:
    """A click by its public click id."""
    return session.scalars(select(Click).where(Click.click_id == click_id)).first()


def visitor_clicks(
    session: Session, offer_id: int, visitor_id: str, since: dt.datetime, until: dt.datetime
) -> list[Click]:
    """A visitor's clicks on an offer's links in a window, oldest first."""
    return list(
        session.scalars(
            select(Click)
            .where(
                Click.offer_id == offer_id,
                Click.visitor_id == visitor_id,
                Click.at >= since,
                Click.at <= until,
            )
            .order_by(Click.at, Click.id)
        ).all()
    )


def count_clicks(session: Session, creator_id: int, offer_id: int, since: dt.datetime) -> int:
    """A creator's clicks on an offer since an instant."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Click)
            .where(
                Click.creator_account_id == creator_id,
                Click.offer_id == offer_id,
                Click.at >= since,
            )
        )
        or 0
    )


# --- conversions -----------------------------------------------------------------------------


def conversion(session: Session, conversion_id: int) -> Conversion | None:
    """A conversion by id."""
    return session.get(Conversion, conversion_id)


def conversion_for_update(session: Session, conversion_id: int) -> Conversion | None:
    """A conversion by id, row-locked for a status change."""
    return session.scalars(
        select(Conversion).where(Conversion.id == conversion_id).with_for_update()
    ).first()


# Statements on the postback and feed path are built once with bind parameters: building a
# SELECT per call cost ~40% of a feed row's CPU (benchmarks/creators_feed.py).
_BY_ORDER = select(Conversion).where(
    Conversion.offer_id == bindparam("offer_id"), Conversion.order_id == bindparam("order_id")
)


def conversion_by_order(session: Session, offer_id: int, order_id: str) -> Conversion | None:
    """An offer's conversion for a shop order id."""
    return session.scalars(_BY_ORDER, {"offer_id": offer_id, "order_id": order_id}).first()


def conversions_by_order(
    session: Session, offer_id: int, order_ids: Sequence[str]
) -> dict[str, Conversion]:
    """An offer's conversions for many order ids (in chunks of 500), by order id."""
    found: dict[str, Conversion] = {}
    for start in range(0, len(order_ids), 500):
        chunk = order_ids[start : start + 500]
        rows = session.scalars(
            select(Conversion).where(
                Conversion.offer_id == offer_id, Conversion.order_id.in_(chunk)
            )
        )
        found.update((c.order_id, c) for c in rows)
    return found


def conversions_stmt(
    advertiser_ids: frozenset[int] | None,
    creator_ids: frozenset[int] | None,
    *,
    offer_id: int | None = None,
    status: str | None = None,
    needs_review: bool | None = None,
) -> Select[Any]:
    """Conversions visible to a caller (None, None: all), with optional filters."""
    stmt = select(Conversion)
    if advertiser_ids is not None or creator_ids is not None:
        visible = []
        if advertiser_ids:
            visible.append(Conversion.advertiser_account_id.in_(advertiser_ids))
        if creator_ids:
            visible.append(Conversion.creator_account_id.in_(creator_ids))
        stmt = stmt.where(or_(*visible) if visible else false())
    if offer_id is not None:
        stmt = stmt.where(Conversion.offer_id == offer_id)
    if status is not None:
        stmt = stmt.where(Conversion.status == status)
    if needs_review is not None:
        stmt = stmt.where(Conversion.needs_review == needs_review)
    return stmt


_COUNT_BASE = (
    select(func.count())
    .select_from(Conversion)
    .where(
        Conversion.offer_id == bindparam("offer_id"),
        Conversion.occurred_at >= bindparam("since"),
        Conversion.status != ConversionStatus.DECLINED,
    )
)
_COUNT_OF_CREATOR = _COUNT_BASE.where(Conversion.creator_account_id == bindparam("creator_id"))


def count_conversions(
    session: Session,
    offer_id: int,
    since: dt.datetime,
    *,
    creator_id: int | None = None,
) -> int:
    """Conversions of an offer (not declined) since an instant, optionally of one creator."""
    params: dict[str, Any] = {"offer_id": offer_id, "since": since}
    if creator_id is None:
        return int(session.scalar(_COUNT_BASE, params) or 0)
    params["creator_id"] = creator_id
    return int(session.scalar(_COUNT_OF_CREATOR, params) or 0)


def offer_payout_committed(session: Session, offer_id: int) -> int:
    """Payouts of an offer not declined (pending, approved or paid), net of refunds."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Conversion.payout_tiyn), 0)).where(
                Conversion.offer_id == offer_id,
                Conversion.status != ConversionStatus.DECLINED,
            )
        )
        or 0
    )


def buyer_orders(
    session: Session, creator_id: int, buyer_hash: str, since: dt.datetime
) -> list[tuple[int, dt.datetime]]:
    """Amounts and times of a buyer's orders through a creator since an instant."""
    rows = session.execute(
        select(Conversion.amount_tiyn, Conversion.occurred_at).where(
            Conversion.creator_account_id == creator_id,
            Conversion.buyer_hash == buyer_hash,
            Conversion.occurred_at >= since,
        )
    ).all()
    return [(int(a), t) for a, t in rows]


def code_order_cities(
    session: Session, creator_id: int, offer_id: int, since: dt.datetime
) -> list[str | None]:
    """Buyer cities of a creator's code-attributed orders in an offer since an instant."""
    return list(
        session.scalars(
            select(Conversion.buyer_city).where(
                Conversion.creator_account_id == creator_id,
                Conversion.offer_id == offer_id,
                Conversion.attributed_by == "code",
                Conversion.occurred_at >= since,
            )
        ).all()
    )


def due_for_approval(session: Session, now: dt.datetime, limit: int) -> list[Conversion]:
    """Pending conversions whose hold has ended and that need no review, oldest first."""
    return list(
        session.scalars(
            select(Conversion)
            .where(
                Conversion.status == ConversionStatus.PENDING,
                Conversion.hold_until <= now,
                Conversion.needs_review.is_(False),
            )
            .order_by(Conversion.hold_until, Conversion.id)
            .limit(limit)
            # Several server processes run the job: each takes rows no other one holds.
            .with_for_update(skip_locked=True)
        ).all()
    )


def events_of(session: Session, conversion_id: int) -> list[ConversionEvent]:
    """A conversion's history, oldest first."""
    return list(
        session.scalars(
            select(ConversionEvent)
            .where(ConversionEvent.conversion_id == conversion_id)
            .order_by(ConversionEvent.id)
        ).all()
    )


def approved_unbatched(session: Session, creator_id: int) -> list[Conversion]:
    """A creator's approved conversions not yet in a payout batch."""
    return list(
        session.scalars(
            select(Conversion).where(
                Conversion.creator_account_id == creator_id,
                Conversion.status == ConversionStatus.APPROVED,
                Conversion.payout_batch_id.is_(None),
            )
        ).all()
    )


def conversions_by_id(session: Session, ids: Iterable[int]) -> dict[int, Conversion]:
    """Conversions by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {c.id: c for c in session.scalars(select(Conversion).where(Conversion.id.in_(wanted)))}


def declined_between(
    session: Session, creator_id: int, since: dt.datetime, until: dt.datetime
) -> list[Conversion]:
    """A creator's conversions declined in [since, until), oldest decision first."""
    return list(
        session.scalars(
            select(Conversion)
            .where(
                Conversion.creator_account_id == creator_id,
                Conversion.status == ConversionStatus.DECLINED,
                Conversion.decided_at >= since,
                Conversion.decided_at < until,
            )
            .order_by(Conversion.decided_at, Conversion.id)
        ).all()
    )


def conversions_in_batch(session: Session, batch_id: int) -> list[Conversion]:
    """The conversions a payout batch pays."""
    return list(
        session.scalars(select(Conversion).where(Conversion.payout_batch_id == batch_id)).all()
    )


# --- disputes --------------------------------------------------------------------------------


def dispute(session: Session, dispute_id: int) -> Dispute | None:
    """A dispute by id."""
    return session.get(Dispute, dispute_id)


def open_dispute_for(session: Session, conversion_id: int) -> Dispute | None:
    """The open dispute about a conversion, if any."""
    return session.scalars(
        select(Dispute).where(
            Dispute.conversion_id == conversion_id, Dispute.status == DisputeStatus.OPEN
        )
    ).first()


def expired_disputes(session: Session, now: dt.datetime, limit: int) -> list[Dispute]:
    """Open disputes past their deadline."""
    return list(
        session.scalars(
            select(Dispute)
            .where(Dispute.status == DisputeStatus.OPEN, Dispute.deadline <= now)
            .order_by(Dispute.deadline, Dispute.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
    )


def disputes_stmt(
    advertiser_ids: frozenset[int] | None, creator_ids: frozenset[int] | None
) -> Select[Any]:
    """Disputes visible to a caller (None, None: all)."""
    stmt = select(Dispute)
    if advertiser_ids is not None or creator_ids is not None:
        visible = []
        if advertiser_ids:
            visible.append(Dispute.advertiser_account_id.in_(advertiser_ids))
        if creator_ids:
            visible.append(Dispute.creator_account_id.in_(creator_ids))
        stmt = stmt.where(or_(*visible) if visible else false())
    return stmt


# --- profiles and posts ------------------------------------------------------------------------


def profiles(session: Session, account_ids: Iterable[int]) -> dict[int, CreatorProfile]:
    """Creator profiles by account id."""
    ids = list(account_ids)
    if not ids:
        return {}
    rows = session.scalars(select(CreatorProfile).where(CreatorProfile.account_id.in_(ids)))
    return {p.account_id: p for p in rows}


def posts_of(session: Session, offer_id: int, creator_id: int) -> list[PostSubmission]:
    """A creator's submitted posts for an offer."""
    return list(
        session.scalars(
            select(PostSubmission).where(
                PostSubmission.offer_id == offer_id,
                PostSubmission.creator_account_id == creator_id,
            )
        ).all()
    )


def post(session: Session, post_id: int) -> PostSubmission | None:
    """A submitted post by id."""
    return session.get(PostSubmission, post_id)


def posts_stmt(
    advertiser_ids: frozenset[int] | None, creator_ids: frozenset[int] | None
) -> Select[Any]:
    """Posts visible to a caller (None, None: all)."""
    stmt = select(PostSubmission).join(Offer, Offer.id == PostSubmission.offer_id)
    if advertiser_ids is not None or creator_ids is not None:
        visible = []
        if advertiser_ids:
            visible.append(Offer.account_id.in_(advertiser_ids))
        if creator_ids:
            visible.append(PostSubmission.creator_account_id.in_(creator_ids))
        stmt = stmt.where(or_(*visible) if visible else false())
    return stmt


# --- catalog look-ups for an offer's product scope -------------------------------------------


def products_by_sku(session: Session, skus: Iterable[str]) -> dict[str, tuple[int, str | None]]:
    """Catalog products by SKU: their id and category path (None when uncategorised)."""
    wanted = sorted(set(skus))
    if not wanted:
        return {}
    rows = session.execute(
        select(Product.sku, Product.id, Category.path)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Product.sku.in_(wanted))
    ).all()
    return {sku: (int(pid), path) for sku, pid, path in rows}


def category_paths(session: Session, category_ids: Iterable[int]) -> list[str]:
    """The paths of some categories (unknown ids are left out)."""
    ids = list(category_ids)
    if not ids:
        return []
    return list(session.scalars(select(Category.path).where(Category.id.in_(ids))).all())

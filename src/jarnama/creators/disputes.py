"""Creators' disputes: a wrong decline or a missing order, answered by a deadline.

An unanswered dispute resolves in the creator's favour when its deadline passes: the declined
conversion goes back to pending with its hold ended (so it is approved as soon as escrow
covers it), or the missing order becomes a conversion at the claimed amount.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import Conflict, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import utcnow
from jarnama.creators import ledger, lifecycle, repository
from jarnama.creators.models import (
    Conversion,
    ConversionStatus,
    Dispute,
    DisputeKind,
    DisputeStatus,
    ParticipationStatus,
)
from jarnama.creators.schemas import DisputeIn, DisputeResolveIn, JobReport
from jarnama.creators.service import (
    account_of_kind,
    ensure_advertiser_side,
    ensure_creator_side,
    offer_for_advertiser,
)
from jarnama.creators.taxes import TaxTable, tax_table
from jarnama.tenancy import audit
from jarnama.tenancy.models import AccountKind
from jarnama.tenancy.principal import Principal


def open_dispute(
    session: Session, principal: Principal, settings: Settings, body: DisputeIn
) -> Dispute:
    """A creator disputes a declined conversion or reports an order that never arrived."""
    ensure_creator_side(principal)
    creator = account_of_kind(session, principal, body.creator_account_id, AccountKind.CREATOR)
    now = utcnow()
    conversion: Conversion | None = None
    if body.kind is DisputeKind.WRONG_DECLINE:
        if body.conversion_id is None:
            raise InvalidInput("name the declined conversion", field="conversion_id")
        conversion = repository.conversion(session, body.conversion_id)
        if conversion is None or conversion.creator_account_id != creator.id:
            raise NotFound("conversion not found")
        if conversion.status is not ConversionStatus.DECLINED:
            raise Conflict("only a declined conversion can be disputed", field="conversion_id")
        if repository.open_dispute_for(session, conversion.id) is not None:
            raise Conflict("this conversion is already disputed", field="conversion_id")
        offer_id = conversion.offer_id
        order_id: str | None = conversion.order_id
    else:
        if body.offer_id is None or body.order_id is None or body.claimed_amount_tiyn is None:
            raise InvalidInput(
                "a missing order needs offer_id, order_id and claimed_amount_tiyn",
                field="order_id",
            )
        participation = repository.participation(session, body.offer_id, creator.id)
        if participation is None or participation.status is not ParticipationStatus.APPROVED:
            raise NotFound("offer not found")
        known = repository.conversion_by_order(session, body.offer_id, body.order_id)
        if known is not None:
            raise Conflict(
                f"the order is already tracked as conversion {known.id}"
                if known.creator_account_id == creator.id
                else "the order is already attributed",
                field="order_id",
            )
        offer_id, order_id = body.offer_id, body.order_id
    offer = repository.offer(session, offer_id)
    assert offer is not None  # reached through a participation or a conversion
    dispute = Dispute(
        offer_id=offer_id,
        advertiser_account_id=offer.account_id,
        creator_account_id=creator.id,
        conversion_id=conversion.id if conversion else None,
        kind=body.kind,
        order_id=order_id,
        claimed_amount_tiyn=body.claimed_amount_tiyn,
        text=body.text,
        evidence=list(body.evidence),
        deadline=now + dt.timedelta(days=settings.creators.dispute_days),
    )
    session.add(dispute)
    session.flush()
    if conversion is not None:
        lifecycle.event(
            session,
            conversion,
            principal.actor,
            "disputed",
            note=body.text,
            data={"dispute_id": dispute.id, "deadline": dispute.deadline.isoformat()},
        )
    audit.record(
        session,
        principal,
        "create",
        "creator_dispute",
        dispute.id,
        account_id=creator.id,
        after=audit.snapshot(dispute),
    )
    return dispute


def resolve(
    session: Session,
    principal: Principal,
    settings: Settings,
    dispute_id: int,
    body: DisputeResolveIn,
) -> Dispute:
    """The advertiser (or an admin) answers a dispute."""
    ensure_advertiser_side(principal)
    dispute = repository.dispute(session, dispute_id)
    if dispute is None or not principal.can_access(dispute.advertiser_account_id):
        raise NotFound("dispute not found")
    offer_for_advertiser(session, principal, dispute.offer_id)
    before = audit.snapshot(dispute)
    _settle(
        session,
        dispute,
        principal.actor,
        body.in_favour_of == "creator",
        body.resolution,
        tax_table(settings),
    )
    audit.record(
        session,
        principal,
        "resolve",
        "creator_dispute",
        dispute.id,
        account_id=dispute.advertiser_account_id,
        before=before,
        after=audit.snapshot(dispute),
    )
    return dispute


def _settle(
    session: Session,
    dispute: Dispute,
    actor: str,
    for_creator: bool,
    resolution: str,
    table: TaxTable,
) -> None:
    """Close a dispute; in the creator's favour, reinstate or create the conversion."""
    if dispute.status is not DisputeStatus.OPEN:
        raise Conflict("the dispute is already resolved")
    now = utcnow()
    dispute.status = (
        DisputeStatus.RESOLVED_FOR_CREATOR if for_creator else DisputeStatus.RESOLVED_FOR_ADVERTISER
    )
    dispute.resolution = resolution
    dispute.resolved_at = now
    conversion = None
    if dispute.conversion_id is not None:
        conversion = repository.conversion_for_update(session, dispute.conversion_id)
    if for_creator and conversion is not None:
        before = conversion.status
        conversion.status = ConversionStatus.PENDING
        conversion.hold_until = now
        conversion.needs_review = False
        conversion.decline_reason = None
        lifecycle.event(
            session,
            conversion,
            actor,
            "dispute_won",
            before=before,
            note=resolution,
            data={"dispute_id": dispute.id},
        )
    elif for_creator:
        conversion = _claimed_conversion(session, dispute, actor, now)
    elif conversion is not None:
        lifecycle.event(
            session,
            conversion,
            actor,
            "dispute_lost",
            before=conversion.status,
            note=resolution,
            data={"dispute_id": dispute.id},
        )
    session.flush()
    if for_creator and conversion is not None:
        try:
            lifecycle.approve(
                session, conversion, actor, table, note="dispute resolved for the creator"
            )
        except ledger.InsufficientEscrow:
            pass  # stays pending with its hold ended: the hold-end job approves it once funded


def _claimed_conversion(
    session: Session, dispute: Dispute, actor: str, now: dt.datetime
) -> Conversion:
    """The conversion a won missing-order dispute creates, at the claimed amount."""
    offer = repository.offer(session, dispute.offer_id)
    assert offer is not None
    goals = repository.goals(session, [offer.id])
    goal = next((g for g in goals if g.goal.value == "sale"), goals[0])
    participation = repository.participation(session, offer.id, dispute.creator_account_id)
    rates = participation.rates if participation else {}
    amount = dispute.claimed_amount_tiyn or 0
    payout = lifecycle.payout_for(goal, rates.get(goal.goal.value), amount, 0)
    conversion = Conversion(
        offer_id=offer.id,
        advertiser_account_id=offer.account_id,
        creator_account_id=dispute.creator_account_id,
        goal=goal.goal,
        order_id=dispute.order_id or f"dispute-{dispute.id}",
        amount_tiyn=amount,
        payout_tiyn=payout,
        status=ConversionStatus.PENDING,
        attributed_by="dispute",
        occurred_at=dispute.created_at,
        hold_until=now,
        evidence=list(dispute.evidence),
        fraud_reasons=[],
    )
    session.add(conversion)
    session.flush()
    dispute.conversion_id = conversion.id
    lifecycle.event(
        session,
        conversion,
        actor,
        "reported",
        note="missing order granted by a dispute",
        data={"dispute_id": dispute.id, "amount_tiyn": amount, "payout_tiyn": payout},
    )
    return conversion


def resolve_expired(
    session: Session, table: TaxTable, *, now: dt.datetime | None = None, limit: int = 500
) -> JobReport:
    """The deadline job: every open dispute past its deadline resolves for the creator."""
    now = now or utcnow()
    done = 0
    skipped: list[dict[str, Any]] = []
    for dispute in repository.expired_disputes(session, now, limit):
        _settle(
            session,
            dispute,
            "system",
            True,
            "the advertiser did not answer by the deadline: resolved in the creator's favour",
            table,
        )
        audit.record(
            session,
            "system",
            "resolve",
            "creator_dispute",
            dispute.id,
            account_id=dispute.advertiser_account_id,
            after=audit.snapshot(dispute),
        )
        done += 1
    return JobReport(done=done, skipped=skipped)


def list_disputes(
    session: Session, principal: Principal, *, cursor: str | None, limit: int
) -> tuple[list[Dispute], str | None]:
    """Disputes the caller may see: its own (creators) or about its offers (advertisers)."""
    principal.ensure_can_read()
    ids = principal.visible_account_ids()
    return paginate(
        session, repository.disputes_stmt(ids, ids), Dispute.id, cursor=cursor, limit=limit
    )

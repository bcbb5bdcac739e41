"""Conversions as the API serves them: who may see and change which, with audit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import NotFound
from jarnama.core.pagination import paginate
from jarnama.creators import lifecycle, repository
from jarnama.creators.models import Conversion, ConversionEvent, ConversionStatus
from jarnama.creators.schemas import DeclineIn, RefundIn
from jarnama.creators.service import ensure_advertiser_side
from jarnama.creators.taxes import tax_table
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal


def visible(session: Session, principal: Principal, conversion_id: int) -> Conversion:
    """A conversion its creator, its advertiser or an admin may see; 404 for anyone else."""
    principal.ensure_can_read()
    conversion = repository.conversion(session, conversion_id)
    if conversion is None or not (
        principal.can_access(conversion.creator_account_id)
        or principal.can_access(conversion.advertiser_account_id)
    ):
        raise NotFound("conversion not found")
    return conversion


def _for_advertiser(session: Session, principal: Principal, conversion_id: int) -> Conversion:
    """A conversion of the caller's offers, locked for a change (creators get 403)."""
    ensure_advertiser_side(principal)
    conversion = repository.conversion_for_update(session, conversion_id)
    if conversion is None or not principal.can_access(conversion.advertiser_account_id):
        raise NotFound("conversion not found")
    return conversion


def history(session: Session, conversion: Conversion) -> list[ConversionEvent]:
    """Every step of a conversion, oldest first."""
    return repository.events_of(session, conversion.id)


def list_conversions(
    session: Session,
    principal: Principal,
    *,
    offer_id: int | None,
    status: ConversionStatus | None,
    needs_review: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Conversion], str | None]:
    """Conversions the caller may see: its own (creators) or of its offers (advertisers)."""
    principal.ensure_can_read()
    ids = principal.visible_account_ids()
    stmt = repository.conversions_stmt(
        ids,
        ids,
        offer_id=offer_id,
        status=status.value if status else None,
        needs_review=needs_review,
    )
    return paginate(session, stmt, Conversion.id, cursor=cursor, limit=limit)


def approve(
    session: Session, principal: Principal, settings: Settings, conversion_id: int
) -> Conversion:
    """The advertiser approves a pending conversion (early, or after a fraud review)."""
    conversion = _for_advertiser(session, principal, conversion_id)
    before = audit.snapshot(conversion)
    lifecycle.approve(
        session, conversion, principal.actor, tax_table(settings), note="approved by the advertiser"
    )
    audit.record(
        session,
        principal,
        "approve",
        "creator_conversion",
        conversion.id,
        account_id=conversion.advertiser_account_id,
        before=before,
        after=audit.snapshot(conversion),
    )
    return conversion


def decline(
    session: Session, principal: Principal, conversion_id: int, body: DeclineIn
) -> Conversion:
    """The advertiser declines a pending conversion in its hold, with reason and evidence."""
    conversion = _for_advertiser(session, principal, conversion_id)
    before = audit.snapshot(conversion)
    lifecycle.decline(
        session, conversion, principal.actor, body.reason, body.text, list(body.evidence)
    )
    audit.record(
        session,
        principal,
        "decline",
        "creator_conversion",
        conversion.id,
        account_id=conversion.advertiser_account_id,
        before=before,
        after=audit.snapshot(conversion),
    )
    return conversion


def refund(
    session: Session, principal: Principal, conversion_id: int, body: RefundIn
) -> Conversion:
    """The advertiser reports a refund or return (negative entries, also after payout)."""
    conversion = _for_advertiser(session, principal, conversion_id)
    before = audit.snapshot(conversion)
    lifecycle.refund(session, conversion, principal.actor, body.amount_tiyn, body.note)
    audit.record(
        session,
        principal,
        "refund",
        "creator_conversion",
        conversion.id,
        account_id=conversion.advertiser_account_id,
        before=before,
        after=audit.snapshot(conversion),
    )
    return conversion

"""Offers, applications, promo code pools, tracked links and participations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from jarnama.core.pagination import Page
from jarnama.creators import (
    participation,
    service,
)
from jarnama.creators.models import OfferStatus
from jarnama.creators.routes.common import (
    CONFLICT,
    ID_MAX,
    NOT_FOUND,
    Cursor,
    Limit,
    PathId,
    participation_out,
)
from jarnama.creators.schemas import (
    ApplyIn,
    CodePoolIn,
    CodePoolReport,
    DecideIn,
    LinkIn,
    LinkOut,
    OfferCreate,
    OfferCreated,
    OfferOut,
    OfferStatusChange,
    OfferUpdate,
    ParticipationOut,
)
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep
from jarnama.tenancy.principal import Principal

router = APIRouter()


def _offer_out(session: SessionDep, offer_id: int, principal: Principal) -> OfferOut:
    offer = service.offer_visible(session, principal, offer_id)
    return OfferOut.of(offer, service.goals_of(session, [offer])[offer.id])


@router.post("/offers", status_code=201, summary="Create a draft CPA offer for creators.")
def create_offer(
    body: OfferCreate, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> OfferCreated:
    """Create a draft offer; the postback token and HMAC secret are shown this once."""
    offer, goals, token, secret = service.create_offer(session, principal, settings, body)
    out = OfferOut.of(offer, goals)
    return OfferCreated(**out.model_dump(), postback_token=token, postback_secret=secret)


@router.get("/offers", summary="List offers: an advertiser's own, or the active ones for creators.")
def list_offers(
    session: SessionDep,
    principal: PrincipalDep,
    status: OfferStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[OfferOut]:
    """List offers the caller may see, oldest first."""
    rows, next_cursor = service.list_offers(
        session, principal, status=status, cursor=cursor, limit=limit
    )
    goals = service.goals_of(session, rows)
    return Page(items=[OfferOut.of(o, goals[o.id]) for o in rows], next_cursor=next_cursor)


@router.get("/offers/{offer_id}", summary="Show one offer.", responses=NOT_FOUND)
def get_offer(offer_id: PathId, session: SessionDep, principal: PrincipalDep) -> OfferOut:
    """Show one offer (to its advertiser, or to creators while active or joined)."""
    principal.ensure_can_read()
    return _offer_out(session, offer_id, principal)


@router.patch("/offers/{offer_id}", summary="Change an offer's terms.", responses=CONFLICT)
def update_offer(
    offer_id: PathId, body: OfferUpdate, session: SessionDep, principal: PrincipalDep
) -> OfferOut:
    """Change the fields sent; goals sent replace the offer's goals."""
    offer = service.update_offer(session, principal, offer_id, body)
    return OfferOut.of(offer, service.goals_of(session, [offer])[offer.id])


@router.post(
    "/offers/{offer_id}/status",
    summary="Activate, pause or end an offer.",
    responses=CONFLICT,
)
def change_offer_status(
    offer_id: PathId, body: OfferStatusChange, session: SessionDep, principal: PrincipalDep
) -> OfferOut:
    """Allowed: draft→active|ended, active→paused|ended, paused→active|ended."""
    offer = service.change_offer_status(session, principal, offer_id, body.status)
    return OfferOut.of(offer, service.goals_of(session, [offer])[offer.id])


@router.post(
    "/offers/{offer_id}/codes",
    summary="Import promo codes from the shop into an offer's pool.",
    responses=CONFLICT,
)
def import_codes(
    offer_id: PathId, body: CodePoolIn, session: SessionDep, principal: PrincipalDep
) -> CodePoolReport:
    """Add codes to the pool; codes the advertiser already has are reported, not duplicated."""
    return participation.import_codes(session, principal, offer_id, body)


@router.post(
    "/offers/{offer_id}/apply",
    status_code=201,
    summary="Apply to an offer as a creator (automatic offers approve at once).",
    responses=CONFLICT,
)
def apply(
    offer_id: PathId,
    body: ApplyIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ParticipationOut:
    """Apply; an approved creator gets a promo code and a tracked link."""
    p = participation.apply(session, principal, offer_id, body.creator_account_id, body.note)
    return participation_out(session, settings, p)


@router.post(
    "/offers/{offer_id}/links",
    status_code=201,
    summary="Create another tracked link for an offer (e.g. one per platform).",
    responses=CONFLICT,
)
def add_link(
    offer_id: PathId,
    body: LinkIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    creator_account_id: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
) -> LinkOut:
    """A new short link of the calling creator (admins name creator_account_id)."""
    platform = body.platform.value if body.platform else None
    link = participation.add_link(session, principal, offer_id, creator_account_id, platform)
    return LinkOut.of(link, settings.base_url)


# --- participations ----------------------------------------------------------------------------


@router.get("/participations", summary="List participations in offers.")
def list_participations(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    offer_id: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ParticipationOut]:
    """A creator's own participations, or those in an advertiser's offers."""
    rows, next_cursor = participation.list_participations(
        session, principal, offer_id=offer_id, cursor=cursor, limit=limit
    )
    return Page(
        items=[participation_out(session, settings, p) for p in rows], next_cursor=next_cursor
    )


@router.get(
    "/participations/{participation_id}",
    summary="Show one participation with its codes and links.",
    responses=NOT_FOUND,
)
def get_participation(
    participation_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> ParticipationOut:
    """One participation, to its creator or the offer's advertiser."""
    p = participation.get_participation(session, principal, participation_id)
    return participation_out(session, settings, p)


@router.post(
    "/participations/{participation_id}/decision",
    summary="Approve (with personal rates) or reject a creator's application.",
    responses=CONFLICT,
)
def decide(
    participation_id: PathId,
    body: DecideIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ParticipationOut:
    """The advertiser's decision; approval issues a promo code and a link."""
    p = participation.decide(session, principal, participation_id, body)
    return participation_out(session, settings, p)

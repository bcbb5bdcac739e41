"""Conversions and their lifecycle, S2S postbacks, short links, and creators' disputes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse

from jarnama.core.pagination import Page
from jarnama.creators import (
    conversions,
    disputes,
    postback,
)
from jarnama.creators.models import ConversionStatus
from jarnama.creators.routes.common import (
    CONFLICT,
    ID_MAX,
    NOT_FOUND,
    Cursor,
    Limit,
    PathId,
)
from jarnama.creators.schemas import (
    ConversionDetail,
    ConversionEventOut,
    ConversionOut,
    DeclineIn,
    DisputeIn,
    DisputeOut,
    DisputeResolveIn,
    PostbackResult,
    RefundIn,
)
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep

router = APIRouter()
link_router = APIRouter(tags=["creators"])


# --- conversions -------------------------------------------------------------------------------


@router.get(
    "/conversions", summary="List conversions: a creator's own, or of an advertiser's offers."
)
def list_conversions(
    session: SessionDep,
    principal: PrincipalDep,
    offer_id: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    status: ConversionStatus | None = None,
    needs_review: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ConversionOut]:
    """List conversions the caller may see, oldest first."""
    rows, next_cursor = conversions.list_conversions(
        session,
        principal,
        offer_id=offer_id,
        status=status,
        needs_review=needs_review,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[ConversionOut.of(c) for c in rows], next_cursor=next_cursor)


@router.get(
    "/conversions/{conversion_id}",
    summary="Show a conversion with its whole history.",
    responses=NOT_FOUND,
)
def get_conversion(
    conversion_id: PathId, session: SessionDep, principal: PrincipalDep
) -> ConversionDetail:
    """The conversion and every step it went through, with reasons and evidence."""
    c = conversions.visible(session, principal, conversion_id)
    history = [ConversionEventOut.of(e) for e in conversions.history(session, c)]
    return ConversionDetail(**ConversionOut.of(c).model_dump(), history=history)


@router.post(
    "/conversions/{conversion_id}/approve",
    summary="Approve a pending conversion (early, or after a fraud review).",
    responses=CONFLICT,
)
def approve_conversion(
    conversion_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> ConversionOut:
    """Approve; the payout moves from escrow to the creator, income tax withheld."""
    return ConversionOut.of(conversions.approve(session, principal, settings, conversion_id))


@router.post(
    "/conversions/{conversion_id}/decline",
    summary="Decline a pending conversion with a reason, text and evidence.",
    responses=CONFLICT,
)
def decline_conversion(
    conversion_id: PathId, body: DeclineIn, session: SessionDep, principal: PrincipalDep
) -> ConversionOut:
    """Decline within the hold; the creator sees the reason, text and evidence."""
    return ConversionOut.of(conversions.decline(session, principal, conversion_id, body))


@router.post(
    "/conversions/{conversion_id}/refund",
    summary="Report a refund or return of (part of) an order.",
    responses=CONFLICT,
)
def refund_conversion(
    conversion_id: PathId, body: RefundIn, session: SessionDep, principal: PrincipalDep
) -> ConversionOut:
    """The payout shrinks in proportion; after approval or payout as negative entries."""
    return ConversionOut.of(conversions.refund(session, principal, conversion_id, body))


# --- postbacks and links -----------------------------------------------------------------------


POSTBACK_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Refused: `error` names the reason (unknown_promo_code, …)."},
    401: {"description": "Wrong token or signature."},
    404: {"description": "No such offer."},
    409: {"description": "The offer is not running."},
}


async def _raw_body(request: Request) -> bytes:
    """The exact request body (HMAC signatures cover it byte for byte)."""
    return await request.body()


@router.get(
    "/postback/{offer_id}",
    summary="S2S postback by GET: report an order with click_id/promo_code macros.",
    responses=POSTBACK_ERRORS,
)
def postback_get(
    offer_id: PathId, request: Request, session: SessionDep, settings: SettingsDep
) -> PostbackResult:
    """Query: token or signature, order_id, amount, currency, status, promo_code, click_id, goal."""
    params = dict(request.query_params)
    call = postback.PostbackCall(params, signature=request.headers.get("x-signature"))
    return postback.handle(session, settings, offer_id, call)


@router.post(
    "/postback/{offer_id}",
    summary="S2S postback by POST (JSON or form body, optionally HMAC-signed).",
    responses=POSTBACK_ERRORS,
)
def postback_post(
    offer_id: PathId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    body: Annotated[bytes, Depends(_raw_body)],
) -> PostbackResult:
    """The same macros as the GET form, in a JSON object or a form body."""
    params = postback.parse_body(body, request.headers.get("content-type", ""))
    params.update({k: v for k, v in request.query_params.items() if k == "token"})
    signature = request.headers.get("x-signature")
    call = postback.PostbackCall(params, raw_body=body if signature else None, signature=signature)
    return postback.handle(session, settings, offer_id, call)


@link_router.get(
    "/c/{slug}",
    summary="A creator's short link: log the click and redirect to the offer.",
    response_class=RedirectResponse,
    status_code=302,
    responses={404: {"description": "No such link, or the offer ended."}},
)
def follow_link(
    slug: Annotated[str, Path(min_length=1, max_length=32)], request: Request, session: SessionDep
) -> RedirectResponse:
    """Redirect to the landing page with a click id; a cookie remembers the visitor."""
    url, _click_id, visitor = postback.click(
        session, slug, request.cookies.get("jr_vid"), request.headers.get("referer")
    )
    response = RedirectResponse(url, status_code=302)
    response.set_cookie("jr_vid", visitor, max_age=90 * 86_400, httponly=True, samesite="lax")
    return response


# --- disputes -----------------------------------------------------------------------------------


@router.post(
    "/disputes",
    status_code=201,
    summary="Dispute a decline or report a missing order.",
    responses=CONFLICT,
)
def open_dispute(
    body: DisputeIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> DisputeOut:
    """Open a dispute; unanswered by its deadline, it resolves in the creator's favour."""
    return DisputeOut.of(disputes.open_dispute(session, principal, settings, body))


@router.get("/disputes", summary="List disputes: a creator's own, or about an advertiser's offers.")
def list_disputes(
    session: SessionDep, principal: PrincipalDep, cursor: Cursor = None, limit: Limit = 50
) -> Page[DisputeOut]:
    """List disputes the caller may see."""
    rows, next_cursor = disputes.list_disputes(session, principal, cursor=cursor, limit=limit)
    return Page(items=[DisputeOut.of(d) for d in rows], next_cursor=next_cursor)


@router.post(
    "/disputes/{dispute_id}/resolve",
    summary="Answer a dispute for the creator or the advertiser.",
    responses=CONFLICT,
)
def resolve_dispute(
    dispute_id: PathId,
    body: DisputeResolveIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> DisputeOut:
    """Resolve; for the creator, the conversion is reinstated (or created) and approved."""
    return DisputeOut.of(disputes.resolve(session, principal, settings, dispute_id, body))

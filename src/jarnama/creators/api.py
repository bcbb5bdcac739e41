"""HTTP API of the creator exchange, under /api/v1/creators (and the short link /c/{slug}).

Advertisers manage their offers and see only their conversions; creators see active offers
and only their own profile, codes, links, conversions, statements and taxes; network admins
see everything and hold the money desk (escrow deposits, payout batches, jobs). Postbacks
authenticate with the offer's token or an HMAC signature instead of an API key.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse

from jarnama.core.pagination import Page
from jarnama.creators import (
    conversions,
    disputes,
    lifecycle,
    participation,
    payouts,
    postback,
    posts,
    repository,
    service,
)
from jarnama.creators.models import ConversionStatus, OfferStatus
from jarnama.creators.schemas import (
    ApplyIn,
    BalanceOut,
    CodePoolIn,
    CodePoolReport,
    ConversionDetail,
    ConversionEventOut,
    ConversionOut,
    CreatorProfileIn,
    CreatorProfileOut,
    DecideIn,
    DeclineIn,
    DepositIn,
    DisputeIn,
    DisputeOut,
    DisputeResolveIn,
    JobReport,
    LinkIn,
    LinkOut,
    OfferCreate,
    OfferCreated,
    OfferOut,
    OfferStatusChange,
    OfferUpdate,
    ParticipationOut,
    PayoutBatchOut,
    PostbackResult,
    PostIn,
    PostOut,
    RefundIn,
    StatementOut,
    TaxSummaryOut,
)
from jarnama.creators.taxes import tax_table
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

router = APIRouter(prefix="/creators", tags=["creators"])
link_router = APIRouter(tags=["creators"])

ID_MAX = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]
Cursor = Annotated[str | None, Query(description="The `next_cursor` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such object, or another tenant's."}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The change clashes with the object's state (or escrow is short)."},
}


# --- offers ------------------------------------------------------------------------------------


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


def _participation_out(session: SessionDep, settings: SettingsDep, p: Any) -> ParticipationOut:
    offer = repository.offer(session, p.offer_id)
    assert offer is not None  # a participation's offer exists (foreign key)
    return ParticipationOut.of(
        p,
        offer.account_id,
        repository.codes_of(session, p.offer_id, p.creator_account_id),
        repository.links_of(session, p.offer_id, p.creator_account_id),
        settings.base_url,
    )


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
    return _participation_out(session, settings, p)


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


# --- creators and participations --------------------------------------------------------------


@router.put(
    "/profile",
    summary="Create or replace the calling creator's profile.",
    responses=CONFLICT,
)
def save_profile(
    body: CreatorProfileIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> CreatorProfileOut:
    """Save the profile; the IIN/BIN and payout details are validated and stored encrypted."""
    return CreatorProfileOut.of(service.save_profile(session, principal, settings, body))


@router.get("/profiles/{account_id}", summary="Show a creator's profile.", responses=NOT_FOUND)
def get_profile(
    account_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> CreatorProfileOut:
    """The profile (personal data masked); advertisers see it once the creator applied."""
    profile = service.get_profile(session, principal, account_id)
    notice = (
        None
        if principal.can_access(account_id) and not principal.is_network_admin
        else (service.advertiser_notice(profile, settings))
    )
    return CreatorProfileOut.of(profile, notice)


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
        items=[_participation_out(session, settings, p) for p in rows], next_cursor=next_cursor
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
    return _participation_out(session, settings, p)


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
    return _participation_out(session, settings, p)


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


# --- disputes and posts ------------------------------------------------------------------------


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


@router.post(
    "/posts",
    status_code=201,
    summary="Submit a sponsored post for the ad-label check.",
    responses=CONFLICT,
)
def submit_post(body: PostIn, session: SessionDep, principal: PrincipalDep) -> PostOut:
    """Check the caption (and a video's label time) against the approved label list."""
    return PostOut.of(posts.submit(session, principal, body))


@router.get("/posts", summary="List submitted posts and their label checks.")
def list_posts(
    session: SessionDep, principal: PrincipalDep, cursor: Cursor = None, limit: Limit = 50
) -> Page[PostOut]:
    """A creator's own posts, or those for an advertiser's offers."""
    rows, next_cursor = posts.list_posts(session, principal, cursor=cursor, limit=limit)
    return Page(items=[PostOut.of(p) for p in rows], next_cursor=next_cursor)


@router.get("/posts/{post_id}", summary="Show one post and its label check.", responses=NOT_FOUND)
def get_post(post_id: PathId, session: SessionDep, principal: PrincipalDep) -> PostOut:
    """One post, to its creator or the offer's advertiser."""
    return PostOut.of(posts.get(session, principal, post_id))


# --- money -------------------------------------------------------------------------------------


@router.post(
    "/escrow/deposits",
    summary="Record an advertiser's prepayment into escrow (network admins).",
    responses=NOT_FOUND,
)
def deposit(body: DepositIn, session: SessionDep, principal: PrincipalDep) -> BalanceOut:
    """Credit the advertiser's escrow with money the network received."""
    return payouts.deposit(session, principal, body)


@router.get(
    "/balances/{account_id}",
    summary="Show an account's escrow and creator balances.",
    responses=NOT_FOUND,
)
def get_balance(account_id: PathId, session: SessionDep, principal: PrincipalDep) -> BalanceOut:
    """Escrow (advertisers), amount payable and tax withheld (creators)."""
    return payouts.balance(session, principal, account_id)


@router.get(
    "/statements/{creator_account_id}",
    summary="A creator's monthly statement.",
    responses=NOT_FOUND,
)
def get_statement(
    creator_account_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")],
) -> StatementOut:
    """Opening balance, net earnings, refunds, payouts and closing balance of a month."""
    return payouts.statement(session, principal, settings, creator_account_id, month)


@router.get(
    "/tax-summary/{creator_account_id}",
    summary="A creator's yearly tax summary with regime limit warnings.",
    responses=NOT_FOUND,
)
def get_tax_summary(
    creator_account_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    year: Annotated[int, Query(ge=2026, le=2100)],
) -> TaxSummaryOut:
    """Gross, withheld, net and paid out in the year, with the tax table used."""
    return payouts.tax_summary(session, principal, settings, creator_account_id, year)


@router.post(
    "/payout-batches",
    status_code=201,
    summary="Create a payout batch of every creator due (network admins).",
    responses={409: {"description": "No creator is due."}},
)
def create_batch(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> PayoutBatchOut:
    """Pay every balance at or above the minimum to creators with payout details."""
    return payouts.create_batch(session, principal, settings)


@router.get("/payout-batches/{batch_id}", summary="Show a payout batch.", responses=NOT_FOUND)
def get_batch(batch_id: PathId, session: SessionDep, principal: PrincipalDep) -> PayoutBatchOut:
    """A batch and its lines (payout details masked)."""
    return payouts.batch_out(session, payouts.get_batch(session, principal, batch_id))


@router.get(
    "/payout-batches/{batch_id}/csv",
    summary="Export a payout batch as CSV for the bank upload.",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The CSV."}, **NOT_FOUND},
)
def batch_csv(
    batch_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> PlainTextResponse:
    """One row per creator with the decrypted card or IBAN (audited)."""
    text = payouts.batch_csv(session, principal, settings, batch_id)
    return PlainTextResponse(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="payout-batch-{batch_id}.csv"'},
    )


@router.post(
    "/payout-batches/{batch_id}/paid",
    summary="Confirm a batch was paid by the bank.",
    responses=CONFLICT,
)
def mark_paid(batch_id: PathId, session: SessionDep, principal: PrincipalDep) -> PayoutBatchOut:
    """Mark the batch paid; its conversions become paid."""
    return payouts.batch_out(session, payouts.mark_paid(session, principal, batch_id))


@router.post("/jobs/approve-due", summary="Run the hold-end job now (network admins).")
def run_approve_due(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> JobReport:
    """Approve every pending conversion whose hold ended (escrow permitting)."""
    principal.ensure_network_admin()
    principal.ensure_can_write()
    report = lifecycle.approve_due(session, tax_table(settings))
    _audit_job(session, principal, "approve-due", report)
    return report


@router.post("/jobs/expire-disputes", summary="Run the dispute deadline job now (network admins).")
def run_expire_disputes(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> JobReport:
    """Resolve every dispute past its deadline in the creator's favour."""
    principal.ensure_network_admin()
    principal.ensure_can_write()
    report = disputes.resolve_expired(session, tax_table(settings))
    _audit_job(session, principal, "expire-disputes", report)
    return report


def _audit_job(session: SessionDep, principal: Principal, job: str, report: JobReport) -> None:
    """Record who ran a job by hand and what it did."""
    audit.record(
        session,
        principal,
        "run",
        "creator_job",
        job,
        account_id=None,
        after=report.model_dump(mode="json"),
    )

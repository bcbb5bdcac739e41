"""HTTP API of the exchange's operations: approval queue, DCO campaigns, signals, reports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse

from jarnama.core.pagination import Page
from jarnama.core.time import utcnow
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep
from jarnama.exchange import approvals, dco, reports, signals
from jarnama.exchange.ops_models import CreativeStatus
from jarnama.exchange.ops_schemas import (
    CreativeOut,
    CreativeReview,
    DcoCampaignCreate,
    DcoCampaignOut,
    DcoCampaignUpdate,
    DcoPreviewIn,
    DcoPreviewOut,
    DcoVariantOut,
    ExchangeReportOut,
    TrafficIn,
    TrafficOut,
)
from jarnama.exchange.service import ensure_not_creator
from jarnama.tenancy.principal import Principal


def _write_queued_records(request: Request, session: Any) -> None:
    """Write this process's queued auction records first, so a reader sees its own auctions."""
    runtime = getattr(request.app.state, "exchange_runtime", None)
    if runtime is not None:
        runtime.ops.recorder.write_pending(session)


def refuse_creators(principal: PrincipalDep) -> None:
    """Answer 403 to creators on every route of this router (before any lookup)."""
    ensure_not_creator(principal)


router = APIRouter(prefix="/exchange", tags=["exchange"], dependencies=[Depends(refuse_creators)])

ID_MAX = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]
FilterId = Annotated[int | None, Query(ge=1, le=ID_MAX)]
Cursor = Annotated[str | None, Query(description="The `next_cursor` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such object, or another tenant's."}
}


# --- approval queue ------------------------------------------------------------------------


@router.get("/creatives", summary="List DSP creatives seen on the caller's screens.")
def list_creatives(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    status: CreativeStatus | None = None,
    account_id: FilterId = None,
    bidder: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[CreativeOut]:
    """The approval queue: `status=pending` lists what waits for the owner's review."""
    _write_queued_records(request, session)
    rows, next_cursor = approvals.list_creatives(
        session,
        principal,
        status=status,
        account_id=account_id,
        bidder=bidder,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[CreativeOut.of(row) for row in rows], next_cursor=next_cursor)


@router.get("/creatives/{creative_id}", summary="Show one DSP creative.", responses=NOT_FOUND)
def get_creative(creative_id: PathId, session: SessionDep, principal: PrincipalDep) -> CreativeOut:
    """One creative with its markup and image preview."""
    return CreativeOut.of(approvals.get_creative(session, principal, creative_id))


@router.post(
    "/creatives/{creative_id}/review",
    summary="Approve a DSP creative, or reject it with a reason.",
    responses=NOT_FOUND,
)
def review_creative(
    creative_id: PathId, body: CreativeReview, session: SessionDep, principal: PrincipalDep
) -> CreativeOut:
    """Only approved creatives can win on the owner's screens; a rejection needs a reason."""
    decision = CreativeStatus(body.decision)
    return CreativeOut.of(
        approvals.review_creative(session, principal, creative_id, decision, body.reason)
    )


# --- dynamic creative ----------------------------------------------------------------------


@router.post(
    "/dco/campaigns", status_code=201, summary="Create a direct-sold or house DCO campaign."
)
def create_campaign(
    body: DcoCampaignCreate, session: SessionDep, principal: PrincipalDep
) -> DcoCampaignOut:
    """A campaign on the owner's screens or groups, with variants and their context rules."""
    return dco.create_campaign(session, principal, body)


@router.get("/dco/campaigns", summary="List the caller's DCO campaigns.")
def list_campaigns(
    session: SessionDep,
    principal: PrincipalDep,
    account_id: FilterId = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DcoCampaignOut]:
    """Campaigns with their variants (oldest first)."""
    rows, next_cursor = dco.list_campaigns(
        session, principal, account_id=account_id, cursor=cursor, limit=limit
    )
    return Page(items=rows, next_cursor=next_cursor)


@router.get("/dco/campaigns/{campaign_id}", summary="Show one DCO campaign.", responses=NOT_FOUND)
def get_campaign(
    campaign_id: PathId, session: SessionDep, principal: PrincipalDep
) -> DcoCampaignOut:
    """One campaign with its variants."""
    return dco.get_campaign(session, principal, campaign_id)


@router.patch("/dco/campaigns/{campaign_id}", summary="Change a DCO campaign.", responses=NOT_FOUND)
def update_campaign(
    campaign_id: PathId, body: DcoCampaignUpdate, session: SessionDep, principal: PrincipalDep
) -> DcoCampaignOut:
    """Rename, pause or resume, retarget, or replace the variants."""
    return dco.update_campaign(session, principal, campaign_id, body)


@router.post(
    "/dco/campaigns/{campaign_id}/preview",
    summary="Which variant would play at a time with given signals.",
    responses=NOT_FOUND,
)
def preview_campaign(
    campaign_id: PathId, body: DcoPreviewIn, session: SessionDep, principal: PrincipalDep
) -> DcoPreviewOut:
    """Evaluate the campaign's rules deterministically (flight dates ignored)."""
    given = signals.Signals(
        temperature_c=body.signals.temperature_c,
        precipitation=body.signals.precipitation,
        traffic_level=body.signals.traffic_level,
    )
    variant = dco.preview(session, principal, campaign_id, body.at, given)
    if variant is None:
        return DcoPreviewOut(variant=None)
    campaign = dco.get_campaign(session, principal, campaign_id)
    stored = next(v for v in campaign.variants if v.id == variant.id)
    return DcoPreviewOut(variant=DcoVariantOut.model_validate(stored.model_dump()))


# --- signals -------------------------------------------------------------------------------


@router.post(
    "/signals/traffic", status_code=201, summary="Push a city's traffic index (network admins)."
)
def push_traffic(
    body: TrafficIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> TrafficOut:
    """Store one reading (0 free-flowing … 10 standstill); it is stale after the TTL."""
    reading = signals.record_traffic(
        session,
        principal,
        body.city,
        body.level,
        observed_at=body.observed_at,
        source=body.source,
    )
    ttl = settings.exchange.ops.signals.traffic_ttl_seconds
    return TrafficOut.of(reading, signals.is_stale(reading.observed_at, ttl, utcnow()))


@router.get("/signals/traffic", summary="The latest traffic index of every city.")
def list_traffic(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> list[TrafficOut]:
    """Network-wide reference data: one row per city, marked stale past the TTL."""
    principal.ensure_can_read()
    ttl = settings.exchange.ops.signals.traffic_ttl_seconds
    now = utcnow()
    return [
        TrafficOut.of(r, signals.is_stale(r.observed_at, ttl, now))
        for r in signals.latest_traffic(session)
    ]


# --- reports -------------------------------------------------------------------------------

GroupBy = Annotated[reports.Dimension, Query(description="day, screen, bidder or deal.")]
Since = Annotated[
    dt.date | None, Query(description="First Almaty business day (default: 6 days before until).")
]
Until = Annotated[dt.date | None, Query(description="Last Almaty business day (default: today).")]
BidderFilter = Annotated[str | None, Query(max_length=64, description="One bidder only.")]
DealFilter = Annotated[
    str | None, Query(max_length=64, description="One deal id only ('open': no deal).")
]
BAD_RANGE: dict[int | str, dict[str, Any]] = {
    400: {"description": "until is before since, or the range is too long."},
    404: {"description": "screen_id names no screen the caller may see."},
}


def _report(
    session: Any,
    principal: Principal,
    group_by: reports.Dimension,
    since: dt.date | None,
    until: dt.date | None,
    screen_id: int | None,
    bidder: str | None,
    deal: str | None,
) -> ExchangeReportOut:
    return reports.report(
        session,
        principal,
        group_by,
        since=since,
        until=until,
        screen_id=screen_id,
        bidder=bidder,
        deal=deal,
    )


@router.get(
    "/reports",
    summary="Auctions, bids, wins, no-bids, timeouts, refusals, plays and revenue split.",
    responses=BAD_RANGE,
)
def get_report(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    group_by: GroupBy = reports.Dimension.DAY,
    since: Since = None,
    until: Until = None,
    screen_id: FilterId = None,
    bidder: BidderFilter = None,
    deal: DealFilter = None,
) -> ExchangeReportOut:
    """Per screen, bidder, deal or day; a media owner sees only its own screens."""
    _write_queued_records(request, session)
    return _report(session, principal, group_by, since, until, screen_id, bidder, deal)


@router.get(
    "/reports/csv",
    summary="The same exchange report as CSV.",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The CSV."}, **BAD_RANGE},
)
def get_report_csv(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    group_by: GroupBy = reports.Dimension.DAY,
    since: Since = None,
    until: Until = None,
    screen_id: FilterId = None,
    bidder: BidderFilter = None,
    deal: DealFilter = None,
) -> PlainTextResponse:
    """One row per group and a total row; money in tenge, exact."""
    _write_queued_records(request, session)
    out = _report(session, principal, group_by, since, until, screen_id, bidder, deal)
    return PlainTextResponse(
        reports.report_csv(out),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="exchange-{group_by.value}.csv"'},
    )

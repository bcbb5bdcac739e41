"""Reports per offer, creator and platform, as JSON or CSV, over the caller's own rows."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from jarnama.creators import reports
from jarnama.creators.report_schemas import ReportOut
from jarnama.creators.reports_repository import Dimension
from jarnama.creators.routes.common import ID_MAX
from jarnama.deps import PrincipalDep, SessionDep

router = APIRouter()

GroupBy = Annotated[Dimension, Query(description="offer, creator or platform.")]
OfferFilter = Annotated[int | None, Query(ge=1, le=ID_MAX, description="One offer only.")]
Since = Annotated[dt.date | None, Query(description="First Almaty business day, inclusive.")]
Until = Annotated[dt.date | None, Query(description="Last Almaty business day, inclusive.")]
BAD_RANGE: dict[int | str, dict[str, object]] = {
    400: {"description": "until is before since."},
    404: {"description": "offer_id names no offer the caller may see."},
}


@router.get(
    "/reports",
    summary="Clicks, conversions, approval rate, EPC, payouts and tax by offer/creator/platform.",
    responses=BAD_RANGE,
)
def get_report(
    session: SessionDep,
    principal: PrincipalDep,
    group_by: GroupBy = "offer",
    offer_id: OfferFilter = None,
    since: Since = None,
    until: Until = None,
) -> ReportOut:
    """Creators see their own rows, advertisers their offers' rows, admins everything."""
    return reports.report(session, principal, group_by, offer_id=offer_id, since=since, until=until)


@router.get(
    "/reports/csv",
    summary="The same report as CSV.",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The CSV."}, **BAD_RANGE},
)
def get_report_csv(
    session: SessionDep,
    principal: PrincipalDep,
    group_by: GroupBy = "offer",
    offer_id: OfferFilter = None,
    since: Since = None,
    until: Until = None,
) -> PlainTextResponse:
    """One row per group, amounts in tiyn, rate as a fraction."""
    out = reports.report(session, principal, group_by, offer_id=offer_id, since=since, until=until)
    return PlainTextResponse(
        reports.report_csv(out),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="creators-{group_by}.csv"'},
    )

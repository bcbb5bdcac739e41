"""The purchase-feed upload: an offer's orders as CSV or JSON Lines, through the postback path."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import UploadFile

from jarnama.catalog.readers import MEDIA_TYPES, RowSource, format_of_path, rows_of_bytes
from jarnama.core.errors import InvalidInput
from jarnama.core.http import JsonResponse
from jarnama.creators import feed, service
from jarnama.creators.models import Offer
from jarnama.creators.report_schemas import FeedReportOut
from jarnama.creators.routes.common import NOT_FOUND, PathId
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep

router = APIRouter()


def feed_offer(offer_id: PathId, session: SessionDep, principal: PrincipalDep) -> Offer:
    """The offer, refused before any upload is read unless the caller may manage it."""
    service.ensure_advertiser_side(principal)
    return service.offer_for_advertiser(session, principal, offer_id)


FeedOfferDep = Annotated[Offer, Depends(feed_offer)]


async def read_feed(request: Request, _offer: FeedOfferDep) -> RowSource:
    """The feed file of a multipart form (field `file`) or of a text/csv or NDJSON body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        try:
            part = form.get("file")
            if not isinstance(part, UploadFile):
                raise InvalidInput("send the file in a form field named 'file'", field="file")
            name = part.filename or "upload"
            part_media = (part.content_type or "").split(";")[0].strip().lower()
            fmt = MEDIA_TYPES.get(part_media) or format_of_path(name)
            return rows_of_bytes(await part.read(), fmt, name)
        finally:
            await form.close()
    if media in MEDIA_TYPES:
        fmt = MEDIA_TYPES[media]
        return rows_of_bytes(await request.body(), fmt, f"feed.{fmt}")
    raise InvalidInput(
        "send text/csv, application/x-ndjson, or multipart/form-data with a 'file' field",
        field="content-type",
    )


FEED_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def report_out(report: feed.FeedReport) -> FeedReportOut:
    """The API form of a feed report."""
    return FeedReportOut.model_validate(
        {**asdict(report), "errors": [asdict(error) for error in report.errors]}
    )


@router.post(
    "/offers/{offer_id}/feed",
    summary="Import a purchase feed (CSV or JSON Lines) of an offer's orders.",
    openapi_extra=FEED_BODY,
    response_model=FeedReportOut,
    responses={
        400: {"description": "Refused rows, nothing applied: the body's `report` lists them."},
        **NOT_FOUND,
    },
)
def import_feed(
    offer: FeedOfferDep,
    rows: Annotated[RowSource, Depends(read_feed)],
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    allow_partial: Annotated[
        bool, Query(description="Apply the good rows even when some are refused.")
    ] = False,
) -> Any:
    """Each row is a postback (idempotent per order id); refused rows are listed by line."""
    report = feed.import_feed(
        session,
        settings,
        offer,
        rows,
        actor=principal,
        source=rows.name,
        first_line=rows.first_line,
        allow_partial=allow_partial,
    )
    out = report_out(report)
    if report.applied:
        return out
    return JsonResponse(
        {
            "error": "invalid_rows",
            "detail": f"{report.rejected} rows were refused; nothing was applied",
            "field": None,
            "report": out.model_dump(mode="json"),
        },
        status_code=400,
    )

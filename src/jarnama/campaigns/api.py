"""HTTP API of the campaigns domain: campaigns, ad groups, creatives, audience segments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from jarnama.campaigns import creatives, segments, service
from jarnama.campaigns.access import ensure_not_creator
from jarnama.campaigns.models import (
    AdGroup,
    AdGroupStatus,
    AudienceSegment,
    CampaignStatus,
    CreativeStatus,
)
from jarnama.campaigns.schemas import (
    AdGroupCreate,
    AdGroupOut,
    AdGroupUpdate,
    CampaignCreate,
    CampaignOut,
    CampaignUpdate,
    CreativeCreate,
    CreativeOut,
    CreativeRejection,
    CreativeUpdate,
    SegmentCreate,
    SegmentImportReport,
    SegmentOut,
    SegmentUpdate,
    StatusChange,
)
from jarnama.core.pagination import Page
from jarnama.deps import PrincipalDep, SessionDep


def refuse_creators(principal: PrincipalDep) -> None:
    """Answer 403 to creators on every route of this router (before any lookup)."""
    ensure_not_creator(principal)


router = APIRouter(tags=["campaigns"], dependencies=[Depends(refuse_creators)])

Cursor = Annotated[str | None, Query(description="The `next_cursor` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
# Ids are BIGINT: anything larger is refused at the edge instead of overflowing in SQL.
ID_MAX = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]
FilterId = Annotated[int | None, Query(ge=1, le=ID_MAX)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such object, or another tenant's."}
}


# --- campaigns -----------------------------------------------------------------------------


@router.post(
    "/campaigns",
    status_code=201,
    summary="Create a draft campaign for an advertiser.",
)
def create_campaign(
    body: CampaignCreate, session: SessionDep, principal: PrincipalDep
) -> CampaignOut:
    """Create a draft campaign; an agency or network admin names the advertiser's account_id."""
    return CampaignOut.of(service.create_campaign(session, principal, body))


@router.get("/campaigns", summary="List the campaigns the caller may see.")
def list_campaigns(
    session: SessionDep,
    principal: PrincipalDep,
    account_id: FilterId = None,
    status: CampaignStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[CampaignOut]:
    """List campaigns (newest last), optionally of one account or status (`ended` includes
    active and paused campaigns whose ends_at has passed)."""
    rows, next_cursor = service.list_campaigns(
        session, principal, account_id=account_id, status=status, cursor=cursor, limit=limit
    )
    return Page(items=[CampaignOut.of(c) for c in rows], next_cursor=next_cursor)


@router.get("/campaigns/{campaign_id}", summary="Show one campaign.", responses=NOT_FOUND)
def get_campaign(campaign_id: PathId, session: SessionDep, principal: PrincipalDep) -> CampaignOut:
    """Show one campaign."""
    return CampaignOut.of(service.get_campaign(session, principal, campaign_id))


@router.patch(
    "/campaigns/{campaign_id}",
    summary="Change a campaign's name, budgets, schedule, dayparting or pacing.",
    responses=NOT_FOUND,
)
def update_campaign(
    campaign_id: PathId, body: CampaignUpdate, session: SessionDep, principal: PrincipalDep
) -> CampaignOut:
    """Change the fields sent; null clears an optional one (at least one budget must stay)."""
    return CampaignOut.of(service.update_campaign(session, principal, campaign_id, body))


@router.post(
    "/campaigns/{campaign_id}/status",
    summary="Move a campaign to another status (draft, active, paused, ended, archived).",
    responses={**NOT_FOUND, 409: {"description": "The transition is not allowed."}},
)
def change_campaign_status(
    campaign_id: PathId, body: StatusChange, session: SessionDep, principal: PrincipalDep
) -> CampaignOut:
    """Allowed: draft→active|archived, active→paused|ended, paused→active|ended|archived,
    ended→archived. A campaign whose ends_at has passed reads `ended`: archive it, end it
    for good, or PATCH ends_at later to run it again."""
    return CampaignOut.of(
        service.change_campaign_status(session, principal, campaign_id, body.status)
    )


# --- ad groups -----------------------------------------------------------------------------


def _ad_group_out(session: SessionDep, ad_group: AdGroup) -> AdGroupOut:
    return AdGroupOut.of(ad_group, service.product_ids_of(session, [ad_group])[ad_group.id])


@router.post(
    "/ad-groups",
    status_code=201,
    summary="Create an ad group (sponsored listing, banner or in-store screen) in a campaign.",
)
def create_ad_group(
    body: AdGroupCreate, session: SessionDep, principal: PrincipalDep
) -> AdGroupOut:
    """Create an ad group; products must be active and of the advertiser's brands, and the bid
    must clear every placement's (and category's) minimum."""
    return _ad_group_out(session, service.create_ad_group(session, principal, body))


@router.get("/ad-groups", summary="List the ad groups the caller may see.")
def list_ad_groups(
    session: SessionDep,
    principal: PrincipalDep,
    campaign_id: FilterId = None,
    status: AdGroupStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[AdGroupOut]:
    """List ad groups, optionally of one campaign or status."""
    rows, next_cursor = service.list_ad_groups(
        session, principal, campaign_id=campaign_id, status=status, cursor=cursor, limit=limit
    )
    products = service.product_ids_of(session, rows)
    return Page(items=[AdGroupOut.of(g, products[g.id]) for g in rows], next_cursor=next_cursor)


@router.get("/ad-groups/{ad_group_id}", summary="Show one ad group.", responses=NOT_FOUND)
def get_ad_group(ad_group_id: PathId, session: SessionDep, principal: PrincipalDep) -> AdGroupOut:
    """Show one ad group with its products and targeting."""
    return _ad_group_out(session, service.get_ad_group(session, principal, ad_group_id))


@router.patch(
    "/ad-groups/{ad_group_id}",
    summary="Change an ad group's bid, products, targeting, multipliers or caps.",
    responses=NOT_FOUND,
)
def update_ad_group(
    ad_group_id: PathId, body: AdGroupUpdate, session: SessionDep, principal: PrincipalDep
) -> AdGroupOut:
    """Change the fields sent; a list sent replaces the stored one."""
    return _ad_group_out(session, service.update_ad_group(session, principal, ad_group_id, body))


@router.post(
    "/ad-groups/{ad_group_id}/status",
    summary="Pause, resume or archive an ad group.",
    responses={**NOT_FOUND, 409: {"description": "The transition is not allowed."}},
)
def change_ad_group_status(
    ad_group_id: PathId, body: StatusChange, session: SessionDep, principal: PrincipalDep
) -> AdGroupOut:
    """Allowed: active↔paused, either→archived."""
    return _ad_group_out(
        session, service.change_ad_group_status(session, principal, ad_group_id, body.status)
    )


# --- creatives -----------------------------------------------------------------------------


@router.post(
    "/creatives",
    status_code=201,
    summary="Add a banner or screen creative to an ad group (it waits for review).",
)
def create_creative(
    body: CreativeCreate, session: SessionDep, principal: PrincipalDep
) -> CreativeOut:
    """Add a creative: https asset and landing URLs, a size one of the placements shows."""
    return CreativeOut.model_validate(creatives.create_creative(session, principal, body))


@router.get("/creatives", summary="List creatives (network admins: the review queue).")
def list_creatives(
    session: SessionDep,
    principal: PrincipalDep,
    ad_group_id: FilterId = None,
    status: CreativeStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[CreativeOut]:
    """List creatives the caller may see, optionally of one ad group or status."""
    rows, next_cursor = creatives.list_creatives(
        session, principal, ad_group_id=ad_group_id, status=status, cursor=cursor, limit=limit
    )
    return Page(items=[CreativeOut.model_validate(c) for c in rows], next_cursor=next_cursor)


@router.get("/creatives/{creative_id}", summary="Show one creative.", responses=NOT_FOUND)
def get_creative(creative_id: PathId, session: SessionDep, principal: PrincipalDep) -> CreativeOut:
    """Show one creative and its review state."""
    return CreativeOut.model_validate(creatives.get_creative(session, principal, creative_id))


@router.patch(
    "/creatives/{creative_id}",
    summary="Change a creative; a content change sends it back to review.",
    responses=NOT_FOUND,
)
def update_creative(
    creative_id: PathId, body: CreativeUpdate, session: SessionDep, principal: PrincipalDep
) -> CreativeOut:
    """Change the fields sent; a new asset, size or landing URL makes it pending again."""
    return CreativeOut.model_validate(
        creatives.update_creative(session, principal, creative_id, body)
    )


@router.post(
    "/creatives/{creative_id}/approve",
    summary="Approve a creative so it may serve (network admins).",
    responses=NOT_FOUND,
)
def approve_creative(
    creative_id: PathId, session: SessionDep, principal: PrincipalDep
) -> CreativeOut:
    """Approve a pending or rejected creative."""
    return CreativeOut.model_validate(creatives.approve_creative(session, principal, creative_id))


@router.post(
    "/creatives/{creative_id}/reject",
    summary="Reject a creative with a reason (network admins).",
    responses=NOT_FOUND,
)
def reject_creative(
    creative_id: PathId, body: CreativeRejection, session: SessionDep, principal: PrincipalDep
) -> CreativeOut:
    """Reject a pending or approved creative; the advertiser sees the reason."""
    return CreativeOut.model_validate(
        creatives.reject_creative(session, principal, creative_id, body.reason)
    )


# --- audience segments ---------------------------------------------------------------------


def _segment_out(session: SessionDep, segment: AudienceSegment) -> SegmentOut:
    count = segments.member_counts(session, [segment])
    return SegmentOut(
        id=segment.id,
        code=segment.code,
        name=segment.name,
        member_count=count.get(segment.id, 0),
        created_at=segment.created_at,
    )


@router.post(
    "/audience-segments",
    status_code=201,
    summary="Define an audience segment (network admins).",
)
def create_segment(body: SegmentCreate, session: SessionDep, principal: PrincipalDep) -> SegmentOut:
    """Define a segment ad groups can target by id; import its members from CSV."""
    return _segment_out(session, segments.create_segment(session, principal, body))


@router.get("/audience-segments", summary="List the network's audience segments.")
def list_segments(
    session: SessionDep, principal: PrincipalDep, cursor: Cursor = None, limit: Limit = 50
) -> Page[SegmentOut]:
    """List segments with their member counts (every account may target them)."""
    rows, next_cursor = segments.list_segments(session, principal, cursor=cursor, limit=limit)
    counts = segments.member_counts(session, rows)
    return Page(
        items=[
            SegmentOut(
                id=s.id,
                code=s.code,
                name=s.name,
                member_count=counts.get(s.id, 0),
                created_at=s.created_at,
            )
            for s in rows
        ],
        next_cursor=next_cursor,
    )


@router.get(
    "/audience-segments/{segment_id}", summary="Show one audience segment.", responses=NOT_FOUND
)
def get_segment(segment_id: PathId, session: SessionDep, principal: PrincipalDep) -> SegmentOut:
    """Show one segment and how many shoppers it holds."""
    return _segment_out(session, segments.get_segment(session, principal, segment_id))


@router.patch(
    "/audience-segments/{segment_id}",
    summary="Rename an audience segment (network admins).",
    responses=NOT_FOUND,
)
def rename_segment(
    segment_id: PathId, body: SegmentUpdate, session: SessionDep, principal: PrincipalDep
) -> SegmentOut:
    """Rename a segment (its code and id stay)."""
    return _segment_out(session, segments.rename_segment(session, principal, segment_id, body.name))


async def _csv_body(request: Request) -> bytes:
    """The raw request body (the edge middleware caps its size)."""
    return await request.body()


@router.post(
    "/audience-segments/import",
    summary="Import segment memberships from CSV (network admins).",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}, "example": "segment,user_id\n"}},
        }
    },
)
def import_segment_members(
    session: SessionDep,
    principal: PrincipalDep,
    data: Annotated[bytes, Depends(_csv_body)],
) -> SegmentImportReport:
    """Send `text/csv` with the header `segment,user_id` (segment code, opaque user id); user
    ids are stored as SHA-256 only. Valid rows are stored; each bad row is reported with its
    line, field and reason."""
    return segments.import_members(session, principal, data)

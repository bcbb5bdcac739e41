"""HTTP API of the exchange inventory: screens, screen groups, deals and the venue taxonomy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from jarnama.core.pagination import Page
from jarnama.deps import PrincipalDep, SessionDep
from jarnama.exchange import player, service
from jarnama.exchange.player_schemas import PlayerTokenCreate, PlayerTokenOut
from jarnama.exchange.schemas import (
    DealCreate,
    DealOut,
    ScreenCreate,
    ScreenGroupCreate,
    ScreenGroupOut,
    ScreenGroupUpdate,
    ScreenImport,
    ScreenImportReport,
    ScreenOut,
    ScreenUpdate,
    VenueTypeOut,
)
from jarnama.exchange.venues import taxonomy


def refuse_creators(principal: PrincipalDep) -> None:
    """Answer 403 to creators on every route of this router (before any lookup)."""
    service.ensure_not_creator(principal)


router = APIRouter(prefix="/exchange", tags=["exchange"], dependencies=[Depends(refuse_creators)])

Cursor = Annotated[str | None, Query(description="The `next_cursor` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
ID_MAX = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]
FilterId = Annotated[int | None, Query(ge=1, le=ID_MAX)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such object, or another tenant's."}
}


@router.get("/venue-types", summary="List the OpenOOH 1.1 venue types screens are tagged with.")
def list_venue_types(principal: PrincipalDep) -> list[VenueTypeOut]:
    """Every OpenOOH 1.1 venue type (numeric id, dotted code, name, parent)."""
    return [
        VenueTypeOut(id=v.id, code=v.code, name=v.name, parent_id=v.parent_id) for v in taxonomy()
    ]


# --- screens -------------------------------------------------------------------------------


@router.post("/screens", status_code=201, summary="Register a screen for a media owner.")
def create_screen(body: ScreenCreate, session: SessionDep, principal: PrincipalDep) -> ScreenOut:
    """Register a screen; a network admin names the media owner's account_id."""
    return ScreenOut.of(service.create_screen(session, principal, body))


@router.get("/screens", summary="List the screens the caller may see.")
def list_screens(
    session: SessionDep,
    principal: PrincipalDep,
    account_id: FilterId = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    active: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ScreenOut]:
    """List screens (oldest first), optionally of one account, city or state."""
    rows, next_cursor = service.list_screens(
        session,
        principal,
        account_id=account_id,
        city=city,
        active=active,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[ScreenOut.of(screen) for screen in rows], next_cursor=next_cursor)


@router.post(
    "/screens/import",
    summary="Create or update many screens by code, with an error per refused row.",
)
def import_screens(
    body: ScreenImport, session: SessionDep, principal: PrincipalDep
) -> ScreenImportReport:
    """Check every row; write all of them, or none when any row is refused (or on dry_run)."""
    return service.import_screens(session, principal, body)


@router.get("/screens/{screen_id}", summary="Show one screen.", responses=NOT_FOUND)
def get_screen(screen_id: PathId, session: SessionDep, principal: PrincipalDep) -> ScreenOut:
    """Show one screen."""
    return ScreenOut.of(service.get_screen(session, principal, screen_id))


@router.patch("/screens/{screen_id}", summary="Change a screen.", responses=NOT_FOUND)
def update_screen(
    screen_id: PathId, body: ScreenUpdate, session: SessionDep, principal: PrincipalDep
) -> ScreenOut:
    """Change the fields sent (active=false takes the screen off sale)."""
    return ScreenOut.of(service.update_screen(session, principal, screen_id, body))


@router.post(
    "/screens/{screen_id}/player-tokens",
    status_code=201,
    summary="Issue a player token for one screen (shown once).",
    responses=NOT_FOUND,
)
def create_player_token(
    screen_id: PathId, session: SessionDep, principal: PrincipalDep, body: PlayerTokenCreate
) -> PlayerTokenOut:
    """Issue a credential the screen's player uses for the player API of this screen only."""
    return player.issue_player_token(session, principal, screen_id, body)


# --- groups --------------------------------------------------------------------------------


@router.post("/screen-groups", status_code=201, summary="Create a group of screens.")
def create_group(
    body: ScreenGroupCreate, session: SessionDep, principal: PrincipalDep
) -> ScreenGroupOut:
    """Create a named group of the media owner's screens."""
    return service.create_group(session, principal, body)


@router.get("/screen-groups", summary="List the screen groups the caller may see.")
def list_groups(
    session: SessionDep,
    principal: PrincipalDep,
    account_id: FilterId = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ScreenGroupOut]:
    """List screen groups with their members."""
    rows, next_cursor = service.list_groups(
        session, principal, account_id=account_id, cursor=cursor, limit=limit
    )
    return Page(items=rows, next_cursor=next_cursor)


@router.get("/screen-groups/{group_id}", summary="Show one screen group.", responses=NOT_FOUND)
def get_group(group_id: PathId, session: SessionDep, principal: PrincipalDep) -> ScreenGroupOut:
    """Show one screen group and its members."""
    return service.get_group(session, principal, group_id)


@router.patch(
    "/screen-groups/{group_id}",
    summary="Rename a screen group or replace its members.",
    responses=NOT_FOUND,
)
def update_group(
    group_id: PathId, body: ScreenGroupUpdate, session: SessionDep, principal: PrincipalDep
) -> ScreenGroupOut:
    """Rename a group and/or replace its member list."""
    return service.update_group(session, principal, group_id, body)


# --- deals ---------------------------------------------------------------------------------


@router.post("/deals", status_code=201, summary="Create a PMP deal on screens or groups.")
def create_deal(body: DealCreate, session: SessionDep, principal: PrincipalDep) -> DealOut:
    """Create a private-auction, preferred or guaranteed deal."""
    return DealOut.of(service.create_deal(session, principal, body))


@router.get("/deals", summary="List the deals the caller may see.")
def list_deals(
    session: SessionDep,
    principal: PrincipalDep,
    account_id: FilterId = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DealOut]:
    """List deals (oldest first)."""
    rows, next_cursor = service.list_deals(
        session, principal, account_id=account_id, cursor=cursor, limit=limit
    )
    return Page(items=[DealOut.of(deal) for deal in rows], next_cursor=next_cursor)


@router.get("/deals/{deal_id}", summary="Show one deal.", responses=NOT_FOUND)
def get_deal(deal_id: PathId, session: SessionDep, principal: PrincipalDep) -> DealOut:
    """Show one deal."""
    return DealOut.of(service.get_deal(session, principal, deal_id))

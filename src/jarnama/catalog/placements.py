"""Placements the retailer sells and their minimum bids, per placement and per category.

Written by network admins only, readable by every authenticated caller; every write is
audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jarnama.catalog import repository
from jarnama.catalog.models import Category, CategoryMinBid, Channel, Placement, PlacementKind
from jarnama.catalog.service import apply_changes, ensure_catalog_writer, ensure_reader
from jarnama.core.errors import Conflict, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

SIZED_KINDS = frozenset({PlacementKind.HOME_BANNER, PlacementKind.IN_STORE_SCREEN})


# --- placements -------------------------------------------------------------------------------


def _check_placement_shape(placement: Placement) -> None:
    """Banners and screens have a size; in-store screens and only they are in the store."""
    if placement.kind in SIZED_KINDS:
        if placement.width is None:
            raise InvalidInput(f"a {placement.kind.value} needs a width", field="width")
        if placement.height is None:
            raise InvalidInput(f"a {placement.kind.value} needs a height", field="height")
    is_screen = placement.kind is PlacementKind.IN_STORE_SCREEN
    if is_screen != (placement.channel is Channel.IN_STORE):
        raise InvalidInput(
            "in-store screens, and only they, are in the in_store channel", field="channel"
        )


def create_placement(
    session: Session,
    principal: Principal,
    *,
    code: str,
    name: str,
    kind: PlacementKind,
    channel: Channel | None = None,
    slots: int = 1,
    width: int | None = None,
    height: int | None = None,
    min_bid_tiyn: int = 0,
    active: bool = True,
) -> Placement:
    """Create a placement (search, category, home banner, product page, in-store screen)."""
    ensure_catalog_writer(principal)
    if channel is None:
        channel = Channel.IN_STORE if kind is PlacementKind.IN_STORE_SCREEN else Channel.WEB
    placement = Placement(
        code=code,
        name=name,
        kind=kind,
        channel=channel,
        slots=slots,
        width=width,
        height=height,
        min_bid_tiyn=min_bid_tiyn,
        active=active,
    )
    _check_placement_shape(placement)
    if repository.placement_by_code(session, code) is not None:
        raise Conflict(f"a placement with code {code!r} exists already", field="code")
    session.add(placement)
    session.flush()
    audit.record(
        session, principal, "create", "placement", placement.id, account_id=None,
        after=audit.snapshot(placement),
    )  # fmt: skip
    return placement


def get_placement(session: Session, principal: Principal, placement_id: int) -> Placement:
    """One placement (readable by every caller)."""
    ensure_reader(principal)
    placement = repository.placement_by_id(session, placement_id)
    if placement is None:
        raise NotFound("placement not found")
    return placement


def list_placements(
    session: Session,
    principal: Principal,
    *,
    kind: PlacementKind | None = None,
    channel: Channel | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Placement], str | None]:
    """Placements by id, optionally of one kind or channel."""
    ensure_reader(principal)
    stmt = repository.placements_query(kind=kind, channel=channel)
    return paginate(session, stmt, Placement.id, cursor=cursor, limit=limit)


def update_placement(
    session: Session, principal: Principal, placement_id: int, changes: dict[str, Any]
) -> Placement:
    """Change a placement's name, slots, size, minimum bid or active flag."""
    ensure_catalog_writer(principal)
    placement = get_placement(session, principal, placement_id)
    before = audit.snapshot(placement)
    applied = apply_changes(placement, changes)
    _check_placement_shape(placement)
    if applied:
        session.flush()
        audit.record(
            session, principal, "update", "placement", placement.id, account_id=None,
            before=before, after=audit.snapshot(placement),
        )  # fmt: skip
    return placement


def _placement_and_category(
    session: Session, principal: Principal, placement_id: int, category_id: int
) -> tuple[Placement, Category]:
    placement = get_placement(session, principal, placement_id)
    category = repository.category_by_id(session, category_id)
    if category is None:
        raise NotFound("category not found")
    return placement, category


def set_category_min_bid(
    session: Session, principal: Principal, placement_id: int, category_id: int, min_bid_tiyn: int
) -> CategoryMinBid:
    """Set the minimum bid of a placement in one category (and the categories below it)."""
    ensure_catalog_writer(principal)
    placement, category = _placement_and_category(session, principal, placement_id, category_id)
    entry = repository.category_min_bid(session, placement.id, category.id)
    before = audit.snapshot(entry)
    if entry is None:
        entry = CategoryMinBid(
            placement_id=placement.id, category_id=category.id, min_bid_tiyn=min_bid_tiyn
        )
        session.add(entry)
    elif entry.min_bid_tiyn == min_bid_tiyn:
        return entry
    else:
        entry.min_bid_tiyn = min_bid_tiyn
    session.flush()
    audit.record(
        session, principal, "update" if before else "create", "category_min_bid",
        f"{placement.id}:{category.id}", account_id=None, before=before,
        after=audit.snapshot(entry),
    )  # fmt: skip
    return entry


def get_category_min_bid(
    session: Session, principal: Principal, placement_id: int, category_id: int
) -> CategoryMinBid:
    """The minimum bid set for a placement in one category (404 when none is set)."""
    placement, category = _placement_and_category(session, principal, placement_id, category_id)
    entry = repository.category_min_bid(session, placement.id, category.id)
    if entry is None:
        raise NotFound("no minimum bid is set for this category")
    return entry


def list_category_min_bids(
    session: Session, principal: Principal, placement_id: int
) -> list[CategoryMinBid]:
    """Every per-category minimum bid of a placement."""
    placement = get_placement(session, principal, placement_id)
    return repository.category_min_bids(session, placement.id)


def delete_category_min_bid(
    session: Session, principal: Principal, placement_id: int, category_id: int
) -> None:
    """Remove a per-category minimum bid (the placement's own applies again)."""
    ensure_catalog_writer(principal)
    entry = get_category_min_bid(session, principal, placement_id, category_id)
    before = audit.snapshot(entry)
    repository.delete_category_min_bid(session, entry.placement_id, entry.category_id)
    session.expunge(entry)
    audit.record(
        session, principal, "delete", "category_min_bid",
        f"{entry.placement_id}:{entry.category_id}", account_id=None, before=before,
    )  # fmt: skip


def effective_min_bid(session: Session, placement: Placement, category_path: str | None) -> int:
    """The minimum bid in tiyn for a placement in a category: the nearest category's, else its own.

    A bid set on `dairy` applies to `dairy/milk` unless `dairy/milk` has its own.
    """
    if not category_path:
        return placement.min_bid_tiyn
    codes = category_path.split("/")
    paths = ["/".join(codes[:depth]) for depth in range(len(codes), 0, -1)]
    found = repository.min_bids_on_paths(session, placement.id, paths)
    for path in paths:
        if path in found:
            return found[path]
    return placement.min_bid_tiyn

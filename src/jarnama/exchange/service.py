"""Inventory operations: screens, screen groups and deals of media-owner accounts.

Services flush; the request edge commits. Every write records an audit entry. A media owner
sees and changes only its own screens; another tenant's screen answers 404.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.exchange import repository
from jarnama.exchange.changes import note_change
from jarnama.exchange.models import (
    AudienceSource,
    Deal,
    DealKind,
    Orientation,
    Screen,
    ScreenGroup,
)
from jarnama.exchange.schemas import (
    WEEKDAYS,
    DaypartFloor,
    DealCreate,
    OpenWindow,
    RowError,
    ScreenCreate,
    ScreenFields,
    ScreenGroupCreate,
    ScreenGroupOut,
    ScreenGroupUpdate,
    ScreenImport,
    ScreenImportReport,
    ScreenUpdate,
    Weekday,
)
from jarnama.exchange.venues import taxonomy
from jarnama.tenancy import audit
from jarnama.tenancy.models import AccountKind, Role
from jarnama.tenancy.principal import Principal


def ensure_not_creator(principal: Principal) -> None:
    """Raise 403 for creators: screens and deals are media owners' business."""
    if principal.role is Role.CREATOR:
        raise Forbidden("creator accounts have no access to the exchange")


def _visible(principal: Principal) -> frozenset[int] | None:
    principal.ensure_can_read()
    return principal.visible_account_ids()


def _media_owner(session: Session, principal: Principal, requested: int | None) -> int:
    """The media-owner account a new object belongs to (403/404/400 otherwise)."""
    principal.ensure_can_write()
    account_id = principal.owning_account(requested)
    account = repository.account_by_id(session, account_id)
    if account is None:
        raise NotFound("account not found", field="account_id")
    if account.kind is not AccountKind.MEDIA_OWNER:
        raise InvalidInput("screens and deals belong to media-owner accounts", field="account_id")
    return account_id


# --- checks and conversions ----------------------------------------------------------------


def _minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _hours_to_store(hours: Mapping[Weekday, Sequence[OpenWindow]]) -> dict[str, list[list[int]]]:
    """Operating hours as stored: {"mon": [[420, 1380]]}, days in week order, windows sorted."""
    stored: dict[str, list[list[int]]] = {}
    for day in WEEKDAYS:
        windows = sorted(
            ((_minute(w.open), _minute(w.close)) for w in hours.get(day, ())), key=lambda w: w[0]
        )
        previous_end = -1
        for index, (start, end) in enumerate(windows):
            field = f"operating_hours.{day.value}.{index}"
            if end <= start:
                raise InvalidInput("close must be after open", field=f"{field}.close")
            if start < previous_end:
                raise InvalidInput("windows of one day must not overlap", field=field)
            previous_end = end
        if windows:
            stored[day.value] = [[start, end] for start, end in windows]
    return stored


def _daypart_to_store(rules: Sequence[DaypartFloor]) -> list[dict[str, Any]]:
    stored = []
    for index, rule in enumerate(rules):
        start, end = _minute(rule.start), _minute(rule.end)
        if end <= start:
            raise InvalidInput("end must be after start", field=f"daypart_floors.{index}.end")
        days = [day.value for day in WEEKDAYS if day in rule.days]
        stored.append(
            {"days": days, "from_minute": start, "to_minute": end, "floor_cpm": str(rule.floor_cpm)}
        )
    return stored


def _dedup_lower(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(value.strip().lower() for value in values))


def _columns(fields: ScreenFields | ScreenUpdate) -> dict[str, Any]:
    """Column values for the fields that were sent (an update sends some)."""
    sent = fields.model_fields_set if isinstance(fields, ScreenUpdate) else None
    out: dict[str, Any] = {}
    for name in type(fields).model_fields:
        # The orientation is checked against the pixel size and then derived from it.
        if name in ("account_id", "orientation") or (sent is not None and name not in sent):
            continue
        value = getattr(fields, name)
        if value is None and sent is not None:
            raise InvalidInput(f"{name} cannot be cleared", field=name)
        if name == "operating_hours":
            out[name] = _hours_to_store(value)
        elif name == "daypart_floors":
            out[name] = _daypart_to_store(value)
        elif name == "audience":
            out["audience_multiplier"] = value.multiplier
            out["audience_source"] = int(value.source_type)
            out["audience_vendor"] = value.vendor
        elif name in ("blocked_categories", "blocked_domains"):
            out[name] = (
                _dedup_lower(value) if name == "blocked_domains" else list(dict.fromkeys(value))
            )
        elif name == "floor_currency":
            out[name] = value.value
        elif name == "name" or name == "city":
            out[name] = value.strip()
        else:
            out[name] = value
    return out


def _check_screen(screen: Screen, orientation: Orientation | None) -> None:
    """Rules across fields (taxonomy, orientation, loop and slot, audience vendor).

    `orientation` is the one asked for (None: derived from the pixel size and set).
    """
    unknown = taxonomy().unknown(screen.venue_type_ids)
    if unknown:
        raise InvalidInput(
            f"unknown OpenOOH 1.1 venue type ids: {unknown} (see GET /api/v1/exchange/venue-types)",
            field="venue_type_ids",
        )
    if len(set(screen.venue_type_ids)) != len(screen.venue_type_ids):
        raise InvalidInput("venue type ids repeat", field="venue_type_ids")
    natural = Orientation.PORTRAIT if screen.height_px > screen.width_px else Orientation.LANDSCAPE
    if orientation is not None and orientation is not natural:
        raise InvalidInput(
            f"{screen.width_px}x{screen.height_px} px is {natural.value}, not {orientation.value}",
            field="orientation",
        )
    screen.orientation = natural
    if screen.slot_seconds > screen.loop_seconds:
        raise InvalidInput("a slot cannot be longer than the loop", field="slot_seconds")
    if screen.audience_source == AudienceSource.MEASUREMENT_VENDOR and not screen.audience_vendor:
        raise InvalidInput(
            "a measurement-vendor audience names its vendor", field="audience.vendor"
        )


# --- screens -------------------------------------------------------------------------------


def get_screen(session: Session, principal: Principal, screen_id: int) -> Screen:
    """A screen the caller may see (404 otherwise, also for other tenants' screens)."""
    principal.ensure_can_read()
    screen = repository.screen_by_id(session, screen_id)
    if screen is None:
        raise NotFound("screen not found")
    principal.ensure_access(screen.account_id, "screen")
    return screen


def list_screens(
    session: Session,
    principal: Principal,
    *,
    account_id: int | None,
    city: str | None,
    active: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Screen], str | None]:
    """One page of the screens the caller may see."""
    stmt = repository.screens(_visible(principal), account_id=account_id, city=city, active=active)
    return paginate(session, stmt, Screen.id, cursor=cursor, limit=limit)


def _new_screen(account_id: int, fields: ScreenFields) -> Screen:
    screen = Screen(account_id=account_id, active=True, **_columns(fields))
    _check_screen(screen, fields.orientation)
    return screen


def create_screen(session: Session, principal: Principal, body: ScreenCreate) -> Screen:
    """Register a screen for a media owner the caller acts for."""
    account_id = _media_owner(session, principal, body.account_id)
    if repository.screens_by_code(session, account_id, [body.code]):
        raise Conflict(f"a screen with code {body.code!r} exists", field="code")
    screen = _new_screen(account_id, body)
    session.add(screen)
    session.flush()
    note_change(session)  # the serving snapshot reloads at once
    audit.record(
        session,
        principal,
        "create",
        "exchange_screen",
        screen.id,
        account_id=account_id,
        after=audit.snapshot(screen),
    )
    return screen


def update_screen(
    session: Session, principal: Principal, screen_id: int, body: ScreenUpdate
) -> Screen:
    """Change the fields sent; the result must still pass every cross-field rule."""
    screen = get_screen(session, principal, screen_id)
    principal.ensure_can_write()
    before = audit.snapshot(screen)
    for name, value in _columns(body).items():
        setattr(screen, name, value)
    _check_screen(screen, body.orientation)
    session.flush()
    note_change(session)  # the serving snapshot reloads at once
    audit.record(
        session,
        principal,
        "update",
        "exchange_screen",
        screen.id,
        account_id=screen.account_id,
        before=before,
        after=audit.snapshot(screen),
    )
    return screen


def _error_field(loc: Sequence[int | str]) -> str | None:
    return ".".join(str(part) for part in loc) or None


def import_screens(
    session: Session, principal: Principal, body: ScreenImport
) -> ScreenImportReport:
    """Create or update many screens by code: every row is checked; any refusal writes nothing."""
    account_id = _media_owner(session, principal, body.account_id)
    errors: list[RowError] = []
    parsed: list[tuple[int, ScreenFields]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(body.rows, start=1):
        try:
            fields = ScreenFields.model_validate(row)
        except ValidationError as exc:
            errors.extend(
                RowError(row=number, field=_error_field(err["loc"]), detail=err["msg"])
                for err in exc.errors()
            )
            continue
        if fields.code in seen:
            errors.append(
                RowError(
                    row=number, field="code", detail=f"repeats the code of row {seen[fields.code]}"
                )
            )
            continue
        seen[fields.code] = number
        parsed.append((number, fields))
    existing = repository.screens_by_code(session, account_id, [f.code for _, f in parsed])
    changes: list[tuple[Screen, dict[str, Any] | None]] = []
    for number, fields in parsed:
        try:
            current = existing.get(fields.code)
            if current is None:
                changes.append((_new_screen(account_id, fields), None))
                continue
            # Check a detached copy first, so a refused row leaves the stored screen untouched.
            candidate = Screen(**{**_plain(current), **_columns(fields)})
            _check_screen(candidate, fields.orientation)
            changes.append((current, {**_columns(fields), "orientation": candidate.orientation}))
        except InvalidInput as exc:
            errors.append(RowError(row=number, field=exc.field, detail=exc.message))
    created = sum(1 for _, update in changes if update is None)
    report = ScreenImportReport(
        applied=not errors and not body.dry_run,
        created=created,
        updated=len(changes) - created,
        errors=sorted(errors, key=lambda e: e.row),
    )
    if not report.applied:
        return report
    for screen, update in changes:
        if update is None:
            session.add(screen)
            continue
        before = audit.snapshot(screen)
        for name, value in update.items():
            setattr(screen, name, value)
        session.flush()
        audit.record(
            session,
            principal,
            "update",
            "exchange_screen",
            screen.id,
            account_id=account_id,
            before=before,
            after=audit.snapshot(screen),
            note="import",
        )
    session.flush()
    note_change(session)  # the serving snapshot reloads at once
    for screen, update in changes:
        if update is None:
            audit.record(
                session,
                principal,
                "create",
                "exchange_screen",
                screen.id,
                account_id=account_id,
                after=audit.snapshot(screen),
                note="import",
            )
    return report


def _plain(screen: Screen) -> dict[str, Any]:
    """The column values of a screen (to build a detached copy)."""
    return {
        attr: getattr(screen, attr)
        for attr in Screen.__table__.columns.keys()
        if attr not in ("id", "created_at", "updated_at")
    }


# --- groups --------------------------------------------------------------------------------


def _group_out(group: ScreenGroup, screen_ids: list[int]) -> ScreenGroupOut:
    return ScreenGroupOut(
        id=group.id,
        account_id=group.account_id,
        name=group.name,
        screen_ids=screen_ids,
        created_at=group.created_at,
    )


def own_screens(session: Session, account_id: int, screen_ids: Sequence[int]) -> list[int]:
    """The ids, deduplicated and sorted, if every one is a screen of the account (else 404)."""
    unique = sorted(set(screen_ids))
    owners = repository.screen_owners(session, unique)
    foreign = [sid for sid in unique if owners.get(sid) != account_id]
    if foreign:
        raise NotFound(f"screens not found: {foreign[:20]}", field="screen_ids")
    return unique


def _group(session: Session, principal: Principal, group_id: int) -> ScreenGroup:
    principal.ensure_can_read()
    group = repository.group_by_id(session, group_id)
    if group is None:
        raise NotFound("screen group not found")
    principal.ensure_access(group.account_id, "screen group")
    return group


def get_group(session: Session, principal: Principal, group_id: int) -> ScreenGroupOut:
    """A screen group the caller may see, with its members."""
    group = _group(session, principal, group_id)
    return _group_out(group, repository.group_members(session, [group.id])[group.id])


def list_groups(
    session: Session,
    principal: Principal,
    *,
    account_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[ScreenGroupOut], str | None]:
    """One page of the screen groups the caller may see, with their members."""
    stmt = repository.groups(_visible(principal), account_id=account_id)
    rows: list[ScreenGroup]
    rows, next_cursor = paginate(session, stmt, ScreenGroup.id, cursor=cursor, limit=limit)
    members = repository.group_members(session, [group.id for group in rows])
    return [_group_out(group, members[group.id]) for group in rows], next_cursor


def create_group(session: Session, principal: Principal, body: ScreenGroupCreate) -> ScreenGroupOut:
    """Create a named group of the caller's screens."""
    account_id = _media_owner(session, principal, body.account_id)
    name = body.name.strip()
    if repository.group_by_name(session, account_id, name) is not None:
        raise Conflict(f"a screen group named {name!r} exists", field="name")
    screen_ids = own_screens(session, account_id, body.screen_ids)
    group = ScreenGroup(account_id=account_id, name=name)
    session.add(group)
    session.flush()
    repository.set_group_members(session, group.id, screen_ids)
    out = _group_out(group, screen_ids)
    note_change(session)  # the serving snapshot reloads at once
    audit.record(
        session,
        principal,
        "create",
        "exchange_screen_group",
        group.id,
        account_id=account_id,
        after=out.model_dump(mode="json"),
    )
    return out


def update_group(
    session: Session, principal: Principal, group_id: int, body: ScreenGroupUpdate
) -> ScreenGroupOut:
    """Rename a group and/or replace its members."""
    group = _group(session, principal, group_id)
    principal.ensure_can_write()
    before = _group_out(group, repository.group_members(session, [group.id])[group.id])
    screen_ids = before.screen_ids
    if body.name is not None and body.name.strip() != group.name:
        name = body.name.strip()
        if repository.group_by_name(session, group.account_id, name) is not None:
            raise Conflict(f"a screen group named {name!r} exists", field="name")
        group.name = name
    if body.screen_ids is not None:
        screen_ids = own_screens(session, group.account_id, body.screen_ids)
        repository.set_group_members(session, group.id, screen_ids)
    session.flush()
    out = _group_out(group, screen_ids)
    note_change(session)  # the serving snapshot reloads at once
    audit.record(
        session,
        principal,
        "update",
        "exchange_screen_group",
        group.id,
        account_id=group.account_id,
        before=before.model_dump(mode="json"),
        after=out.model_dump(mode="json"),
    )
    return out


# --- deals ---------------------------------------------------------------------------------


def get_deal(session: Session, principal: Principal, deal_id: int) -> Deal:
    """A deal the caller may see."""
    principal.ensure_can_read()
    deal = repository.deal_by_id(session, deal_id)
    if deal is None:
        raise NotFound("deal not found")
    principal.ensure_access(deal.account_id, "deal")
    return deal


def list_deals(
    session: Session,
    principal: Principal,
    *,
    account_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Deal], str | None]:
    """One page of the deals the caller may see."""
    stmt = repository.deals(_visible(principal), account_id=account_id)
    return paginate(session, stmt, Deal.id, cursor=cursor, limit=limit)


def create_deal(session: Session, principal: Principal, body: DealCreate) -> Deal:
    """Create a PMP deal on the caller's screens and groups."""
    account_id = _media_owner(session, principal, body.account_id)
    if repository.deal_by_code(session, body.code) is not None:
        raise Conflict(f"a deal with id {body.code!r} exists", field="code")
    if not body.screen_ids and not body.group_ids:
        raise InvalidInput("a deal names screens, groups or both", field="screen_ids")
    if body.kind is not DealKind.PRIVATE_AUCTION and body.floor_cpm <= 0:
        raise InvalidInput("a preferred or guaranteed deal has a positive price", field="floor_cpm")
    screen_ids = own_screens(session, account_id, body.screen_ids)
    group_ids = sorted(set(body.group_ids))
    owners = repository.group_owners(session, group_ids)
    foreign = [gid for gid in group_ids if owners.get(gid) != account_id]
    if foreign:
        raise NotFound(f"screen groups not found: {foreign[:20]}", field="group_ids")
    deal = Deal(
        account_id=account_id,
        code=body.code,
        name=body.name.strip(),
        kind=body.kind,
        floor_cpm=body.floor_cpm,
        currency=body.currency.value,
        bidders=list(dict.fromkeys(body.bidders)),
        seats=list(dict.fromkeys(body.seats)),
        screen_ids=screen_ids,
        group_ids=group_ids,
        private=body.private,
        active=True,
    )
    session.add(deal)
    session.flush()
    note_change(session)  # the serving snapshot reloads at once
    audit.record(
        session,
        principal,
        "create",
        "exchange_deal",
        deal.id,
        account_id=account_id,
        after=audit.snapshot(deal),
    )
    return deal

"""Dynamic creative: direct-sold and house campaigns whose variant is chosen by context rules.

A variant's rules are all optional and must all hold: dayparts (weekdays and local minute
windows in Asia/Almaty), days of the week, a temperature range (°C, inclusive), kinds of
precipitation, a traffic range (0-10, inclusive). A rule on a signal that is unknown for the
play (no weather yet, a stale traffic index) does not hold. Variants are tried by priority
(lowest first, then id); the first whose rules hold plays, else the campaign's default
variant. Evaluation is pure and deterministic: the same time and signals give the same variant.

The serving side reads an immutable `DcoBook` compiled from the database (no ORM).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import ALMATY, as_utc
from jarnama.exchange import changes, repository
from jarnama.exchange import service as exchange_service
from jarnama.exchange.ops_models import DcoCampaign, DcoKind, DcoVariant
from jarnama.exchange.ops_schemas import (
    DcoCampaignCreate,
    DcoCampaignOut,
    DcoCampaignUpdate,
    DcoVariantIn,
    DcoVariantOut,
    VariantRules,
)
from jarnama.exchange.signals import Precipitation, Signals
from jarnama.tenancy import audit
from jarnama.tenancy.models import AccountKind
from jarnama.tenancy.principal import Principal

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Window:
    """Some weekdays between two local minutes of the day (end exclusive)."""

    days: frozenset[int]
    start: int
    end: int

    def covers(self, weekday: int, minute: int) -> bool:
        """True at this local weekday and minute."""
        return weekday in self.days and self.start <= minute < self.end


@dataclass(frozen=True, slots=True)
class Rules:
    """A variant's compiled rules (None or empty: no rule on that)."""

    dayparts: tuple[Window, ...] = ()
    days: frozenset[int] | None = None
    temperature_min: Decimal | None = None
    temperature_max: Decimal | None = None
    precipitation: frozenset[Precipitation] | None = None
    traffic_min: int | None = None
    traffic_max: int | None = None

    def hold(self, context: PlayContext) -> bool:
        """True when every rule holds for the play."""
        if self.dayparts and not any(
            w.covers(context.weekday, context.minute) for w in self.dayparts
        ):
            return False
        if self.days is not None and context.weekday not in self.days:
            return False
        signals = context.signals
        if self.temperature_min is not None or self.temperature_max is not None:
            t = signals.temperature_c
            if t is None:
                return False
            if self.temperature_min is not None and t < self.temperature_min:
                return False
            if self.temperature_max is not None and t > self.temperature_max:
                return False
        if self.precipitation is not None and signals.precipitation not in self.precipitation:
            return False
        if self.traffic_min is not None or self.traffic_max is not None:
            level = signals.traffic_level
            if level is None:
                return False
            if self.traffic_min is not None and level < self.traffic_min:
                return False
            if self.traffic_max is not None and level > self.traffic_max:
                return False
        return True


@dataclass(frozen=True, slots=True)
class PlayContext:
    """When a play happens (local weekday and minute) and what surrounds it."""

    weekday: int
    minute: int
    signals: Signals

    @classmethod
    def of(cls, at: dt.datetime, signals: Signals) -> PlayContext:
        """The context of a play at an instant (converted to Almaty time)."""
        local = as_utc(at).astimezone(ALMATY)
        return cls(local.weekday(), local.hour * 60 + local.minute, signals)


@dataclass(frozen=True, slots=True)
class Variant:
    """One creative of a campaign and its rules, as the serving side sees it."""

    id: int
    name: str
    creative_url: str
    mime: str
    duration_seconds: int
    priority: int
    is_default: bool
    rules: Rules


@dataclass(frozen=True, slots=True)
class Choice:
    """What plays: a campaign's variant."""

    campaign_id: int
    kind: DcoKind
    variant: Variant


def _minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def compile_rules(raw: Mapping[str, Any]) -> Rules:
    """Rules as stored (the `VariantRules` JSON) into their compiled form."""
    rules = VariantRules.model_validate(raw)
    return Rules(
        dayparts=tuple(
            Window(
                days=frozenset(WEEKDAY_CODES.index(d.value) for d in part.days),
                start=_minute(part.start),
                end=_minute(part.end),
            )
            for part in rules.dayparts
        ),
        days=None
        if rules.days is None
        else frozenset(WEEKDAY_CODES.index(d.value) for d in rules.days),
        temperature_min=rules.temperature_min,
        temperature_max=rules.temperature_max,
        precipitation=None if rules.precipitation is None else frozenset(rules.precipitation),
        traffic_min=rules.traffic_min,
        traffic_max=rules.traffic_max,
    )


def choose_variant(variants: Sequence[Variant], context: PlayContext) -> Variant | None:
    """The first variant by (priority, id) whose rules hold, else the default one (or None)."""
    ordered = sorted(variants, key=lambda v: (v.priority, v.id))
    for variant in ordered:
        if not variant.is_default and variant.rules.hold(context):
            return variant
    return next((v for v in ordered if v.is_default), None)


@dataclass(frozen=True)
class CampaignSnapshot:
    """A live campaign: where and when it runs, and its variants."""

    id: int
    kind: DcoKind
    screen_ids: frozenset[int]
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    variants: tuple[Variant, ...]

    def runs_at(self, at: dt.datetime) -> bool:
        """True within the campaign's flight."""
        at = as_utc(at)
        if self.starts_at is not None and at < self.starts_at:
            return False
        return self.ends_at is None or at < self.ends_at


@dataclass(frozen=True)
class DcoBook:
    """Every active campaign by screen: direct-sold first, then house, each by id."""

    by_screen: Mapping[int, tuple[CampaignSnapshot, ...]] = field(default_factory=dict)

    def choose(self, screen_id: int, at: dt.datetime, signals: Signals) -> Choice | None:
        """What a direct-sold or house campaign plays on this screen at `at` (None: nothing)."""
        context = PlayContext.of(at, signals)
        for campaign in self.by_screen.get(screen_id, ()):
            if not campaign.runs_at(at):
                continue
            variant = choose_variant(campaign.variants, context)
            if variant is not None:
                return Choice(campaign.id, campaign.kind, variant)
        return None


def _variant(row: DcoVariant) -> Variant:
    return Variant(
        id=row.id,
        name=row.name,
        creative_url=row.creative_url,
        mime=row.mime,
        duration_seconds=row.duration_seconds,
        priority=row.priority,
        is_default=row.is_default,
        rules=compile_rules(row.rules),
    )


def compile_book(session: Session) -> DcoBook:
    """Build the serving book from the database's active campaigns."""
    campaigns = list(
        session.scalars(
            select(DcoCampaign).where(DcoCampaign.active.is_(True)).order_by(DcoCampaign.id)
        )
    )
    variants = _variants_of(session, [c.id for c in campaigns])
    members = repository.all_group_members(session)
    by_screen: dict[int, list[CampaignSnapshot]] = {}
    for campaign in campaigns:
        screens = set(campaign.screen_ids)
        for group_id in campaign.group_ids:
            screens.update(members.get(group_id, ()))
        snap = CampaignSnapshot(
            id=campaign.id,
            kind=campaign.kind,
            screen_ids=frozenset(screens),
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            variants=tuple(_variant(v) for v in variants.get(campaign.id, ())),
        )
        for screen_id in screens:
            by_screen.setdefault(screen_id, []).append(snap)
    order = {DcoKind.DIRECT: 0, DcoKind.HOUSE: 1}
    return DcoBook(
        {sid: tuple(sorted(c, key=lambda s: (order[s.kind], s.id))) for sid, c in by_screen.items()}
    )


def _variants_of(session: Session, campaign_ids: Sequence[int]) -> dict[int, list[DcoVariant]]:
    found: dict[int, list[DcoVariant]] = {cid: [] for cid in campaign_ids}
    if not campaign_ids:
        return found
    stmt = (
        select(DcoVariant)
        .where(DcoVariant.campaign_id.in_(campaign_ids))
        .order_by(DcoVariant.priority, DcoVariant.id)
    )
    for variant in session.scalars(stmt):
        found[variant.campaign_id].append(variant)
    return found


# --- campaigns (API) -----------------------------------------------------------------------


def _out(campaign: DcoCampaign, variants: Iterable[DcoVariant]) -> DcoCampaignOut:
    return DcoCampaignOut(
        id=campaign.id,
        account_id=campaign.account_id,
        name=campaign.name,
        kind=campaign.kind,
        screen_ids=list(campaign.screen_ids),
        group_ids=list(campaign.group_ids),
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        active=campaign.active,
        variants=[
            DcoVariantOut(
                id=v.id,
                name=v.name,
                creative_url=v.creative_url,
                mime=v.mime,
                duration_seconds=v.duration_seconds,
                priority=v.priority,
                is_default=v.is_default,
                rules=VariantRules.model_validate(v.rules),
            )
            for v in variants
        ],
        created_at=campaign.created_at,
    )


def _check_variants(variants: Sequence[DcoVariantIn]) -> None:
    defaults = [i for i, v in enumerate(variants) if v.is_default]
    if len(defaults) != 1:
        raise InvalidInput("exactly one variant is the default", field="variants")
    names = [v.name.strip() for v in variants]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise InvalidInput(f"variant name {name!r} repeats", field=f"variants.{index}.name")


def _set_variants(
    session: Session, campaign: DcoCampaign, variants: Sequence[DcoVariantIn]
) -> None:
    for old in _variants_of(session, [campaign.id])[campaign.id]:
        session.delete(old)
    session.flush()
    for index, body in enumerate(variants):
        session.add(
            DcoVariant(
                campaign_id=campaign.id,
                name=body.name.strip(),
                creative_url=str(body.creative_url),
                mime=body.mime,
                duration_seconds=body.duration_seconds,
                priority=body.priority if body.priority is not None else index,
                is_default=body.is_default,
                rules=body.rules.model_dump(mode="json", exclude_none=True),
            )
        )
    session.flush()


def _own_targets(
    session: Session, account_id: int, screen_ids: Sequence[int], group_ids: Sequence[int]
) -> tuple[list[int], list[int]]:
    screens = exchange_service.own_screens(session, account_id, screen_ids)
    groups = sorted(set(group_ids))
    group_owners = repository.group_owners(session, groups)
    foreign = [gid for gid in groups if group_owners.get(gid) != account_id]
    if foreign:
        raise NotFound(f"screen groups not found: {foreign[:20]}", field="group_ids")
    if not screens and not groups:
        raise InvalidInput("a campaign names screens, groups or both", field="screen_ids")
    return screens, groups


def create_campaign(
    session: Session, principal: Principal, body: DcoCampaignCreate
) -> DcoCampaignOut:
    """Create a direct-sold or house campaign with its variants on the owner's screens."""
    principal.ensure_can_write()
    account_id = principal.owning_account(body.account_id)
    account = repository.account_by_id(session, account_id)
    if account is None:
        raise NotFound("account not found", field="account_id")
    if account.kind is not AccountKind.MEDIA_OWNER:
        raise InvalidInput("DCO campaigns belong to media-owner accounts", field="account_id")
    _check_variants(body.variants)
    if body.starts_at and body.ends_at and body.ends_at <= body.starts_at:
        raise InvalidInput("ends_at must be after starts_at", field="ends_at")
    screens, groups = _own_targets(session, account_id, body.screen_ids, body.group_ids)
    campaign = DcoCampaign(
        account_id=account_id,
        name=body.name.strip(),
        kind=body.kind,
        screen_ids=screens,
        group_ids=groups,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        active=True,
    )
    session.add(campaign)
    session.flush()
    _set_variants(session, campaign, body.variants)
    changes.note_change(session)
    out = _out(campaign, _variants_of(session, [campaign.id])[campaign.id])
    audit.record(
        session,
        principal,
        "create",
        "exchange_dco_campaign",
        campaign.id,
        account_id=account_id,
        after=out.model_dump(mode="json"),
    )
    return out


def _campaign(session: Session, principal: Principal, campaign_id: int) -> DcoCampaign:
    principal.ensure_can_read()
    campaign = session.get(DcoCampaign, campaign_id)
    if campaign is None:
        raise NotFound("DCO campaign not found")
    principal.ensure_access(campaign.account_id, "DCO campaign")
    return campaign


def get_campaign(session: Session, principal: Principal, campaign_id: int) -> DcoCampaignOut:
    """A campaign of the caller's, with its variants."""
    campaign = _campaign(session, principal, campaign_id)
    return _out(campaign, _variants_of(session, [campaign.id])[campaign.id])


def list_campaigns(
    session: Session,
    principal: Principal,
    *,
    account_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[DcoCampaignOut], str | None]:
    """One page of the caller's campaigns (oldest first)."""
    principal.ensure_can_read()
    stmt = select(DcoCampaign)
    visible = principal.visible_account_ids()
    if visible is not None:
        stmt = stmt.where(DcoCampaign.account_id.in_(visible))
    if account_id is not None:
        stmt = stmt.where(DcoCampaign.account_id == account_id)
    rows: list[DcoCampaign]
    rows, next_cursor = paginate(session, stmt, DcoCampaign.id, cursor=cursor, limit=limit)
    variants = _variants_of(session, [c.id for c in rows])
    return [_out(c, variants[c.id]) for c in rows], next_cursor


def update_campaign(
    session: Session, principal: Principal, campaign_id: int, body: DcoCampaignUpdate
) -> DcoCampaignOut:
    """Rename, pause/resume, retarget or replace the variants of a campaign."""
    campaign = _campaign(session, principal, campaign_id)
    principal.ensure_can_write()
    before = get_campaign(session, principal, campaign_id)
    if body.name is not None:
        campaign.name = body.name.strip()
    if body.active is not None:
        campaign.active = body.active
    if body.screen_ids is not None or body.group_ids is not None:
        screens, groups = _own_targets(
            session,
            campaign.account_id,
            body.screen_ids if body.screen_ids is not None else campaign.screen_ids,
            body.group_ids if body.group_ids is not None else campaign.group_ids,
        )
        campaign.screen_ids, campaign.group_ids = screens, groups
    if body.variants is not None:
        _check_variants(body.variants)
        _set_variants(session, campaign, body.variants)
    session.flush()
    changes.note_change(session)
    out = _out(campaign, _variants_of(session, [campaign.id])[campaign.id])
    audit.record(
        session,
        principal,
        "update",
        "exchange_dco_campaign",
        campaign.id,
        account_id=campaign.account_id,
        before=before.model_dump(mode="json"),
        after=out.model_dump(mode="json"),
    )
    return out


def preview(
    session: Session, principal: Principal, campaign_id: int, at: dt.datetime, signals: Signals
) -> Variant | None:
    """The variant a campaign would play at `at` with these signals (flight dates ignored)."""
    campaign = _campaign(session, principal, campaign_id)
    variants = [_variant(v) for v in _variants_of(session, [campaign.id])[campaign.id]]
    return choose_variant(variants, PlayContext.of(at, signals))

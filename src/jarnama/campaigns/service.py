"""Campaign and ad group operations: create, change, move through statuses, list.

Services flush; the request edge commits. Every write records an audit entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from jarnama.campaigns import repository, targeting
from jarnama.campaigns.access import ensure_can_read, visible_accounts
from jarnama.campaigns.models import (
    AdGroup,
    AdGroupKind,
    AdGroupStatus,
    Campaign,
    CampaignStatus,
)
from jarnama.campaigns.schemas import (
    AdGroupCreate,
    AdGroupUpdate,
    CampaignCreate,
    CampaignUpdate,
    Dayparting,
    Weekday,
)
from jarnama.core.errors import Conflict, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import as_utc, utcnow
from jarnama.tenancy import audit
from jarnama.tenancy.models import AccountKind
from jarnama.tenancy.principal import Principal

CAMPAIGN_TRANSITIONS: Mapping[CampaignStatus, frozenset[CampaignStatus]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.ACTIVE, CampaignStatus.ARCHIVED}),
    CampaignStatus.ACTIVE: frozenset({CampaignStatus.PAUSED, CampaignStatus.ENDED}),
    CampaignStatus.PAUSED: frozenset(
        {CampaignStatus.ACTIVE, CampaignStatus.ENDED, CampaignStatus.ARCHIVED}
    ),
    CampaignStatus.ENDED: frozenset({CampaignStatus.ARCHIVED}),
    CampaignStatus.ARCHIVED: frozenset(),
}
AD_GROUP_TRANSITIONS: Mapping[AdGroupStatus, frozenset[AdGroupStatus]] = {
    AdGroupStatus.ACTIVE: frozenset({AdGroupStatus.PAUSED, AdGroupStatus.ARCHIVED}),
    AdGroupStatus.PAUSED: frozenset({AdGroupStatus.ACTIVE, AdGroupStatus.ARCHIVED}),
    AdGroupStatus.ARCHIVED: frozenset(),
}
# Ended (by hand) and archived campaigns are history: their settings no longer change. One
# that reads `ended` only because its ends_at passed still takes changes: moving ends_at
# later reopens it, as advertisers extend a flight they forgot to; ending it by hand
# (status `ended`) makes it final.
FROZEN_CAMPAIGN = frozenset({CampaignStatus.ENDED, CampaignStatus.ARCHIVED})
WEEKDAYS = list(Weekday)


# --- campaigns -----------------------------------------------------------------------------


def _dayparting_to_store(dayparting: Dayparting | None) -> dict[str, Any] | None:
    """Validated dayparting as stored: {"mon": [[8, 22]], ...}, days in week order."""
    if dayparting is None:
        return None
    stored: dict[str, Any] = {}
    for day in WEEKDAYS:
        if day not in dayparting:
            continue
        ranges = sorted(dayparting[day], key=lambda r: r.from_hour)
        previous_end = -1
        for index, hours in enumerate(ranges):
            field = f"dayparting.{day.value}.{index}"
            if hours.to_hour <= hours.from_hour:
                raise InvalidInput("to_hour must be after from_hour", field=f"{field}.to_hour")
            if hours.from_hour < previous_end:
                raise InvalidInput("hour ranges of one day must not overlap", field=field)
            previous_end = hours.to_hour
        stored[day.value] = [[hours.from_hour, hours.to_hour] for hours in ranges]
    if not any(stored.values()):
        raise InvalidInput(
            "dayparting lists no hour at all; send null to serve every hour", field="dayparting"
        )
    return stored


def _check_campaign(campaign: Campaign) -> None:
    """Budgets and schedule of a campaign make sense together."""
    daily, total = campaign.daily_budget_tiyn, campaign.total_budget_tiyn
    if daily is None and total is None:
        raise InvalidInput(
            "a campaign needs a daily budget, a total budget or both", field="daily_budget_tiyn"
        )
    if daily is not None and total is not None and daily > total:
        raise InvalidInput(
            f"the daily budget ({daily} tiyn) exceeds the total budget ({total} tiyn)",
            field="daily_budget_tiyn",
        )
    if campaign.ends_at is not None and campaign.ends_at <= campaign.starts_at:
        raise InvalidInput("ends_at must be after starts_at", field="ends_at")


def get_campaign(session: Session, principal: Principal, campaign_id: int) -> Campaign:
    """A campaign the caller may see (404 otherwise, also for other tenants' campaigns)."""
    ensure_can_read(principal)
    campaign = repository.campaign_by_id(session, campaign_id)
    if campaign is None:
        raise NotFound("campaign not found")
    principal.ensure_access(campaign.account_id, "campaign")
    return campaign


def list_campaigns(
    session: Session,
    principal: Principal,
    *,
    account_id: int | None,
    status: CampaignStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Campaign], str | None]:
    """One page of the campaigns the caller may see."""
    ensure_can_read(principal)
    stmt = repository.campaigns(
        visible_accounts(principal), now=utcnow(), account_id=account_id, status=status
    )
    return paginate(session, stmt, Campaign.id, cursor=cursor, limit=limit)


def create_campaign(session: Session, principal: Principal, body: CampaignCreate) -> Campaign:
    """Create a draft campaign for an advertiser the caller acts for."""
    principal.ensure_can_write()
    account_id = principal.owning_account(body.account_id)
    account = repository.account_by_id(session, account_id)
    if account is None:
        raise NotFound("account not found", field="account_id")
    if account.kind is not AccountKind.ADVERTISER:
        raise InvalidInput(
            "campaigns belong to advertiser accounts; an agency names its client's account_id",
            field="account_id",
        )
    campaign = Campaign(
        account_id=account_id,
        name=body.name.strip(),
        daily_budget_tiyn=body.daily_budget_tiyn,
        total_budget_tiyn=body.total_budget_tiyn,
        starts_at=as_utc(body.starts_at),
        ends_at=None if body.ends_at is None else as_utc(body.ends_at),
        dayparting=_dayparting_to_store(body.dayparting),
        status=CampaignStatus.DRAFT,
        pacing=body.pacing,
    )
    _check_campaign(campaign)
    session.add(campaign)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "campaign",
        campaign.id,
        account_id=account_id,
        after=audit.snapshot(campaign),
    )
    return campaign


def update_campaign(
    session: Session, principal: Principal, campaign_id: int, body: CampaignUpdate
) -> Campaign:
    """Change a campaign's name, budgets, schedule, dayparting or pacing."""
    principal.ensure_can_write()
    campaign = get_campaign(session, principal, campaign_id)
    if campaign.status in FROZEN_CAMPAIGN:
        raise Conflict(f"an {campaign.status.value} campaign can no longer be changed")
    before = audit.snapshot(campaign)
    given = body.model_fields_set
    for field in ("name", "starts_at", "pacing"):
        if field in given and getattr(body, field) is None:
            raise InvalidInput(f"{field} cannot be null", field=field)
    if "name" in given and body.name is not None:
        campaign.name = body.name.strip()
    if "starts_at" in given and body.starts_at is not None:
        campaign.starts_at = as_utc(body.starts_at)
    if "pacing" in given and body.pacing is not None:
        campaign.pacing = body.pacing
    if "daily_budget_tiyn" in given:
        campaign.daily_budget_tiyn = body.daily_budget_tiyn
    if "total_budget_tiyn" in given:
        campaign.total_budget_tiyn = body.total_budget_tiyn
    if "ends_at" in given:
        campaign.ends_at = None if body.ends_at is None else as_utc(body.ends_at)
    if "dayparting" in given:
        campaign.dayparting = _dayparting_to_store(body.dayparting)
    _check_campaign(campaign)
    campaign.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        principal,
        "update",
        "campaign",
        campaign.id,
        account_id=campaign.account_id,
        before=before,
        after=audit.snapshot(campaign),
    )
    return campaign


def _parse_status(enum_cls: type[Any], value: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        known = ", ".join(member.value for member in enum_cls)
        raise InvalidInput(f"unknown status {value!r}; one of: {known}", field="status") from None


def change_campaign_status(
    session: Session, principal: Principal, campaign_id: int, status: str
) -> Campaign:
    """Move a campaign to another status along the allowed transitions.

    The transitions start from the status the API shows: a campaign whose ends_at has passed
    is `ended` and may be archived, or ended by hand (which makes it final).
    """
    principal.ensure_can_write()
    target: CampaignStatus = _parse_status(CampaignStatus, status)
    campaign = get_campaign(session, principal, campaign_id)
    now = utcnow()
    shown = campaign.status_at(now)
    allowed = CAMPAIGN_TRANSITIONS[shown]
    if campaign.ended_by_schedule(now):
        allowed = allowed | {CampaignStatus.ENDED}
    if target not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "none"
        message = (
            f"a campaign cannot move from {shown.value} to {target.value} "
            f"(from {shown.value}: {options})"
        )
        if campaign.ended_by_schedule(now):
            raise Conflict(
                f"{message}; its ends_at has passed: move ends_at later to run it again",
                field="ends_at",
            )
        raise Conflict(message, field="status")
    if target is CampaignStatus.ACTIVE and campaign.ends_at is not None:
        if campaign.ends_at <= now:
            raise Conflict("the campaign's ends_at has passed; move it first", field="ends_at")
    before = audit.snapshot(campaign)
    campaign.status = target
    campaign.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        principal,
        "status",
        "campaign",
        campaign.id,
        account_id=campaign.account_id,
        before=before,
        after=audit.snapshot(campaign),
    )
    return campaign


# --- ad groups -----------------------------------------------------------------------------

_LIST_FIELDS = (
    "keywords",
    "negative_keywords",
    "category_ids",
    "audience_segment_ids",
    "placement_codes",
    "cities",
    "store_ids",
    "channels",
)
_MIN_BID_INPUTS = frozenset(
    {"bid_tiyn", "product_ids", "category_ids", "placement_codes", "bid_multipliers"}
)


def _current_targeting(ad_group: AdGroup, product_ids: list[int]) -> dict[str, Any]:
    values: dict[str, Any] = {field: list(getattr(ad_group, field)) for field in _LIST_FIELDS}
    values.update(
        product_ids=product_ids,
        auto_targeting=ad_group.auto_targeting,
        bid_multipliers={code: Decimal(v) for code, v in ad_group.bid_multipliers.items()},
        frequency_cap_day=ad_group.frequency_cap_day,
        frequency_cap_week=ad_group.frequency_cap_week,
        bid_tiyn=ad_group.bid_tiyn,
    )
    return values


def _resolve_targeting(
    session: Session,
    *,
    kind: AdGroupKind,
    account_id: int,
    current: dict[str, Any],
    changes: dict[str, Any],
) -> dict[str, Any]:
    """Merge `changes` into `current` and check everything that changed against the catalog."""
    for field in (*_LIST_FIELDS, "product_ids"):
        if field in changes and changes[field] is None:
            changes[field] = []
    if "bid_multipliers" in changes and changes["bid_multipliers"] is None:
        changes["bid_multipliers"] = {}
    if "auto_targeting" in changes and changes["auto_targeting"] is None:
        changes["auto_targeting"] = False
    values = {**current, **changes}

    if "product_ids" in changes:
        values["product_ids"] = targeting.check_products(session, account_id, values["product_ids"])
    if kind is AdGroupKind.SPONSORED_LISTING and not values["product_ids"]:
        raise InvalidInput(
            "a sponsored listing ad group promotes at least one product", field="product_ids"
        )
    for field in ("keywords", "negative_keywords"):
        if field in changes:
            values[field] = targeting.normalise_keywords(values[field], field)
    if {"keywords", "negative_keywords"} & changes.keys():
        targeting.check_negatives(values["keywords"], values["negative_keywords"])
    if "category_ids" in changes:
        existing = set(repository.category_paths(session, values["category_ids"]))
        values["category_ids"] = targeting.check_ids_exist(
            values["category_ids"], existing, "category_ids", "category"
        )
    if "audience_segment_ids" in changes:
        existing = repository.existing_segment_ids(session, values["audience_segment_ids"])
        values["audience_segment_ids"] = targeting.check_ids_exist(
            values["audience_segment_ids"], existing, "audience_segment_ids", "audience segment"
        )
    if "store_ids" in changes:
        existing = repository.existing_store_ids(session, values["store_ids"])
        values["store_ids"] = targeting.check_ids_exist(
            values["store_ids"], existing, "store_ids", "store"
        )
    if "cities" in changes:
        values["cities"] = targeting.check_cities(
            values["cities"], repository.store_cities(session)
        )
    if "channels" in changes:
        values["channels"] = targeting.check_channels(kind, values["channels"])

    day, week = values["frequency_cap_day"], values["frequency_cap_week"]
    if day is not None and week is not None and week < day:
        raise InvalidInput(
            f"the weekly cap ({week}) is below the daily cap ({day})", field="frequency_cap_week"
        )

    plan = targeting.check_placements(
        session, kind, values["placement_codes"], values["bid_multipliers"]
    )
    values["placement_codes"] = plan.codes
    if _MIN_BID_INPUTS & changes.keys():
        targeting.check_min_bids(
            session,
            bid_tiyn=values["bid_tiyn"],
            plan=plan,
            product_ids=values["product_ids"],
            category_ids=values["category_ids"],
        )
    return values


def _store_targeting(ad_group: AdGroup, values: dict[str, Any]) -> None:
    for field in _LIST_FIELDS:
        setattr(ad_group, field, values[field])
    ad_group.auto_targeting = values["auto_targeting"]
    ad_group.bid_tiyn = values["bid_tiyn"]
    ad_group.bid_multipliers = {
        code: f"{Decimal(multiplier).normalize():f}"
        for code, multiplier in sorted(values["bid_multipliers"].items())
    }
    ad_group.frequency_cap_day = values["frequency_cap_day"]
    ad_group.frequency_cap_week = values["frequency_cap_week"]


def _writable_campaign(session: Session, principal: Principal, campaign_id: int) -> Campaign:
    campaign = repository.campaign_by_id(session, campaign_id)
    if campaign is None or not principal.can_access(campaign.account_id):
        raise NotFound("campaign not found", field="campaign_id")
    if campaign.status in FROZEN_CAMPAIGN:
        raise Conflict(f"an {campaign.status.value} campaign takes no ad group changes")
    return campaign


def get_ad_group(session: Session, principal: Principal, ad_group_id: int) -> AdGroup:
    """An ad group the caller may see (404 otherwise, also for other tenants' ad groups)."""
    ensure_can_read(principal)
    ad_group = repository.ad_group_by_id(session, ad_group_id)
    if ad_group is None:
        raise NotFound("ad group not found")
    principal.ensure_access(ad_group.account_id, "ad group")
    return ad_group


def product_ids_of(session: Session, ad_groups: list[AdGroup]) -> dict[int, list[int]]:
    """The promoted products of each ad group."""
    return repository.product_ids_of(session, [ad_group.id for ad_group in ad_groups])


def list_ad_groups(
    session: Session,
    principal: Principal,
    *,
    campaign_id: int | None,
    status: AdGroupStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[AdGroup], str | None]:
    """One page of the ad groups the caller may see."""
    ensure_can_read(principal)
    stmt = repository.ad_groups(visible_accounts(principal), campaign_id=campaign_id, status=status)
    return paginate(session, stmt, AdGroup.id, cursor=cursor, limit=limit)


def _ad_group_audit(ad_group: AdGroup, product_ids: list[int]) -> dict[str, Any] | None:
    state = audit.snapshot(ad_group)
    if state is not None:
        state["product_ids"] = product_ids
    return state


def create_ad_group(session: Session, principal: Principal, body: AdGroupCreate) -> AdGroup:
    """Create an ad group in one of the caller's campaigns, checked against the catalog."""
    principal.ensure_can_write()
    campaign = _writable_campaign(session, principal, body.campaign_id)
    changes = body.model_dump(
        exclude={"campaign_id", "name", "kind"}, exclude_unset=False, mode="python"
    )
    defaults: dict[str, Any] = {
        **{field: [] for field in _LIST_FIELDS},
        "product_ids": [],
        "auto_targeting": False,
        "bid_multipliers": {},
        "frequency_cap_day": None,
        "frequency_cap_week": None,
        "bid_tiyn": body.bid_tiyn,
    }
    values = _resolve_targeting(
        session, kind=body.kind, account_id=campaign.account_id, current=defaults, changes=changes
    )
    ad_group = AdGroup(
        campaign_id=campaign.id,
        account_id=campaign.account_id,
        name=body.name.strip(),
        kind=body.kind,
        status=AdGroupStatus.ACTIVE,
    )
    _store_targeting(ad_group, values)
    session.add(ad_group)
    session.flush()
    repository.replace_products(session, ad_group.id, values["product_ids"])
    audit.record(
        session,
        principal,
        "create",
        "ad_group",
        ad_group.id,
        account_id=ad_group.account_id,
        after=_ad_group_audit(ad_group, values["product_ids"]),
    )
    return ad_group


def update_ad_group(
    session: Session, principal: Principal, ad_group_id: int, body: AdGroupUpdate
) -> AdGroup:
    """Change an ad group's bid, products or targeting (kind and campaign stay)."""
    principal.ensure_can_write()
    ad_group = get_ad_group(session, principal, ad_group_id)
    _writable_campaign(session, principal, ad_group.campaign_id)
    if ad_group.status is AdGroupStatus.ARCHIVED:
        raise Conflict("an archived ad group can no longer be changed")
    product_ids = repository.product_ids_of(session, [ad_group.id])[ad_group.id]
    before = _ad_group_audit(ad_group, product_ids)
    changes = body.model_dump(exclude_unset=True, exclude={"name"}, mode="python")
    if "bid_tiyn" in changes and changes["bid_tiyn"] is None:
        raise InvalidInput("bid_tiyn cannot be null", field="bid_tiyn")
    if "name" in body.model_fields_set:
        if body.name is None:
            raise InvalidInput("name cannot be null", field="name")
        ad_group.name = body.name.strip()
    values = _resolve_targeting(
        session,
        kind=ad_group.kind,
        account_id=ad_group.account_id,
        current=_current_targeting(ad_group, product_ids),
        changes=changes,
    )
    _store_targeting(ad_group, values)
    if values["product_ids"] != product_ids:
        repository.replace_products(session, ad_group.id, values["product_ids"])
    # Set explicitly: a product-only change touches no ad group column, and the serving
    # snapshot watches updated_at to know when to rebuild.
    ad_group.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        principal,
        "update",
        "ad_group",
        ad_group.id,
        account_id=ad_group.account_id,
        before=before,
        after=_ad_group_audit(ad_group, values["product_ids"]),
    )
    return ad_group


def change_ad_group_status(
    session: Session, principal: Principal, ad_group_id: int, status: str
) -> AdGroup:
    """Pause, resume or archive an ad group."""
    principal.ensure_can_write()
    target: AdGroupStatus = _parse_status(AdGroupStatus, status)
    ad_group = get_ad_group(session, principal, ad_group_id)
    _writable_campaign(session, principal, ad_group.campaign_id)
    allowed = AD_GROUP_TRANSITIONS[ad_group.status]
    if target not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "none"
        raise Conflict(
            f"an ad group cannot move from {ad_group.status.value} to {target.value} "
            f"(from {ad_group.status.value}: {options})",
            field="status",
        )
    before = audit.snapshot(ad_group)
    ad_group.status = target
    ad_group.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        principal,
        "status",
        "ad_group",
        ad_group.id,
        account_id=ad_group.account_id,
        before=before,
        after=audit.snapshot(ad_group),
    )
    return ad_group

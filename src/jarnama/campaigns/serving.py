"""What the auction snapshot needs from the campaigns domain, as plain frozen Python values.

Field names follow `jarnama.decisioning.snapshot` (CampaignSpec, AdGroupSpec, Targeting,
CreativeSpec, DaypartWindow) so compiling into the engine's types is a field-by-field copy.
Enum fields hold the same string values the engine's enums use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from jarnama.campaigns import repository
from jarnama.campaigns.models import AdGroup, AdGroupKind, Campaign, PacingMode
from jarnama.campaigns.schemas import Weekday
from jarnama.core.time import utcnow

WEEKDAY_INDEX = {day.value: index for index, day in enumerate(Weekday)}


@dataclass(frozen=True, slots=True)
class ServingDaypart:
    """Hours [start_hour, end_hour) on one weekday (0 = Monday) in Almaty time."""

    weekday: int
    start_hour: int
    end_hour: int


@dataclass(frozen=True, slots=True)
class ServingCampaign:
    """An active campaign: owner, budgets in tiyn, UTC schedule, dayparts (empty: always)."""

    id: int
    advertiser_id: int
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    daily_budget_tiyn: int | None
    total_budget_tiyn: int | None
    pacing: PacingMode
    dayparts: tuple[ServingDaypart, ...]


@dataclass(frozen=True, slots=True)
class ServingKeyword:
    """A keyword as typed, with its match type (exact, phrase, broad)."""

    text: str
    match: str


@dataclass(frozen=True, slots=True)
class ServingTargeting:
    """Who and where an ad group serves; an empty set means "any"."""

    keywords: tuple[ServingKeyword, ...]
    negative_keywords: tuple[ServingKeyword, ...]
    category_ids: frozenset[int]
    automatic: bool
    segment_ids: frozenset[int]
    placement_codes: frozenset[str]
    cities: frozenset[str]
    store_ids: frozenset[int]
    channels: frozenset[str]


@dataclass(frozen=True, slots=True)
class ServingCreative:
    """An approved banner or screen creative."""

    id: int
    ad_group_id: int
    width: int
    height: int
    approved: bool
    asset_url: str
    landing_url: str | None


@dataclass(frozen=True, slots=True)
class ServingAdGroup:
    """An active ad group of an active campaign, with its products, targeting and caps."""

    id: int
    campaign_id: int
    advertiser_id: int
    kind: AdGroupKind
    bid_tiyn: int
    product_ids: tuple[int, ...]
    targeting: ServingTargeting
    bid_multipliers: Mapping[str, Decimal]
    frequency_cap_day: int | None
    frequency_cap_week: int | None
    active: bool
    creatives: tuple[ServingCreative, ...]


@dataclass(frozen=True, slots=True)
class ServingState:
    """Everything about campaigns the auction snapshot is compiled from."""

    built_at: dt.datetime
    fingerprint: tuple[Any, ...]
    campaigns: tuple[ServingCampaign, ...]
    ad_groups: tuple[ServingAdGroup, ...]
    creatives: tuple[ServingCreative, ...]
    # Segment id → SHA-256 hex of member opaque user ids, for segments active ad groups target.
    segment_members: Mapping[int, frozenset[str]]


def _dayparts(stored: Mapping[str, Any] | None) -> tuple[ServingDaypart, ...]:
    if stored is None:
        return ()
    windows = [
        ServingDaypart(WEEKDAY_INDEX[day], start, end)
        for day, ranges in stored.items()
        for start, end in ranges
    ]
    return tuple(sorted(windows, key=lambda w: (w.weekday, w.start_hour)))


def _campaign(campaign: Campaign) -> ServingCampaign:
    return ServingCampaign(
        id=campaign.id,
        advertiser_id=campaign.account_id,
        status=campaign.status.value,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        daily_budget_tiyn=campaign.daily_budget_tiyn,
        total_budget_tiyn=campaign.total_budget_tiyn,
        pacing=campaign.pacing,
        dayparts=_dayparts(campaign.dayparting),
    )


def _keywords(stored: list[dict[str, str]]) -> tuple[ServingKeyword, ...]:
    return tuple(ServingKeyword(text=k["text"], match=k["match"]) for k in stored)


def _ad_group(
    ad_group: AdGroup, product_ids: list[int], creatives: tuple[ServingCreative, ...]
) -> ServingAdGroup:
    return ServingAdGroup(
        id=ad_group.id,
        campaign_id=ad_group.campaign_id,
        advertiser_id=ad_group.account_id,
        kind=ad_group.kind,
        bid_tiyn=ad_group.bid_tiyn,
        product_ids=tuple(product_ids),
        targeting=ServingTargeting(
            keywords=_keywords(ad_group.keywords),
            negative_keywords=_keywords(ad_group.negative_keywords),
            category_ids=frozenset(ad_group.category_ids),
            automatic=ad_group.auto_targeting,
            segment_ids=frozenset(ad_group.audience_segment_ids),
            placement_codes=frozenset(ad_group.placement_codes),
            cities=frozenset(ad_group.cities),
            store_ids=frozenset(ad_group.store_ids),
            channels=frozenset(ad_group.channels),
        ),
        bid_multipliers={code: Decimal(v) for code, v in ad_group.bid_multipliers.items()},
        frequency_cap_day=ad_group.frequency_cap_day,
        frequency_cap_week=ad_group.frequency_cap_week,
        active=True,
        creatives=creatives,
    )


def serving_fingerprint(session: Session) -> tuple[Any, ...]:
    """A cheap value that changes whenever the serving state would (poll it to rebuild)."""
    return repository.serving_fingerprint(session)


def list_serving_state(session: Session, now: dt.datetime | None = None) -> ServingState:
    """Active, not-yet-ended campaigns with their active ad groups, products, targeting,
    approved creatives, caps and the members of targeted segments, in plain structures.

    Campaigns that start later are included (the engine checks the schedule per request), so
    a scheduled start needs no rebuild. Only products of brands the ad group's advertiser
    owns now are listed (a brand may have changed hands since). Product activity and stock
    are the catalog's: the compiler joins them.
    """
    now = now or utcnow()
    fingerprint = repository.serving_fingerprint(session)
    campaigns = repository.serving_campaigns(session, now)
    ad_groups = repository.serving_ad_groups(session, [c.id for c in campaigns])
    group_ids = [g.id for g in ad_groups]
    products = repository.owned_product_ids_of(session, group_ids)
    creatives = tuple(
        ServingCreative(
            id=c.id,
            ad_group_id=c.ad_group_id,
            width=c.width,
            height=c.height,
            approved=True,
            asset_url=c.asset_url,
            landing_url=c.landing_url,
        )
        for c in repository.approved_creatives(session, group_ids)
    )
    by_group: dict[int, list[ServingCreative]] = {}
    for creative in creatives:
        by_group.setdefault(creative.ad_group_id, []).append(creative)
    segment_ids = {s for g in ad_groups for s in g.audience_segment_ids}
    return ServingState(
        built_at=now,
        fingerprint=fingerprint,
        campaigns=tuple(_campaign(c) for c in campaigns),
        ad_groups=tuple(
            _ad_group(g, products[g.id], tuple(by_group.get(g.id, ()))) for g in ad_groups
        ),
        creatives=creatives,
        segment_members=repository.members_of(session, segment_ids),
    )

"""Tables of the campaigns domain: campaigns, ad groups, creatives and audience segments."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, BigId, JsonDoc, UTCDateTime, str_enum
from jarnama.core.time import utcnow


class CampaignStatus(enum.StrEnum):
    """Where a campaign is in its life; only `active` ones serve."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    ARCHIVED = "archived"


# Stored statuses that read as `ended` once the campaign's ends_at has passed (see
# `Campaign.status_at`); draft and archived campaigns keep theirs.
SCHEDULE_ENDS = frozenset({CampaignStatus.ACTIVE, CampaignStatus.PAUSED})


class PacingMode(enum.StrEnum):
    """How a campaign spends its daily budget over the Almaty day."""

    EVEN = "even"
    ASAP = "asap"


class AdGroupKind(enum.StrEnum):
    """What an ad group sells; it decides the pricing model and the placements it may use."""

    SPONSORED_LISTING = "sponsored_listing"
    BANNER = "banner"
    IN_STORE_SCREEN = "in_store_screen"


class PricingModel(enum.StrEnum):
    """What a bid pays for: a click (CPC) or a thousand impressions (CPM)."""

    CPC = "cpc"
    CPM = "cpm"


PRICING = {
    AdGroupKind.SPONSORED_LISTING: PricingModel.CPC,
    AdGroupKind.BANNER: PricingModel.CPM,
    AdGroupKind.IN_STORE_SCREEN: PricingModel.CPM,
}


class AdGroupStatus(enum.StrEnum):
    """An ad group serves only when `active` and its campaign is active."""

    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class MatchType(enum.StrEnum):
    """How a keyword matches a normalised search query."""

    EXACT = "exact"
    PHRASE = "phrase"
    BROAD = "broad"


class CreativeStatus(enum.StrEnum):
    """Review state of a creative; only `approved` ones serve."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Campaign(Base):
    """An advertiser's campaign: budgets, schedule, dayparting, status and pacing."""

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_account_status", "account_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200))
    daily_budget_tiyn: Mapped[int | None] = mapped_column(BigInteger)
    total_budget_tiyn: Mapped[int | None] = mapped_column(BigInteger)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # {"mon": [[8, 22]], ...}: hour ranges [start, end) in Almaty time; null = every hour.
    dayparting: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    status: Mapped[CampaignStatus] = mapped_column(
        str_enum(CampaignStatus), default=CampaignStatus.DRAFT
    )
    pacing: Mapped[PacingMode] = mapped_column(str_enum(PacingMode), default=PacingMode.EVEN)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def ended_by_schedule(self, now: dt.datetime) -> bool:
        """Whether the campaign is active or paused but its ends_at has passed by `now`."""
        return self.status in SCHEDULE_ENDS and self.ends_at is not None and self.ends_at <= now

    def status_at(self, now: dt.datetime) -> CampaignStatus:
        """The status the API shows at `now`: `ended` once the schedule is over.

        Computed on read, not written by a job: the end is a fact of ends_at (whose changes
        are audited), so the answer is exact at the instant the decision engine stops serving,
        and moving ends_at later reopens the campaign with the status it had.
        """
        return CampaignStatus.ENDED if self.ended_by_schedule(now) else self.status


class AdGroup(Base):
    """A bid and its targeting inside a campaign: sponsored listing, banner or in-store screen.

    `account_id` repeats the campaign's owner so every tenant filter is one indexed column.
    Targeting lists are JSON: they are validated on write and compiled into the in-memory
    auction snapshot, never queried by SQL on the hot path.
    """

    __tablename__ = "ad_groups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AdGroupKind] = mapped_column(str_enum(AdGroupKind))
    status: Mapped[AdGroupStatus] = mapped_column(
        str_enum(AdGroupStatus), default=AdGroupStatus.ACTIVE
    )
    bid_tiyn: Mapped[int] = mapped_column(BigInteger)
    # [{"text": "сүт", "match": "phrase"}, ...]
    keywords: Mapped[list[dict[str, str]]] = mapped_column(JsonDoc, default=list)
    negative_keywords: Mapped[list[dict[str, str]]] = mapped_column(JsonDoc, default=list)
    category_ids: Mapped[list[int]] = mapped_column(JsonDoc, default=list)
    auto_targeting: Mapped[bool] = mapped_column(default=False)
    audience_segment_ids: Mapped[list[int]] = mapped_column(JsonDoc, default=list)
    placement_codes: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    cities: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    store_ids: Mapped[list[int]] = mapped_column(JsonDoc, default=list)
    channels: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    # {"search-top": "1.25"}: Decimal multipliers kept as strings (exact in JSON).
    bid_multipliers: Mapped[dict[str, str]] = mapped_column(JsonDoc, default=dict)
    frequency_cap_day: Mapped[int | None] = mapped_column(Integer)
    frequency_cap_week: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AdGroupProduct(Base):
    """A catalog product an ad group promotes (one of the advertiser's brands)."""

    __tablename__ = "ad_group_products"

    ad_group_id: Mapped[int] = mapped_column(ForeignKey("ad_groups.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True, index=True)


class Creative(Base):
    """A banner or screen creative; it serves only once a network admin approved it."""

    __tablename__ = "creatives"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ad_group_id: Mapped[int] = mapped_column(ForeignKey("ad_groups.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    asset_url: Mapped[str] = mapped_column(String(2000))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    landing_url: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[CreativeStatus] = mapped_column(
        str_enum(CreativeStatus), default=CreativeStatus.PENDING, index=True
    )
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AudienceSegment(Base):
    """A network-defined audience (from loyalty data) that ad groups may target."""

    __tablename__ = "audience_segments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AudienceSegmentMember(Base):
    """A shopper in a segment, known only by the SHA-256 hex of their opaque user id."""

    __tablename__ = "audience_segment_members"

    segment_id: Mapped[int] = mapped_column(ForeignKey("audience_segments.id"), primary_key=True)
    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Request and response bodies of the campaigns API.

Shapes and ranges are checked here (a malformed body answers 422); rules that need the
database or several fields at once (budgets, ownership, minimum bids) are the service's (400).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jarnama.campaigns.models import (
    PRICING,
    AdGroup,
    AdGroupKind,
    AdGroupStatus,
    Campaign,
    CampaignStatus,
    CreativeStatus,
    MatchType,
    PacingMode,
    PricingModel,
)
from jarnama.catalog.models import Channel
from jarnama.core.time import utcnow

TIYN_MAX = 2**63 - 1
# Whole numbers only: 12.5 is refused; 100.0 is the integer 100 (as JSON Schema has it).
Tiyn = Annotated[int, Field(gt=0, le=TIYN_MAX, description="Amount in tiyn.")]
# At most 3 decimal places (the engine works in per-mille); checked by the service, as JSON
# Schema cannot say it for numbers.
Multiplier = Annotated[Decimal, Field(ge=Decimal("0.1"), le=Decimal(10))]
Id = Annotated[int, Field(gt=0, le=TIYN_MAX, description="An object id.")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Cap = Annotated[int, Field(ge=1, le=1000)]
MAX_TARGETS = 1000


class Weekday(enum.StrEnum):
    """A day of the week in Almaty (Monday is 0 in Python's `weekday()`)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class HourRange(BaseModel):
    """Hours [from_hour, to_hour) of one Almaty day, e.g. 8-22 serves from 08:00 to 21:59."""

    model_config = ConfigDict(extra="forbid")

    from_hour: int = Field(ge=0, le=23)
    to_hour: int = Field(ge=1, le=24)


Dayparting = dict[Weekday, list[HourRange]]


class CampaignCreate(BaseModel):
    """A new campaign (it starts as a draft)."""

    model_config = ConfigDict(extra="forbid")

    account_id: Id | None = Field(
        default=None, description="The advertiser; agencies and network admins must name it."
    )
    name: Name
    daily_budget_tiyn: Tiyn | None = None
    total_budget_tiyn: Tiyn | None = None
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None
    dayparting: Dayparting | None = Field(
        default=None,
        description="Hour ranges per weekday in Asia/Almaty time; null serves every hour.",
    )
    pacing: PacingMode = PacingMode.EVEN


class CampaignUpdate(BaseModel):
    """Changes to a campaign; only the fields sent are changed (null clears an optional one)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    daily_budget_tiyn: Tiyn | None = None
    total_budget_tiyn: Tiyn | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    dayparting: Dayparting | None = None
    pacing: PacingMode | None = None


class StatusChange(BaseModel):
    """The status to move to."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(min_length=1, max_length=32)


class CampaignOut(BaseModel):
    """A campaign as the API shows it."""

    id: int
    account_id: int
    name: str
    daily_budget_tiyn: int | None
    total_budget_tiyn: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    dayparting: Dayparting | None
    status: CampaignStatus = Field(
        description="`ended` also when an active or paused campaign's ends_at has passed."
    )
    pacing: PacingMode
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, campaign: Campaign, now: dt.datetime | None = None) -> CampaignOut:
        """The API view of a stored campaign at `now` (default: the current instant)."""
        dayparting = None
        if campaign.dayparting is not None:
            dayparting = {
                Weekday(day): [HourRange(from_hour=a, to_hour=b) for a, b in ranges]
                for day, ranges in campaign.dayparting.items()
            }
        return cls(
            id=campaign.id,
            account_id=campaign.account_id,
            name=campaign.name,
            daily_budget_tiyn=campaign.daily_budget_tiyn,
            total_budget_tiyn=campaign.total_budget_tiyn,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            dayparting=dayparting,
            status=campaign.status_at(utcnow() if now is None else now),
            pacing=campaign.pacing,
            created_at=campaign.created_at,
            updated_at=campaign.updated_at,
        )


class Keyword(BaseModel):
    """A keyword and how it matches the (normalised) search query."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=100)
    match: MatchType = MatchType.BROAD


class AdGroupTargeting(BaseModel):
    """Fields shared by creating and updating an ad group."""

    model_config = ConfigDict(extra="forbid")

    product_ids: list[Id] | None = Field(default=None, max_length=MAX_TARGETS)
    keywords: list[Keyword] | None = Field(default=None, max_length=MAX_TARGETS)
    negative_keywords: list[Keyword] | None = Field(default=None, max_length=MAX_TARGETS)
    category_ids: list[Id] | None = Field(default=None, max_length=MAX_TARGETS)
    auto_targeting: bool | None = Field(
        default=None, description="Also match by the promoted products' categories and brands."
    )
    audience_segment_ids: list[Id] | None = Field(default=None, max_length=MAX_TARGETS)
    placement_codes: list[str] | None = Field(
        default=None, max_length=100, description="Empty: every placement of the ad group's kind."
    )
    cities: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, max_length=MAX_TARGETS
    )
    store_ids: list[Id] | None = Field(default=None, max_length=MAX_TARGETS)
    channels: list[Channel] | None = None
    bid_multipliers: dict[str, Multiplier] | None = Field(
        default=None, description='Per placement code, 0.1 to 10 (e.g. "1.25").'
    )
    frequency_cap_day: Cap | None = None
    frequency_cap_week: Cap | None = None


class AdGroupCreate(AdGroupTargeting):
    """A new ad group in a campaign."""

    campaign_id: Id
    name: Name
    kind: AdGroupKind
    bid_tiyn: Tiyn


class AdGroupUpdate(AdGroupTargeting):
    """Changes to an ad group; only the fields sent are changed (kind and campaign are fixed)."""

    name: Name | None = None
    bid_tiyn: Tiyn | None = None


class AdGroupOut(BaseModel):
    """An ad group as the API shows it."""

    id: int
    campaign_id: int
    account_id: int
    name: str
    kind: AdGroupKind
    pricing_model: PricingModel
    status: AdGroupStatus
    bid_tiyn: int
    product_ids: list[int]
    keywords: list[Keyword]
    negative_keywords: list[Keyword]
    category_ids: list[int]
    auto_targeting: bool
    audience_segment_ids: list[int]
    placement_codes: list[str]
    cities: list[str]
    store_ids: list[int]
    channels: list[Channel]
    bid_multipliers: dict[str, Decimal]
    frequency_cap_day: int | None
    frequency_cap_week: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, ad_group: AdGroup, product_ids: list[int]) -> AdGroupOut:
        """The API view of a stored ad group and its promoted products."""
        return cls(
            id=ad_group.id,
            campaign_id=ad_group.campaign_id,
            account_id=ad_group.account_id,
            name=ad_group.name,
            kind=ad_group.kind,
            pricing_model=PRICING[ad_group.kind],
            status=ad_group.status,
            bid_tiyn=ad_group.bid_tiyn,
            product_ids=product_ids,
            keywords=[Keyword.model_validate(k) for k in ad_group.keywords],
            negative_keywords=[Keyword.model_validate(k) for k in ad_group.negative_keywords],
            category_ids=ad_group.category_ids,
            auto_targeting=ad_group.auto_targeting,
            audience_segment_ids=ad_group.audience_segment_ids,
            placement_codes=ad_group.placement_codes,
            cities=ad_group.cities,
            store_ids=ad_group.store_ids,
            channels=[Channel(channel) for channel in ad_group.channels],
            bid_multipliers={k: Decimal(v) for k, v in ad_group.bid_multipliers.items()},
            frequency_cap_day=ad_group.frequency_cap_day,
            frequency_cap_week=ad_group.frequency_cap_week,
            created_at=ad_group.created_at,
            updated_at=ad_group.updated_at,
        )


class CreativeCreate(BaseModel):
    """A new banner or screen creative (it waits for a network admin's review)."""

    model_config = ConfigDict(extra="forbid")

    ad_group_id: Id
    name: Name
    asset_url: str = Field(min_length=1, max_length=2000)
    width: int = Field(ge=1, le=10000)
    height: int = Field(ge=1, le=10000)
    landing_url: str | None = Field(default=None, max_length=2000)


class CreativeUpdate(BaseModel):
    """Changes to a creative; changing what shoppers see sends it back to review."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    asset_url: str | None = Field(default=None, min_length=1, max_length=2000)
    width: int | None = Field(default=None, ge=1, le=10000)
    height: int | None = Field(default=None, ge=1, le=10000)
    landing_url: str | None = Field(default=None, max_length=2000)


class CreativeRejection(BaseModel):
    """Why a creative is rejected (shown to the advertiser)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class CreativeOut(BaseModel):
    """A creative as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    ad_group_id: int
    account_id: int
    name: str
    asset_url: str
    width: int
    height: int
    landing_url: str | None
    status: CreativeStatus
    rejection_reason: str | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class SegmentCreate(BaseModel):
    """A new audience segment."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: Name


class SegmentUpdate(BaseModel):
    """A new name for an audience segment."""

    model_config = ConfigDict(extra="forbid")

    name: Name


class SegmentOut(BaseModel):
    """An audience segment and how many shoppers it holds."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    member_count: int
    created_at: dt.datetime


class RowError(BaseModel):
    """One rejected line of an import."""

    line: int
    field: str
    reason: str


class SegmentImportReport(BaseModel):
    """What a membership import did."""

    rows: int = Field(description="Data rows read (the header not counted).")
    imported: int = Field(description="New memberships stored.")
    already_present: int = Field(description="Memberships that existed (or repeated in the file).")
    errors: list[RowError]
    errors_truncated: bool = Field(description="True when more errors occurred than are listed.")

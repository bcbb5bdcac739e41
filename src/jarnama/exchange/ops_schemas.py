"""API bodies of the exchange's operations: approvals, dynamic creative, signals, reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator

from jarnama.exchange.ops_models import Creative, CreativeStatus, DcoKind, TrafficReading
from jarnama.exchange.schemas import Clock, Weekday
from jarnama.exchange.signals import TRAFFIC_MAX, Precipitation

ID_MAX = 2**63 - 1
Traffic = Annotated[int, Field(ge=0, le=TRAFFIC_MAX)]
Celsius = Annotated[Decimal, Field(ge=-90, le=70, decimal_places=2)]


# --- approvals -----------------------------------------------------------------------------


class CreativeOut(BaseModel):
    """A DSP creative in a media owner's approval queue, with its preview."""

    id: int
    account_id: int
    bidder: str
    seat: str
    crid: str
    adomain: list[str]
    status: CreativeStatus
    reason: str | None
    adm: str | None
    iurl: str | None
    categories: list[str]
    width: int | None
    height: int | None
    duration: int | None
    first_screen_id: int | None
    first_seen_at: dt.datetime
    reviewed_at: dt.datetime | None
    reviewed_by: str | None

    @classmethod
    def of(cls, creative: Creative) -> CreativeOut:
        """The API view of a stored creative."""
        return cls(
            id=creative.id,
            account_id=creative.account_id,
            bidder=creative.bidder,
            seat=creative.seat,
            crid=creative.crid,
            adomain=[d for d in creative.adomain.split(",") if d],
            status=creative.status,
            reason=creative.reason,
            adm=creative.adm,
            iurl=creative.iurl,
            categories=list(creative.categories),
            width=creative.width,
            height=creative.height,
            duration=creative.duration,
            first_screen_id=creative.first_screen_id,
            first_seen_at=creative.first_seen_at,
            reviewed_at=creative.reviewed_at,
            reviewed_by=creative.reviewed_by,
        )


class CreativeReview(BaseModel):
    """The owner's decision on a creative; a rejection says why."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approved", "rejected"]
    reason: str | None = Field(default=None, max_length=1000)


# --- dynamic creative ----------------------------------------------------------------------


class RuleDaypart(BaseModel):
    """Some weekdays between two local (Asia/Almaty) times, end exclusive."""

    model_config = ConfigDict(extra="forbid")

    days: list[Weekday] = Field(min_length=1, max_length=7)
    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class VariantRules(BaseModel):
    """Context rules of a variant; every given rule must hold (none given: always holds)."""

    model_config = ConfigDict(extra="forbid")

    dayparts: list[RuleDaypart] = Field(default_factory=list, max_length=20)
    days: list[Weekday] | None = Field(default=None, min_length=1, max_length=7)
    temperature_min: Celsius | None = None
    temperature_max: Celsius | None = None
    precipitation: list[Precipitation] | None = Field(default=None, min_length=1, max_length=3)
    traffic_min: Traffic | None = None
    traffic_max: Traffic | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        low, high = self.temperature_min, self.temperature_max
        if low is not None and high is not None and high < low:
            raise ValueError("temperature_max is below temperature_min")
        if (
            self.traffic_min is not None
            and self.traffic_max is not None
            and self.traffic_max < self.traffic_min
        ):
            raise ValueError("traffic_max is below traffic_min")
        return self


class DcoVariantIn(BaseModel):
    """One creative of a DCO campaign."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    creative_url: AnyHttpUrl
    mime: Literal["image/jpeg", "image/png", "video/mp4", "text/html"] = "image/jpeg"
    duration_seconds: int = Field(ge=1, le=600)
    # Lower is tried first; unset: the variant's position in the list.
    priority: int | None = Field(default=None, ge=0, le=10_000)
    is_default: bool = False
    rules: VariantRules = Field(default_factory=VariantRules)


class DcoVariantOut(BaseModel):
    """A stored variant."""

    id: int
    name: str
    creative_url: str
    mime: str
    duration_seconds: int
    priority: int
    is_default: bool
    rules: VariantRules


class DcoCampaignCreate(BaseModel):
    """A direct-sold or house campaign with its variants (exactly one default)."""

    model_config = ConfigDict(extra="forbid")

    account_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    name: str = Field(min_length=1, max_length=200)
    kind: DcoKind
    screen_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(
        default_factory=list, max_length=10_000
    )
    group_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(
        default_factory=list, max_length=1_000
    )
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    variants: list[DcoVariantIn] = Field(min_length=1, max_length=50)


class DcoCampaignUpdate(BaseModel):
    """Fields to change; `variants` replaces the whole list."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    active: bool | None = None
    screen_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None = Field(
        default=None, max_length=10_000
    )
    group_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None = Field(
        default=None, max_length=1_000
    )
    variants: list[DcoVariantIn] | None = Field(default=None, min_length=1, max_length=50)


class DcoCampaignOut(BaseModel):
    """A stored campaign with its variants."""

    id: int
    account_id: int
    name: str
    kind: DcoKind
    screen_ids: list[int]
    group_ids: list[int]
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    active: bool
    variants: list[DcoVariantOut]
    created_at: dt.datetime


class SignalsIn(BaseModel):
    """Signals to try a campaign's rules with (unset: unknown)."""

    model_config = ConfigDict(extra="forbid")

    temperature_c: Celsius | None = None
    precipitation: Precipitation | None = None
    traffic_level: Traffic | None = None


class DcoPreviewIn(BaseModel):
    """A play time and signals to evaluate a campaign's rules at."""

    model_config = ConfigDict(extra="forbid")

    at: dt.datetime
    signals: SignalsIn = Field(default_factory=SignalsIn)


class DcoPreviewOut(BaseModel):
    """The variant that would play (None: the campaign has no default and nothing matched)."""

    variant: DcoVariantOut | None


# --- traffic -------------------------------------------------------------------------------


class TrafficIn(BaseModel):
    """One city's traffic index: 0 free-flowing … 10 standstill."""

    model_config = ConfigDict(extra="forbid")

    city: str = Field(min_length=1, max_length=100)
    level: Traffic
    observed_at: dt.datetime | None = None
    source: str = Field(default="api", min_length=1, max_length=100)


class TrafficOut(BaseModel):
    """A stored traffic reading and whether it is past its TTL."""

    city: str
    level: int
    observed_at: dt.datetime
    received_at: dt.datetime
    source: str
    stale: bool

    @classmethod
    def of(cls, reading: TrafficReading, stale: bool) -> TrafficOut:
        """The API view of a reading."""
        return cls(
            city=reading.city,
            level=reading.level,
            observed_at=reading.observed_at,
            received_at=reading.received_at,
            source=reading.source,
            stale=stale,
        )


# --- reports -------------------------------------------------------------------------------


class ExchangeReportRow(BaseModel):
    """One group of the report; money in tenge as exact decimal text."""

    key: str
    auctions: int
    bid_requests: int
    bids: int
    wins: int
    no_bids: int
    timeouts: int
    errors: int
    rejections: dict[str, int]
    plays: int
    spend_kzt: Decimal
    owner_kzt: Decimal
    exchange_kzt: Decimal


class ExchangeReportOut(BaseModel):
    """An exchange report over a range of Almaty business days."""

    group_by: str
    since: dt.date
    until: dt.date
    rows: list[ExchangeReportRow]
    totals: ExchangeReportRow

"""Request and response bodies of the exchange management API.

Shapes and ranges are checked here (a malformed body answers 422); rules that need the venue
taxonomy, the database or several fields at once are the service's (400 with the field).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from jarnama.core.money import Currency
from jarnama.exchange.models import AudienceSource, Deal, DealKind, Orientation, Screen

ID_MAX = 2**63 - 1
Id = Annotated[int, Field(gt=0, le=ID_MAX, description="An object id.")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"),
]
# CPMs up to 10 million in any currency, four decimal places (bids arrive as 2.3456 USD).
Cpm = Annotated[Decimal, Field(ge=0, le=Decimal(10_000_000), decimal_places=4)]
Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")]
# IAB content taxonomy codes ("IAB7", "IAB7-39", or 3.0 ids such as "1234") and domains.
CategoryCode = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]
Domain = Annotated[
    str,
    Field(min_length=3, max_length=253, pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$"),
]
MAX_LIST = 500


class Weekday(enum.StrEnum):
    """A day of the week in Almaty (Monday is 0 in Python's `weekday()`)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)


class OpenWindow(BaseModel):
    """Local Almaty time [open, close) a screen plays on a day; "24:00" closes at midnight."""

    model_config = ConfigDict(extra="forbid")

    open: Clock
    close: Clock


OperatingHours = dict[Weekday, list[OpenWindow]]


class DaypartFloor(BaseModel):
    """A floor CPM that replaces the screen's floor on some days between two local times."""

    model_config = ConfigDict(extra="forbid")

    days: list[Weekday] = Field(min_length=1, max_length=7)
    start: Clock
    end: Clock
    floor_cpm: Cpm


class Audience(BaseModel):
    """Audience per play: imp.qty of OpenRTB 2.6 (multiplier, source type, vendor)."""

    model_config = ConfigDict(extra="forbid")

    multiplier: Annotated[Decimal, Field(gt=0, le=Decimal(1_000_000), decimal_places=4)]
    source_type: AudienceSource = AudienceSource.PUBLISHER
    vendor: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="The measurement vendor's domain; required for source_type 1."
    )


class ScreenFields(BaseModel):
    """Everything a media owner says about one screen (shared by create and import)."""

    model_config = ConfigDict(extra="forbid")

    code: Code = Field(description="The owner's own id of the screen, unique in its account.")
    name: Name
    venue_type_ids: list[int] = Field(
        min_length=1, max_length=10, description="OpenOOH 1.1 venue type ids, most specific first."
    )
    lat: Annotated[Decimal, Field(ge=-90, le=90, decimal_places=6)]
    lon: Annotated[Decimal, Field(ge=-180, le=180, decimal_places=6)]
    city: Name
    width_px: Annotated[int, Field(ge=1, le=32_768)]
    height_px: Annotated[int, Field(ge=1, le=32_768)]
    width_mm: Annotated[int, Field(ge=1, le=100_000)]
    height_mm: Annotated[int, Field(ge=1, le=100_000)]
    orientation: Orientation | None = Field(
        default=None, description="Follows from the pixel size when left out."
    )
    loop_seconds: Annotated[int, Field(ge=1, le=86_400)]
    slot_seconds: Annotated[int, Field(ge=1, le=3_600)]
    operating_hours: OperatingHours = Field(
        description="Asia/Almaty; a day left out is closed. Windows of a day must not overlap."
    )
    audience: Audience
    floor_cpm: Cpm
    floor_currency: Currency = Currency.KZT
    daypart_floors: list[DaypartFloor] = Field(default_factory=list, max_length=50)
    blocked_categories: list[CategoryCode] = Field(default_factory=list, max_length=MAX_LIST)
    blocked_domains: list[Domain] = Field(default_factory=list, max_length=MAX_LIST)


class ScreenCreate(ScreenFields):
    """A new screen; a network admin names the media owner's account_id."""

    account_id: Id | None = None


class ScreenUpdate(BaseModel):
    """The fields to change (left out: unchanged)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    venue_type_ids: list[int] | None = Field(default=None, min_length=1, max_length=10)
    lat: Annotated[Decimal, Field(ge=-90, le=90, decimal_places=6)] | None = None
    lon: Annotated[Decimal, Field(ge=-180, le=180, decimal_places=6)] | None = None
    city: Name | None = None
    width_px: Annotated[int, Field(ge=1, le=32_768)] | None = None
    height_px: Annotated[int, Field(ge=1, le=32_768)] | None = None
    width_mm: Annotated[int, Field(ge=1, le=100_000)] | None = None
    height_mm: Annotated[int, Field(ge=1, le=100_000)] | None = None
    orientation: Orientation | None = None
    loop_seconds: Annotated[int, Field(ge=1, le=86_400)] | None = None
    slot_seconds: Annotated[int, Field(ge=1, le=3_600)] | None = None
    operating_hours: OperatingHours | None = None
    audience: Audience | None = None
    floor_cpm: Cpm | None = None
    floor_currency: Currency | None = None
    daypart_floors: list[DaypartFloor] | None = Field(default=None, max_length=50)
    blocked_categories: list[CategoryCode] | None = Field(default=None, max_length=MAX_LIST)
    blocked_domains: list[Domain] | None = Field(default=None, max_length=MAX_LIST)
    active: bool | None = None


def _places(value: Decimal, places: int) -> Decimal:
    """The value with exactly `places` decimals, as stored (so create and read agree)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class ScreenOut(BaseModel):
    """A screen as the API shows it (decimals as strings, exact)."""

    id: int
    account_id: int
    code: str
    name: str
    venue_type_ids: list[int]
    lat: Decimal
    lon: Decimal
    city: str
    width_px: int
    height_px: int
    width_mm: int
    height_mm: int
    orientation: Orientation
    loop_seconds: int
    slot_seconds: int
    operating_hours: OperatingHours
    audience: Audience
    floor_cpm: Decimal
    floor_currency: Currency
    daypart_floors: list[DaypartFloor]
    blocked_categories: list[str]
    blocked_domains: list[str]
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, screen: Screen) -> ScreenOut:
        """The API view of a stored screen."""
        return cls(
            id=screen.id,
            account_id=screen.account_id,
            code=screen.code,
            name=screen.name,
            venue_type_ids=list(screen.venue_type_ids),
            lat=_places(screen.lat, 6),
            lon=_places(screen.lon, 6),
            city=screen.city,
            width_px=screen.width_px,
            height_px=screen.height_px,
            width_mm=screen.width_mm,
            height_mm=screen.height_mm,
            orientation=screen.orientation,
            loop_seconds=screen.loop_seconds,
            slot_seconds=screen.slot_seconds,
            operating_hours={
                Weekday(day): [OpenWindow(open=_clock(a), close=_clock(b)) for a, b in windows]
                for day, windows in screen.operating_hours.items()
            },
            audience=Audience(
                multiplier=_places(screen.audience_multiplier, 4),
                source_type=AudienceSource(screen.audience_source),
                vendor=screen.audience_vendor,
            ),
            floor_cpm=_places(screen.floor_cpm, 4),
            floor_currency=Currency(screen.floor_currency),
            daypart_floors=[
                DaypartFloor(
                    days=[Weekday(day) for day in rule["days"]],
                    start=_clock(rule["from_minute"]),
                    end=_clock(rule["to_minute"]),
                    floor_cpm=_places(Decimal(rule["floor_cpm"]), 4),
                )
                for rule in screen.daypart_floors
            ],
            blocked_categories=list(screen.blocked_categories),
            blocked_domains=list(screen.blocked_domains),
            active=screen.active,
            created_at=screen.created_at,
            updated_at=screen.updated_at,
        )


class ScreenImport(BaseModel):
    """Many screens at once: each row is a screen (created, or updated when its code exists)."""

    model_config = ConfigDict(extra="forbid")

    account_id: Id | None = None
    dry_run: bool = Field(default=False, description="Check every row, write nothing.")
    rows: list[dict[str, Any]] = Field(min_length=1, max_length=5000)


class RowError(BaseModel):
    """Why one import row was refused (row numbers start at 1)."""

    row: int
    field: str | None
    detail: str


class ScreenImportReport(BaseModel):
    """The outcome of an import: all rows are written, or none when any row is refused."""

    applied: bool
    created: int
    updated: int
    errors: list[RowError]


class ScreenGroupCreate(BaseModel):
    """A new screen group."""

    model_config = ConfigDict(extra="forbid")

    account_id: Id | None = None
    name: Name
    screen_ids: list[Id] = Field(default_factory=list, max_length=10_000)


class ScreenGroupUpdate(BaseModel):
    """A new name and/or the full new member list."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    screen_ids: list[Id] | None = Field(default=None, max_length=10_000)


class ScreenGroupOut(BaseModel):
    """A screen group and its members."""

    id: int
    account_id: int
    name: str
    screen_ids: list[int]
    created_at: dt.datetime


class VenueTypeOut(BaseModel):
    """One OpenOOH 1.1 venue type."""

    id: int
    code: str
    name: str
    parent_id: int | None


class DealCreate(BaseModel):
    """A new PMP deal on some of the caller's screens or groups."""

    model_config = ConfigDict(extra="forbid")

    account_id: Id | None = None
    code: Code = Field(description="The deal id sent in pmp.deals[].id (unique exchange-wide).")
    name: Name
    kind: DealKind
    floor_cpm: Cpm = Field(description="Floor, or the fixed price of a preferred/guaranteed deal.")
    currency: Currency = Currency.KZT
    bidders: list[Code] = Field(default_factory=list, max_length=50)
    seats: list[Code] = Field(default_factory=list, max_length=100)
    screen_ids: list[Id] = Field(default_factory=list, max_length=10_000)
    group_ids: list[Id] = Field(default_factory=list, max_length=1_000)
    private: bool = Field(default=False, description="Only deal bids may win the screens.")


class DealOut(BaseModel):
    """A deal as the API shows it."""

    id: int
    account_id: int
    code: str
    name: str
    kind: DealKind
    floor_cpm: Decimal
    currency: Currency
    bidders: list[str]
    seats: list[str]
    screen_ids: list[int]
    group_ids: list[int]
    private: bool
    active: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, deal: Deal) -> DealOut:
        """The API view of a stored deal."""
        return cls(
            id=deal.id,
            account_id=deal.account_id,
            code=deal.code,
            name=deal.name,
            kind=deal.kind,
            floor_cpm=_places(deal.floor_cpm, 4),
            currency=Currency(deal.currency),
            bidders=list(deal.bidders),
            seats=list(deal.seats),
            screen_ids=list(deal.screen_ids),
            group_ids=list(deal.group_ids),
            private=deal.private,
            active=deal.active,
            created_at=deal.created_at,
        )

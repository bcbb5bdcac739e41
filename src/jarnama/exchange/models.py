"""Tables of the exchange domain: screens, screen groups and deals of media-owner accounts."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, BigId, JsonDoc, UTCDateTime, str_enum
from jarnama.core.time import utcnow


class Orientation(enum.StrEnum):
    """How a screen stands (follows from its pixel size; square counts as landscape)."""

    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


class AudienceSource(enum.IntEnum):
    """OpenRTB 2.6 list "DOOH Multiplier Measurement Source Types" (imp.qty.sourcetype)."""

    UNKNOWN = 0
    MEASUREMENT_VENDOR = 1
    PUBLISHER = 2
    EXCHANGE = 3


class DealKind(enum.StrEnum):
    """Private auction (`at` of the deal 1/2), or a preferred/guaranteed deal at a fixed price."""

    PRIVATE_AUCTION = "private_auction"
    PREFERRED = "preferred"
    GUARANTEED = "guaranteed"


class Screen(Base):
    """A digital screen a media owner sells through the exchange.

    Sizes in pixels and millimetres; loop and slot in seconds; operating hours and daypart floors
    in Asia/Almaty as {"mon": [[open_minute, close_minute]], ...} and
    [{"days": [...], "from_minute", "to_minute", "floor_cpm"}]; floors are CPM (per 1000 plays of
    one audience unit) in `floor_currency`.
    """

    __tablename__ = "exchange_screens"
    __table_args__ = (UniqueConstraint("account_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    venue_type_ids: Mapped[list[int]] = mapped_column(JsonDoc)
    lat: Mapped[Decimal] = mapped_column(Numeric(9, 6))
    lon: Mapped[Decimal] = mapped_column(Numeric(9, 6))
    city: Mapped[str] = mapped_column(String(100))
    width_px: Mapped[int] = mapped_column(Integer)
    height_px: Mapped[int] = mapped_column(Integer)
    width_mm: Mapped[int] = mapped_column(Integer)
    height_mm: Mapped[int] = mapped_column(Integer)
    orientation: Mapped[Orientation] = mapped_column(str_enum(Orientation))
    loop_seconds: Mapped[int] = mapped_column(Integer)
    slot_seconds: Mapped[int] = mapped_column(Integer)
    operating_hours: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    audience_multiplier: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    audience_source: Mapped[int] = mapped_column(Integer)
    audience_vendor: Mapped[str | None] = mapped_column(String(200))
    floor_cpm: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    floor_currency: Mapped[str] = mapped_column(String(3))
    daypart_floors: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc)
    blocked_categories: Mapped[list[str]] = mapped_column(JsonDoc)
    blocked_domains: Mapped[list[str]] = mapped_column(JsonDoc)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ScreenGroup(Base):
    """A named set of one media owner's screens (a package sold together, a mall, a route)."""

    __tablename__ = "exchange_screen_groups"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScreenGroupMember(Base):
    """A screen in a group."""

    __tablename__ = "exchange_screen_group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_screen_groups.id", ondelete="CASCADE"), primary_key=True
    )
    screen_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_screens.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Deal(Base):
    """A PMP deal on a media owner's screens: who may bid, at what floor or fixed price."""

    __tablename__ = "exchange_deals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[DealKind] = mapped_column(str_enum(DealKind))
    floor_cpm: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    currency: Mapped[str] = mapped_column(String(3))
    bidders: Mapped[list[str]] = mapped_column(JsonDoc)
    seats: Mapped[list[str]] = mapped_column(JsonDoc)
    screen_ids: Mapped[list[int]] = mapped_column(JsonDoc)
    group_ids: Mapped[list[int]] = mapped_column(JsonDoc)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Tables of the exchange's operations: creative approvals, dynamic creative, signals, records.

The auction records keep what the billing rows (`player_models.PlayBilling`) do not: every
auction, every bidder's answer (no bid, timeout, ...) and every refused bid with its reason.
Plays and money come from the billing rows.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, BigId, JsonDoc, UTCDateTime, str_enum
from jarnama.core.time import utcnow


class CreativeStatus(enum.StrEnum):
    """Where a DSP creative stands with a screen owner."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class DcoKind(enum.StrEnum):
    """A direct-sold campaign (an advertiser paid the owner) or the owner's own house campaign."""

    DIRECT = "direct"
    HOUSE = "house"


class Creative(Base):
    """A DSP creative as one media owner reviews it: bidder + crid + advertiser domains.

    First seen in a bid on one of the owner's screens (it is queued as pending); the owner
    approves it or rejects it with a reason. The markup and image URL are kept as a preview.
    """

    __tablename__ = "exchange_creatives"
    __table_args__ = (UniqueConstraint("account_id", "bidder", "crid", "adomain"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    bidder: Mapped[str] = mapped_column(String(64))
    crid: Mapped[str] = mapped_column(String(200))
    # Sorted, lower-case, comma-joined: a creative that changes advertiser is a new creative.
    adomain: Mapped[str] = mapped_column(String(500))
    seat: Mapped[str] = mapped_column(String(200))
    status: Mapped[CreativeStatus] = mapped_column(str_enum(CreativeStatus), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    adm: Mapped[str | None] = mapped_column(Text)
    iurl: Mapped[str | None] = mapped_column(String(2000))
    nurl: Mapped[str | None] = mapped_column(String(2000))
    categories: Mapped[list[str]] = mapped_column(JsonDoc)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration: Mapped[int | None] = mapped_column(Integer)
    first_screen_id: Mapped[int | None] = mapped_column(BigId)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))


class DcoCampaign(Base):
    """A direct-sold or house campaign on some of a media owner's screens, with variants."""

    __tablename__ = "exchange_dco_campaigns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[DcoKind] = mapped_column(str_enum(DcoKind))
    screen_ids: Mapped[list[int]] = mapped_column(JsonDoc)
    group_ids: Mapped[list[int]] = mapped_column(JsonDoc)
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DcoVariant(Base):
    """One creative of a DCO campaign and the context rules under which it plays."""

    __tablename__ = "exchange_dco_variants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_dco_campaigns.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    creative_url: Mapped[str] = mapped_column(String(2000))
    mime: Mapped[str] = mapped_column(String(100))
    duration_seconds: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


class TrafficReading(Base):
    """A city's traffic index (0 free-flowing … 10 standstill) pushed at some instant."""

    __tablename__ = "exchange_traffic_readings"
    __table_args__ = (Index("ix_exchange_traffic_readings_city_at", "city", "observed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    city: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(100))


class AuctionRecord(Base):
    """One finished exchange auction for one slot: its screen, day and winner (if any)."""

    __tablename__ = "exchange_auction_records"
    __table_args__ = (Index("ix_exchange_auction_records_account_day", "account_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    auction_id: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(BigId)
    screen_id: Mapped[int] = mapped_column(BigId, index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    filled: Mapped[bool] = mapped_column(Boolean)
    winner_bidder: Mapped[str | None] = mapped_column(String(64))
    winner_seat: Mapped[str | None] = mapped_column(String(200))
    deal_code: Mapped[str | None] = mapped_column(String(64))


class BidderCall(Base):
    """How one bidder answered one auction (bids, no bid, timeout, error, skipped, throttled)."""

    __tablename__ = "exchange_bidder_calls"
    __table_args__ = (Index("ix_exchange_bidder_calls_account_day", "account_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    auction_record_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_auction_records.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(BigId)
    screen_id: Mapped[int] = mapped_column(BigId)
    day: Mapped[dt.date] = mapped_column(Date)
    bidder: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    bids: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)


class BidRecord(Base):
    """One bid of one auction: won, lost, or refused with its OpenRTB loss reason code."""

    __tablename__ = "exchange_bid_records"
    __table_args__ = (Index("ix_exchange_bid_records_account_day", "account_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    auction_record_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_auction_records.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(BigId)
    screen_id: Mapped[int] = mapped_column(BigId)
    day: Mapped[dt.date] = mapped_column(Date)
    bidder: Mapped[str] = mapped_column(String(64))
    seat: Mapped[str] = mapped_column(String(200))
    bid_id: Mapped[str] = mapped_column(String(200))
    crid: Mapped[str | None] = mapped_column(String(200))
    deal_code: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # won, lost, rejected
    loss: Mapped[int] = mapped_column(Integer)

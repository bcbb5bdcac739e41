"""Tables of the player side of the exchange: player tokens, leases and billed plays.

A lease is one won slot promised to a player: who won, at what price, which creative, until
when a proof of play is taken. Proving the play records one `PlayBilling` row (one per lease,
enforced by a unique key: a repeated proof answers the first one). Money on these rows is kept
as exact decimal text (`ExactDecimal`): a play costs e.g. 4.41 USD / 1000 × 12.5 =
0.055125 USD, more places than a NUMERIC(14, 4) keeps, and SQLite would store NUMERIC as a
float. An invoice rounds a day's total to tiyn once.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from jarnama.core.db import Base, BigId, JsonDoc, UTCDateTime, str_enum
from jarnama.core.time import utcnow


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text (VARCHAR(64)), never as a float."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        """Plain notation, no exponent ("0.055125", not "5.5125E-2")."""
        return None if value is None else format(Decimal(value), "f")

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        """Back to the exact Decimal."""
        return None if value is None else Decimal(value)


class LeaseStatus(enum.StrEnum):
    """Where a lease stands: promised, played (proof taken) or released (not played)."""

    LEASED = "leased"
    PLAYED = "played"
    RELEASED = "released"


class PlayerToken(Base):
    """A credential of one screen's player: it may ask for that screen's ads only.

    Only the SHA-256 of the token is stored; the token is shown once when issued.
    """

    __tablename__ = "exchange_player_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    screen_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_screens.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Lease(Base):
    """One won slot of a screen, promised to its player until `expires_at`."""

    __tablename__ = "exchange_leases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The public, unguessable id players use in URLs.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("exchange_screens.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # "player" or "openrtb"
    status: Mapped[LeaseStatus] = mapped_column(str_enum(LeaseStatus))
    auction_id: Mapped[str] = mapped_column(String(64))
    plays_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    bidder: Mapped[str] = mapped_column(String(64))
    seat: Mapped[str] = mapped_column(String(200))
    bid_id: Mapped[str] = mapped_column(String(200))
    crid: Mapped[str | None] = mapped_column(String(200))
    deal_code: Mapped[str | None] = mapped_column(String(64))
    adomain: Mapped[list[str]] = mapped_column(JsonDoc)
    currency: Mapped[str] = mapped_column(String(3))
    price: Mapped[Decimal] = mapped_column(ExactDecimal)  # clearing CPM, bid currency
    price_kzt: Mapped[Decimal] = mapped_column(ExactDecimal)
    multiplier: Mapped[Decimal] = mapped_column(ExactDecimal)
    creative_url: Mapped[str | None] = mapped_column(Text)
    mime: Mapped[str] = mapped_column(String(100))
    duration_seconds: Mapped[int] = mapped_column(Integer)
    adm: Mapped[str | None] = mapped_column(Text)
    burl: Mapped[str | None] = mapped_column(Text)  # macros substituted: fired on proof
    lurl: Mapped[str | None] = mapped_column(Text)  # macros but the loss code: fired on release
    # The macro values of the win, to fill the lurl with the loss code when released.
    macros: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    played_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    played_seconds: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    percent_shown: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlayBilling(Base):
    """One billed play: what the buyer pays and how it splits, exact."""

    __tablename__ = "exchange_play_billing"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("exchange_leases.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("exchange_screens.id"), index=True)
    bidder: Mapped[str] = mapped_column(String(64))
    deal_code: Mapped[str | None] = mapped_column(String(64))
    played_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    day: Mapped[dt.date] = mapped_column(Date, index=True)  # the Almaty business day
    currency: Mapped[str] = mapped_column(String(3))
    cpm: Mapped[Decimal] = mapped_column(ExactDecimal)
    multiplier: Mapped[Decimal] = mapped_column(ExactDecimal)
    cost: Mapped[Decimal] = mapped_column(ExactDecimal)  # bid currency: the DSP's bill
    cost_kzt: Mapped[Decimal] = mapped_column(ExactDecimal)
    exchange_kzt: Mapped[Decimal] = mapped_column(ExactDecimal)
    owner_kzt: Mapped[Decimal] = mapped_column(ExactDecimal)
    revenue_share: Mapped[Decimal] = mapped_column(ExactDecimal)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

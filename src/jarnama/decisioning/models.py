"""Tables of the decisioning domain: the spend ledger of billed events."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, BigId, UTCDateTime, str_enum
from jarnama.core.time import utcnow


class BilledEvent(enum.StrEnum):
    """The event that was billed: a click (CPC) or an impression (CPM)."""

    CLICK = "click"
    IMPRESSION = "impression"


class SpendEntry(Base):
    """One billed event: exactly one row per resolved bid (its `bid_id` is unique).

    `amount_mtiyn` is exact in milli-tiyn (1/1000 tiyn): a CPC click at p tiyn is p * 1000,
    a CPM impression at p tiyn per mille is p. Sum and divide by 1000 for tiyn; invoices round
    a day's or a month's total half-up to whole tiyn once, never each row.
    """

    __tablename__ = "spend_ledger"
    __table_args__ = (Index("ix_spend_ledger_campaign_day", "campaign_id", "business_day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The unique part of the signed resolved bid id (its nonce): the idempotency key.
    bid_id: Mapped[str] = mapped_column(String(32), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    ad_group_id: Mapped[int] = mapped_column(ForeignKey("ad_groups.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    placement_id: Mapped[int | None] = mapped_column(BigInteger)
    product_id: Mapped[int | None] = mapped_column(BigInteger)
    creative_id: Mapped[int | None] = mapped_column(BigInteger)
    event: Mapped[BilledEvent] = mapped_column(str_enum(BilledEvent))
    price_tiyn: Mapped[int] = mapped_column(BigInteger)
    amount_mtiyn: Mapped[int] = mapped_column(BigInteger)
    # The Almaty calendar day of the event (daily budgets reset at Almaty midnight).
    business_day: Mapped[dt.date] = mapped_column(Date)
    event_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingSpend(Base):
    """A ledger row whose charge has not reached the shared state store yet.

    Written beside the ledger row when a billable event arrives while Redis is down (the
    charge is kept, not lost), deleted once reconciliation added it to the shared spend.
    """

    __tablename__ = "spend_pending"

    entry_id: Mapped[int] = mapped_column(ForeignKey("spend_ledger.id"), primary_key=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

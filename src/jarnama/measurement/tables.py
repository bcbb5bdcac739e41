"""Tables of measurement: attribution rules per campaign type, holdouts, recompute jobs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, BigId, UTCDateTime
from jarnama.core.time import utcnow

# The network-wide row of `attribution_settings`; the others are campaign types.
NETWORK_SCOPE = "network"


class AttributionSetting(Base):
    """The attribution rules of the whole network (scope 'network') or of one campaign type."""

    __tablename__ = "attribution_settings"
    __table_args__ = (
        CheckConstraint("click_window_days BETWEEN 1 AND 30", name="click_window"),
        CheckConstraint("view_window_days BETWEEN 1 AND 30", name="view_window"),
    )

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    click_window_days: Mapped[int] = mapped_column(Integer)
    view_window_days: Mapped[int] = mapped_column(Integer)
    match_level: Mapped[str] = mapped_column(String(16))
    view_requires_viewable: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CampaignHoldout(Base):
    """A campaign's own holdout share in parts per million (0 disables; default: settings)."""

    __tablename__ = "campaign_holdouts"
    __table_args__ = (CheckConstraint("share_ppm BETWEEN 0 AND 500000", name="share_ppm"),)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    share_ppm: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AttributionRecompute(Base):
    """A scheduled recompute of attribution credits for purchases on first_day..last_day."""

    __tablename__ = "attribution_recomputes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    # pending -> done | failed; a pending job absorbs later changes (one run, widest range).
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    # SHA-256 of the rules it must apply, so an unchanged PUT schedules nothing.
    rules_digest: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    lines: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

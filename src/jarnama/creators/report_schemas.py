"""Response schemas of the purchase feed and the reports (schemas.py is at its size bound)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class FeedRowErrorOut(BaseModel):
    """One problem of one feed row."""

    line: int
    field: str
    reason: str


class FeedReportOut(BaseModel):
    """What a purchase-feed import did; `applied` is false when refused rows stopped it."""

    offer_id: int
    source: str | None
    applied: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[FeedRowErrorOut]
    errors_omitted: int


class ReportRow(BaseModel):
    """One group of a report: activity and money of one offer, creator or platform."""

    key: str
    label: str
    advertiser_account_id: int | None = Field(
        default=None, description="The offer's advertiser (offer rows)."
    )
    creator_account_id: int | None = Field(default=None, description="The creator (creator rows).")
    clicks: int
    conversions: int
    approved: int
    declined: int
    pending: int
    approval_rate: float | None = Field(
        description="Approved of decided (approved + declined) conversions, 0-1; null if none."
    )
    earnings_tiyn: int = Field(description="Gross payouts of approved and paid conversions.")
    earnings_per_click_tiyn: int | None = Field(description="Earnings / clicks; null: no clicks.")
    paid_out_tiyn: int = Field(description="Net amounts of paid conversions.")
    tax_withheld_tiyn: int


class ReportOut(BaseModel):
    """A report grouped by one dimension, over the rows the caller may see."""

    group_by: str
    since: dt.date | None
    until: dt.date | None
    items: list[ReportRow]

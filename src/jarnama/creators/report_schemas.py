"""Response schemas of the purchase feed and the reports (schemas.py is at its size bound)."""

from __future__ import annotations

from pydantic import BaseModel


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

"""Settings of measurement: the analytics store, the default attribution rules and holdout."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field


class CampaignType(enum.StrEnum):
    """What attribution rules can differ by: the kind of ad a touch came from."""

    SPONSORED_LISTING = "sponsored_listing"
    BANNER = "banner"
    IN_STORE_SCREEN = "in_store_screen"
    DOOH = "dooh"


MatchLevel = Literal["sku", "brand", "category"]


class MeasurementSettings(BaseModel):
    """Where the analytics store lives and how sales are attributed to ads (the defaults).

    The network can override the attribution rules per campaign type through
    `PUT /api/v1/measurement/settings`; these values apply where it has not.
    """

    store_dir: str = "./var/analytics"
    click_window_days: int = Field(default=14, ge=1, le=30)
    view_window_days: int = Field(default=1, ge=1, le=30)
    # sku: the advertised SKU only; brand: also the same brand (halo); category: also the category.
    match_level: MatchLevel = "brand"
    # View-through credit only for MRC-viewable impressions (else every rendered one).
    view_requires_viewable: bool = True
    new_to_brand_days: int = Field(default=365, ge=1, le=3 * 365)
    # Report jobs: their files go under `reports_dir`; each server process owning its engine
    # polls for queued jobs every `report_poll_seconds` (0: no worker in this process). A job
    # still running after `report_lease_seconds` (its process died) is taken up again.
    reports_dir: str = "./var/reports"
    report_poll_seconds: float = Field(default=2.0, ge=0, le=3600)
    report_lease_seconds: int = Field(default=900, ge=10, le=86_400)
    # Before a report: load the event log, export the product list, re-attribute its days.
    refresh_before_report: bool = True
    # Share of users each campaign holds out for incrementality (ghost ads); 0 disables.
    holdout_share: Decimal = Field(default=Decimal("0.05"), ge=0, le=Decimal("0.5"))
    # How far back a change of the attribution settings recomputes credits by default.
    recompute_days: int = Field(default=90, ge=1, le=3 * 365)

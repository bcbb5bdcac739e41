"""Settings of measurement: the analytics store and the network's attribution rules."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class MeasurementSettings(BaseModel):
    """Where the analytics store lives and how sales are attributed to ads."""

    store_dir: str = "./var/analytics"
    click_window_days: int = Field(default=14, ge=1, le=30)
    view_window_days: int = Field(default=1, ge=1, le=30)
    # sku: the advertised SKU only; brand: also the same brand (halo); category: also the category.
    match_level: Literal["sku", "brand", "category"] = "brand"
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

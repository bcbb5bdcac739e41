"""Bodies of the measurement settings, holdout and lift endpoints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from jarnama.measurement.attribution import AttributionRules, RuleBook
from jarnama.measurement.incrementality import Interval
from jarnama.measurement.lift import LiftReport
from jarnama.measurement.settings import CampaignType, MatchLevel
from jarnama.measurement.tables import AttributionRecompute, CampaignHoldout


class RulesIn(BaseModel):
    """Attribution windows and match level of the network or of one campaign type."""

    model_config = ConfigDict(extra="forbid")

    click_window_days: int = Field(ge=1, le=30, description="Click-through window, 1-30 days.")
    view_window_days: int = Field(ge=1, le=30, description="View-through window, 1-30 days.")
    match_level: MatchLevel = Field(
        description="sku: the advertised SKU; brand: also its brand (halo); category: also its "
        "category."
    )
    view_requires_viewable: bool = Field(
        default=True, description="Credit views only when MRC-viewable."
    )

    def rules(self, new_to_brand_days: int) -> AttributionRules:
        """As the engine's rules."""
        return AttributionRules(
            self.click_window_days,
            self.view_window_days,
            self.match_level,
            self.view_requires_viewable,
            new_to_brand_days,
        )


class SettingsIn(BaseModel):
    """The whole attribution configuration: network rules and overrides per campaign type."""

    model_config = ConfigDict(extra="forbid")

    network: RulesIn
    campaign_types: dict[CampaignType, RulesIn] = Field(
        default_factory=dict,
        description="Overrides by sponsored_listing, banner, in_store_screen or dooh; a type "
        "left out follows the network's rules.",
    )
    recompute_from: dt.date | None = Field(
        default=None,
        description="First purchase day to re-attribute if the rules change (default: "
        "`recompute_days` before today).",
    )


class RulesOut(BaseModel):
    """Effective rules of one scope."""

    click_window_days: int
    view_window_days: int
    match_level: str
    view_requires_viewable: bool
    overridden: bool = Field(description="Whether the scope has its own stored rules.")

    @classmethod
    def of(cls, rules: AttributionRules, overridden: bool) -> RulesOut:
        """From the engine's rules."""
        return cls(
            click_window_days=rules.click_window_days,
            view_window_days=rules.view_window_days,
            match_level=rules.match_level,
            view_requires_viewable=rules.view_requires_viewable,
            overridden=overridden,
        )


class RecomputeOut(BaseModel):
    """A scheduled (or finished) recompute of attribution credits."""

    id: int
    first_day: dt.date
    last_day: dt.date
    status: str
    lines: int | None

    @classmethod
    def of(cls, job: AttributionRecompute) -> RecomputeOut:
        """From the table row."""
        return cls(
            id=job.id,
            first_day=job.first_day,
            last_day=job.last_day,
            status=job.status,
            lines=job.lines,
        )


class SettingsOut(BaseModel):
    """The effective attribution configuration and the recompute a change scheduled."""

    network: RulesOut
    campaign_types: dict[CampaignType, RulesOut]
    new_to_brand_days: int
    holdout_share: Decimal = Field(description="Default share of users each campaign holds out.")
    recompute: RecomputeOut | None = None

    @classmethod
    def of(
        cls,
        book: RuleBook,
        holdout: Decimal,
        stored: bool,
        recompute: AttributionRecompute | None = None,
    ) -> SettingsOut:
        """From the rule book."""
        return cls(
            network=RulesOut.of(book.network, stored),
            campaign_types={
                kind: RulesOut.of(book.for_type(kind), kind in book.by_type)
                for kind in CampaignType
            },
            new_to_brand_days=book.network.new_to_brand_days,
            holdout_share=holdout,
            recompute=None if recompute is None else RecomputeOut.of(recompute),
        )


class HoldoutIn(BaseModel):
    """A campaign's holdout share."""

    model_config = ConfigDict(extra="forbid")

    share: Decimal = Field(ge=0, le=Decimal("0.5"), description="0 to 0.5; 0 disables.")


class HoldoutOut(BaseModel):
    """A campaign's stored holdout share."""

    campaign_id: int
    account_id: int
    share: Decimal

    @classmethod
    def of(cls, row: CampaignHoldout) -> HoldoutOut:
        """From the table row."""
        return cls(
            campaign_id=row.campaign_id,
            account_id=row.account_id,
            share=Decimal(row.share_ppm) / 1_000_000,
        )


class IntervalOut(BaseModel):
    """An estimate with its 95% confidence interval."""

    estimate: Decimal
    low: Decimal
    high: Decimal

    @classmethod
    def of(cls, interval: Interval | None, places: str = "0.0001") -> IntervalOut | None:
        """Rounded for display (None stays None)."""
        if interval is None:
            return None
        q = Decimal(places)
        return cls(
            estimate=interval.estimate.quantize(q),
            low=interval.low.quantize(q),
            high=interval.high.quantize(q),
        )


class LiftOut(BaseModel):
    """A campaign's incrementality from its ghost-ads holdout (money in tiyn)."""

    campaign_id: int
    account_id: int
    since: dt.date
    until: dt.date
    holdout_share: Decimal
    target: str = Field(description="sku: the promoted SKUs; brand: every SKU of their brands.")
    exposure: str = Field(
        description="served: treated users are those the decision served (ghost ads' like for"
        " like); rendered: those with a rendered impression (secondary view, biased when"
        " rendering goes with buying)."
    )
    target_skus: int
    exposed_users: int
    control_users: int
    spend_tiyn: Decimal
    sales_per_exposed_tiyn: Decimal | None
    sales_per_control_tiyn: Decimal | None
    lift_per_user_tiyn: IntervalOut | None
    relative_lift: IntervalOut | None
    incremental_sales_tiyn: IntervalOut | None
    incremental_roas: IntervalOut | None
    cuped: bool
    cuped_theta: Decimal | None
    variance_reduction: Decimal | None
    note: str | None = None

    @classmethod
    def of(cls, report: LiftReport, account_id: int) -> LiftOut:
        """From the service's report."""
        lift = report.lift
        q = Decimal("0.0001")
        return cls(
            campaign_id=report.campaign_id,
            account_id=account_id,
            since=report.start,
            until=report.end,
            holdout_share=report.holdout_share,
            target=report.target,
            exposure=report.exposure,
            target_skus=report.target_skus,
            exposed_users=report.exposed_users,
            control_users=report.control_users,
            spend_tiyn=report.spend_tiyn,
            sales_per_exposed_tiyn=None if lift is None else lift.sales_per_exposed.quantize(q),
            sales_per_control_tiyn=None if lift is None else lift.sales_per_control.quantize(q),
            lift_per_user_tiyn=None if lift is None else IntervalOut.of(lift.absolute),
            relative_lift=None if lift is None else IntervalOut.of(lift.relative),
            incremental_sales_tiyn=None
            if lift is None
            else IntervalOut.of(lift.incremental_sales_tiyn, "1"),
            incremental_roas=None if lift is None else IntervalOut.of(lift.incremental_roas),
            cuped=report.cuped,
            cuped_theta=None if report.theta is None else report.theta.quantize(q),
            variance_reduction=None
            if report.variance_reduction is None
            else report.variance_reduction.quantize(q),
            note=None
            if lift is not None
            else "fewer than two exposed or two held-out users in the period: no estimate",
        )

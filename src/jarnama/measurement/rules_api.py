"""HTTP API of closed-loop measurement settings and incrementality, under /api/v1/measurement.

Attribution settings are the network's: anyone with read access may see them (a supplier
should know the windows its sales are credited by); only a network admin changes them, and a
change that alters the effective rules schedules a recompute of the affected days, run after
the response. A campaign's holdout share is set by the network admin; its lift is readable by
the campaign's owner (another tenant's campaign is 404).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request

from jarnama.config import Settings
from jarnama.core.db import transaction
from jarnama.core.time import business_day, utcnow
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep
from jarnama.measurement import lift as lift_service
from jarnama.measurement import rules
from jarnama.measurement.pipeline import store_lock
from jarnama.measurement.rules_schemas import (
    HoldoutIn,
    HoldoutOut,
    LiftOut,
    SettingsIn,
    SettingsOut,
)
from jarnama.measurement.store import AnalyticsStore, LogLoader
from jarnama.measurement.tables import NETWORK_SCOPE, AttributionSetting

log = logging.getLogger(__name__)
router = APIRouter(prefix="/measurement", tags=["measurement"])
CampaignId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The campaign's id.")]
NETWORK_ONLY: dict[int | str, dict[str, Any]] = {
    400: {"description": "A value is not acceptable (names the field)."},
    403: {"description": "Only a network admin with the manage scope may change this."},
}


def run_recomputes(request: Request) -> None:
    """Background task: run pending recomputes (after the edge committed the schedule)."""
    settings: Settings = request.app.state.settings
    store = AnalyticsStore(settings.measurement.store_dir)
    try:
        with store_lock(store), transaction(request.app.state.sessionmaker) as session:
            rules.run_recomputes(session, store, settings.measurement)
    except Exception:
        log.exception("attribution recompute failed; it stays pending for the next run")


@router.get("/settings", summary="The attribution rules of the network and each campaign type.")
def get_settings(
    principal: PrincipalDep, session: SessionDep, settings: SettingsDep
) -> SettingsOut:
    """Effective click and view windows, match level and viewability rule per campaign type."""
    principal.ensure_can_read()
    stored = session.get(AttributionSetting, NETWORK_SCOPE) is not None
    book = rules.rulebook(session, settings.measurement)
    return SettingsOut.of(book, settings.measurement.holdout_share, stored)


@router.put(
    "/settings",
    summary="Replace the attribution rules (network admins); re-attributes the affected days.",
    responses=NETWORK_ONLY,
)
def put_settings(
    body: SettingsIn,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    background: BackgroundTasks,
) -> SettingsOut:
    """Store the network rules and type overrides; a change schedules one recompute."""
    defaults = settings.measurement
    today = business_day(utcnow())
    first = body.recompute_from or today - dt.timedelta(days=defaults.recompute_days)
    ntb = defaults.new_to_brand_days
    job = rules.replace_settings(
        session,
        principal,
        body.network.rules(ntb),
        {kind: r.rules(ntb) for kind, r in body.campaign_types.items()},
        defaults,
        recompute_from=first,
        today=today,
    )
    if job is not None:
        background.add_task(run_recomputes, request)
    book = rules.rulebook(session, defaults)
    return SettingsOut.of(book, defaults.holdout_share, True, job)


@router.put(
    "/campaigns/{campaign_id}/holdout",
    summary="Set a campaign's holdout share for incrementality (network admins; 0 disables).",
    responses={**NETWORK_ONLY, 404: {"description": "No such campaign."}},
)
def put_holdout(
    campaign_id: CampaignId, body: HoldoutIn, principal: PrincipalDep, session: SessionDep
) -> HoldoutOut:
    """Hold out this share of users from the campaign (ghost ads) from the next snapshot on."""
    return HoldoutOut.of(rules.set_holdout(session, principal, campaign_id, body.share))


@router.get(
    "/campaigns/{campaign_id}/lift",
    summary="A campaign's lift, incremental sales and iROAS with 95% intervals (ghost ads).",
    responses={
        400: {"description": "until before since, too long a range, or a bad target."},
        404: {"description": "No such campaign, or another tenant's."},
    },
)
def get_lift(
    campaign_id: CampaignId,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    since: Annotated[dt.date, Query(description="First day (UTC), inclusive.")],
    until: Annotated[dt.date, Query(description="Last day, inclusive.")],
    target: Annotated[
        lift_service.Target, Query(description="sku: promoted SKUs; brand: all their brands'.")
    ] = "brand",
    cuped: Annotated[bool, Query(description="Reduce variance with pre-period sales.")] = False,
    pre_days: Annotated[int, Query(ge=1, le=365, description="CUPED's pre-period.")] = 28,
    exposure: Annotated[
        lift_service.Exposure,
        Query(description="served (decision time, like the ghosts) or rendered (secondary)."),
    ] = "served",
) -> LiftOut:
    """Compare users served the campaign's ad with held-out users who got a ghost of it."""
    principal.ensure_can_read()
    store = AnalyticsStore(settings.measurement.store_dir)
    campaign = rules.campaign_for(session, principal, campaign_id)
    with store_lock(store):
        if settings.events.backend == "disk":
            LogLoader(settings.events.log_dir, store).run()
        report = lift_service.campaign_lift(
            session,
            principal,
            store,
            settings.measurement,
            campaign.id,
            since,
            until,
            target=target,
            use_cuped=cuped,
            pre_days=pre_days,
            exposure=exposure,
        )
    return LiftOut.of(report, campaign.account_id)

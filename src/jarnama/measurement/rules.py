"""Attribution settings per network and campaign type, campaign holdouts, and recomputes.

The network's rules (scope 'network') and optional overrides per campaign type live in
`attribution_settings`; whatever is not stored falls back to `MeasurementSettings` (config).
A PUT replaces the whole configuration. When the effective rules change, a recompute of the
affected days is scheduled: one pending `attribution_recomputes` row, which later changes
widen (the widest range, the newest rules' digest) until a run takes it. Recomputing replaces
the credits of the days it covers, so running it twice gives the same store: idempotent. An
unchanged PUT schedules nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.campaigns.access import ensure_not_creator
from jarnama.campaigns.models import AdGroup, Campaign
from jarnama.core.errors import InvalidInput, NotFound
from jarnama.core.time import utcnow
from jarnama.measurement.attribution import AttributionRules, RuleBook, attribute
from jarnama.measurement.ghosts import PPM, share_ppm
from jarnama.measurement.settings import CampaignType, MeasurementSettings
from jarnama.measurement.store import AnalyticsStore
from jarnama.measurement.tables import (
    NETWORK_SCOPE,
    AttributionRecompute,
    AttributionSetting,
    CampaignHoldout,
)
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

PENDING, DONE, FAILED = "pending", "done", "failed"
# DOOH plays carry no loyalty user, so its rules are stored but credit nothing user-level yet.
_KIND_OF_AD_GROUP = {
    "sponsored_listing": CampaignType.SPONSORED_LISTING,
    "banner": CampaignType.BANNER,
    "in_store_screen": CampaignType.IN_STORE_SCREEN,
}


def _rules_of(row: AttributionSetting, network: AttributionRules) -> AttributionRules:
    return AttributionRules(
        click_window_days=row.click_window_days,
        view_window_days=row.view_window_days,
        match_level=row.match_level,
        view_requires_viewable=row.view_requires_viewable,
        new_to_brand_days=network.new_to_brand_days,
    )


def rulebook(session: Session, defaults: MeasurementSettings) -> RuleBook:
    """The effective rules: stored network rules and type overrides over the config's."""
    rows = {row.scope: row for row in session.scalars(select(AttributionSetting))}
    network = AttributionRules.from_settings(defaults)
    if NETWORK_SCOPE in rows:
        network = _rules_of(rows[NETWORK_SCOPE], network)
    by_type = {
        kind: _rules_of(rows[kind.value], network) for kind in CampaignType if kind.value in rows
    }
    return RuleBook(network, by_type)


def digest(book: RuleBook) -> str:
    """A stable fingerprint of the effective rules of every campaign type."""
    data = {kind.value: dataclasses.asdict(book.for_type(kind)) for kind in CampaignType}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def ad_group_kinds(session: Session) -> dict[int, CampaignType]:
    """Each ad group's campaign type (what its touches are credited by)."""
    rows = session.execute(select(AdGroup.id, AdGroup.kind))
    return {group_id: _KIND_OF_AD_GROUP[str(kind)] for group_id, kind in rows}


def _snapshot(book: RuleBook) -> dict[str, object]:
    return {
        "network": dataclasses.asdict(book.network),
        **{k.value: dataclasses.asdict(r) for k, r in book.by_type.items()},
    }


def replace_settings(
    session: Session,
    principal: Principal,
    network: AttributionRules,
    by_type: Mapping[CampaignType, AttributionRules],
    defaults: MeasurementSettings,
    *,
    recompute_from: dt.date,
    today: dt.date,
) -> AttributionRecompute | None:
    """Store the network's rules and type overrides (network admins); schedule a recompute
    of recompute_from..today when the effective rules changed. Returns the pending recompute.
    """
    principal.ensure_network_admin()
    principal.ensure_can_write()
    if recompute_from > today:
        raise InvalidInput("recompute_from is after today", field="recompute_from")
    before = rulebook(session, defaults)
    wanted = {NETWORK_SCOPE: network, **{k.value: r for k, r in by_type.items()}}
    for row in session.scalars(select(AttributionSetting)):
        if row.scope not in wanted:
            session.delete(row)
    for scope, rules in wanted.items():
        stored = session.get(AttributionSetting, scope)
        if stored is None:
            stored = AttributionSetting(scope=scope)
            session.add(stored)
        row = stored
        row.click_window_days = rules.click_window_days
        row.view_window_days = rules.view_window_days
        row.match_level = rules.match_level
        row.view_requires_viewable = rules.view_requires_viewable
    session.flush()
    after = rulebook(session, defaults)
    changed = digest(after) != digest(before)
    job = None
    if changed:
        job = schedule_recompute(
            session, recompute_from, today, digest(after), "attribution settings changed"
        )
    audit.record(
        session,
        principal,
        "update",
        "attribution_settings",
        NETWORK_SCOPE,
        account_id=None,
        before=_snapshot(before),
        after=_snapshot(after),
        note=None if job is None else f"recompute {job.id}: {job.first_day}..{job.last_day}",
    )
    return job


def schedule_recompute(
    session: Session, first: dt.date, last: dt.date, rules_digest: str, reason: str
) -> AttributionRecompute:
    """The pending recompute, widened to cover first..last (created when none is pending)."""
    job = session.scalars(
        select(AttributionRecompute)
        .where(AttributionRecompute.status == PENDING)
        .order_by(AttributionRecompute.id)
        .limit(1)
    ).first()
    if job is None:
        job = AttributionRecompute(
            first_day=first, last_day=last, status=PENDING, rules_digest=rules_digest, reason=reason
        )
        session.add(job)
    else:
        job.first_day = min(job.first_day, first)
        job.last_day = max(job.last_day, last)
        job.rules_digest = rules_digest
    session.flush()
    return job


def pending_recomputes(session: Session) -> list[AttributionRecompute]:
    """Recomputes waiting to run, oldest first."""
    query = select(AttributionRecompute).where(AttributionRecompute.status == PENDING)
    return list(session.scalars(query.order_by(AttributionRecompute.id)))


def run_recomputes(
    session: Session, store: AnalyticsStore, defaults: MeasurementSettings
) -> list[AttributionRecompute]:
    """Run every pending recompute with the current rules (the caller holds the store lock)."""
    jobs = pending_recomputes(session)
    if not jobs:
        return []
    book = rulebook(session, defaults)
    kinds = ad_group_kinds(session)
    for job in jobs:
        try:
            table = attribute(store, book, job.first_day, job.last_day, kinds)
        except Exception as exc:  # a broken store file: recorded on the job, the rest go on
            job.status, job.error = FAILED, str(exc)[:500]
        else:
            job.status, job.lines, job.error = DONE, table.num_rows, None
        job.finished_at = utcnow()
        audit.record(
            session,
            "system:attribution",
            "recompute",
            "attribution_recompute",
            job.id,
            account_id=None,
            after=audit.snapshot(job),
        )
    session.flush()
    return jobs


def campaign_for(session: Session, principal: Principal, campaign_id: int) -> Campaign:
    """The campaign if the caller may see it; 404 otherwise (another tenant's too)."""
    ensure_not_creator(principal)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not principal.can_access(campaign.account_id):
        raise NotFound("campaign not found")
    return campaign


def holdout_share(session: Session, campaign_id: int, defaults: MeasurementSettings) -> Decimal:
    """A campaign's holdout share (its own, else the network default)."""
    row = session.get(CampaignHoldout, campaign_id)
    return defaults.holdout_share if row is None else Decimal(row.share_ppm) / PPM


def set_holdout(
    session: Session, principal: Principal, campaign_id: int, share: Decimal
) -> CampaignHoldout:
    """Set a campaign's holdout share (network admins; 0 disables). Live at the next refresh."""
    principal.ensure_network_admin()
    principal.ensure_can_write()
    campaign = campaign_for(session, principal, campaign_id)
    ppm = share_ppm(share)
    if not 0 <= ppm <= PPM // 2 or Decimal(ppm) / PPM != share:
        raise InvalidInput("share is 0 to 0.5 in steps of 0.000001", field="share")
    row = session.get(CampaignHoldout, campaign.id)
    before = audit.snapshot(row)
    if row is None:
        row = CampaignHoldout(campaign_id=campaign.id, account_id=campaign.account_id)
        session.add(row)
    row.share_ppm = ppm
    session.flush()
    audit.record(
        session,
        principal,
        "create" if before is None else "update",
        "campaign_holdout",
        campaign.id,
        account_id=campaign.account_id,
        before=before,
        after=audit.snapshot(row),
    )
    return row

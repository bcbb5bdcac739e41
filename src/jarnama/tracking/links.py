"""Ad events from the tracking links and Topsort's `/v2/events`, through the intake first.

Order matters: the event is classified (invalid traffic) and made durable before anything is
billed, so an acknowledged pixel or click is always in the log, and an invalid one (bot user
agent, repeated click) is kept and counted but never charged. A click whose token is not a
genuine, unexpired one (no served decision behind it) is written as an invalid click with no
ad, then refused as before. Billing stays idempotent per resolved bid id, so a pixel reloaded
after a failed answer is charged once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import msgspec
from sqlalchemy.orm import Session

from jarnama.core.errors import ServiceUnavailable
from jarnama.core.time import utcnow
from jarnama.decisioning.runtime import DecisionRuntime
from jarnama.decisioning.service import (
    EventKind,
    EventOutcome,
    TokenRejected,
    charge_event,
    verify_token,
)
from jarnama.decisioning.tokens import BidClaims
from jarnama.tracking import events as ev
from jarnama.tracking.log import LogError
from jarnama.tracking.service import EventIntake, Verdict

_EVENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_USER_AGENT_MAX = 1024


def event_id(prefix: str, raw: str) -> str:
    """An intake event id for an outside id: `prefix:raw` when it fits, else a digest of it."""
    candidate = f"{prefix}:{raw}"
    if _EVENT_ID.match(candidate):
        return candidate
    return f"{prefix}:h:" + hashlib.sha256(raw.encode()).hexdigest()[:48]


@dataclass(frozen=True, slots=True)
class TrackedAdEvent:
    """What happened to one ad event: its invalid-traffic reason, and the billing outcome."""

    claims: BidClaims
    ivt: str | None
    outcome: EventOutcome | None  # None when not billed because the event is invalid


def ad_event(
    kind: EventKind,
    claims: BidClaims,
    *,
    at: dt.datetime,
    user_agent: str | None,
    ident: str | None = None,
) -> ev.Impression | ev.Click:
    """The intake event of an ad's impression or click (impressions keyed by bid, clicks unique)."""
    ref = ev.AdRef.from_claims(claims)
    agent = user_agent[:_USER_AGENT_MAX] if user_agent else None
    if kind is EventKind.IMPRESSION:
        # One impression per resolved bid: a reloaded pixel is a duplicate, not a second view.
        return ev.Impression(
            id=ident or event_id("imp", claims.bid_id), at=at, ad=ref, user_agent=agent
        )
    # Every click is its own event, so a repeated one is kept (and marked) instead of merged.
    return ev.Click(id=ident or f"clk:{uuid.uuid4().hex}", at=at, ad=ref, user_agent=agent)


def _durable(intake: EventIntake, events: list[ev.Event]) -> list[tuple[Verdict, ev.Event]]:
    try:
        return intake.submit_classified(events)
    except LogError as exc:
        raise ServiceUnavailable("the event log is unavailable; retry the event") from exc


def track_link(
    runtime: DecisionRuntime,
    session: Session,
    intake: EventIntake,
    token: str,
    kind: EventKind,
    user_agent: str | None,
    now: dt.datetime | None = None,
) -> TrackedAdEvent:
    """Verify a tracking link's token, write its event durably, and bill it unless invalid.

    Raises `TokenRejected` (after writing a click as invalid: no served decision) for a bad token.
    """
    now = now or utcnow()
    try:
        claims = verify_token(runtime, token, now)
    except TokenRejected:
        if kind is EventKind.CLICK:
            agent = user_agent[:_USER_AGENT_MAX] if user_agent else None
            orphan = ev.Click(id=f"clk:{uuid.uuid4().hex}", at=now, user_agent=agent)
            _durable(intake, [orphan])
        raise
    event = ad_event(kind, claims, at=now, user_agent=user_agent)
    ((verdict, written),) = _durable(intake, [event])
    return bill(runtime, session, intake, token, claims, kind, verdict, written, now)


def bill(
    runtime: DecisionRuntime,
    session: Session,
    intake: EventIntake,
    token: str,
    claims: BidClaims,
    kind: EventKind,
    verdict: Verdict,
    written: ev.Event,
    now: dt.datetime,
) -> TrackedAdEvent:
    """Bill a durable ad event unless it is invalid traffic (idempotent per resolved bid id)."""
    if verdict is Verdict.DUPLICATE:
        # A retry: the first copy's verdict is not kept, but a bot user agent is deterministic.
        agent = written.user_agent if isinstance(written, ev.Impression | ev.Click) else None
        reason = "bot_user_agent" if intake.ivt.is_bot(agent) else None
    else:
        reason = written.ivt
    if reason is not None:
        runtime.metrics.events.labels(kind.value, "invalid").inc()
        return TrackedAdEvent(claims, reason, None)
    return TrackedAdEvent(claims, None, charge_event(runtime, session, token, kind, now))


def track_interactions(
    runtime: DecisionRuntime,
    session: Session,
    intake: EventIntake,
    interactions: list[tuple[str, EventKind, str]],
    now: dt.datetime | None = None,
) -> list[TrackedAdEvent]:
    """Write (client event id, kind, token) ad events in one batch; bill the valid ones.

    Raises `TokenRejected` for a bad token before anything is written.
    """
    now = now or utcnow()
    claims = [verify_token(runtime, token, now) for _, _, token in interactions]
    events: list[ev.Event] = [
        ad_event(kind, claim, at=now, user_agent=None, ident=event_id(f"ts{kind.value[0]}", ident))
        for (ident, kind, _), claim in zip(interactions, claims, strict=True)
    ]
    results = _durable(intake, events)
    return [
        bill(runtime, session, intake, token, claim, kind, verdict, written, now)
        for (_, kind, token), claim, (verdict, written) in zip(
            interactions, claims, results, strict=True
        )
    ]


@dataclass(frozen=True, slots=True)
class OutsideLine:
    """A purchase line as an outside API sends it (price in tenge, any quantity)."""

    sku: str
    quantity: int
    unit_price: Decimal


def outside_purchase(
    source: str,
    order_id: str,
    at: dt.datetime,
    lines: list[OutsideLine],
    *,
    in_store: bool,
    user_id: str | None,
) -> ev.Purchase:
    """A validated intake purchase from an outside order; `msgspec.ValidationError` if unfit."""
    raw = {
        "kind": "purchase",
        "id": event_id(source, order_id),
        "at": at,
        "order_id": order_id[:128],
        "channel": "store" if in_store else "online",
        "user_id": user_id[:128] if user_id else None,
        "lines": [
            {
                "sku": line.sku[:64],
                "quantity": line.quantity,
                "unit_price_tiyn": tenge_to_tiyn(line.unit_price),
            }
            for line in lines
        ],
    }
    # Built through `convert` (not the constructor) so the model's bounds are checked here,
    # never later by the loader.
    return msgspec.convert(raw, ev.Purchase)


def tenge_to_tiyn(amount: Decimal) -> int:
    """Tenge as whole tiyn, half up (Topsort sends decimal prices)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def record_purchases(intake: EventIntake, purchases: list[ev.Purchase]) -> list[Verdict]:
    """Make purchases durable in the intake (503 when the log cannot)."""
    return [verdict for verdict, _ in _durable(intake, list(purchases))]

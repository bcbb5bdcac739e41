"""HTTP edge of event intake: batch APIs for every event kind and for POS purchases.

Callers: the retailer's own systems, i.e. a network-level API key with the `events` scope.
An advertiser's key is refused with 403: events are the retailer's data. Each event is
validated alone; good ones are made durable before the answer, bad ones come back as errors
with their index and field. A retry of the same event id is answered as a duplicate.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jarnama.core.errors import Forbidden, InvalidInput, PayloadTooLarge, ServiceUnavailable
from jarnama.core.time import utcnow
from jarnama.decisioning.service import EventKind, EventStatus, TokenRejected, verify_token
from jarnama.decisioning.tokens import BidClaims
from jarnama.deps import PrincipalDep, SessionDep
from jarnama.tenancy.models import Scope
from jarnama.tracking import events as ev
from jarnama.tracking import metrics
from jarnama.tracking.batch import (
    BatchOutcome,
    BatchRefused,
    TokenInvalid,
    accept_events,
    batch_schema,
)
from jarnama.tracking.links import bill
from jarnama.tracking.log import LogError
from jarnama.tracking.schemas import (
    EventBatchResult,
    LineError,
    PurchaseBatch,
    PurchaseBatchResult,
    purchase_batch_schema,
)
from jarnama.tracking.service import EventIntake, Verdict

router = APIRouter(prefix="/events", tags=["events"])
_intake_lock = threading.Lock()
_batch_decoder = msgspec.json.Decoder(PurchaseBatch)


class _WholePurchaseBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    purchases: list[ev.Purchase]


# The fast path: the whole body in one msgspec pass; item by item only when that fails.
_whole_decoder = msgspec.json.Decoder(_WholePurchaseBatch)


def get_intake(request: Request) -> EventIntake:
    """The process's event intake, opened on first use from the app's settings."""
    state = request.app.state
    intake: EventIntake | None = getattr(state, "event_intake", None)
    if intake is None:
        with _intake_lock:
            intake = getattr(state, "event_intake", None)
            if intake is None:
                try:
                    intake = EventIntake.from_settings(state.settings)
                except (OSError, LogError) as exc:
                    raise ServiceUnavailable(f"the event log cannot be opened: {exc}") from exc
                state.event_intake = intake
                metrics.install(state, state.metrics.registry)
    return intake


IntakeDep = Annotated[EventIntake, Depends(get_intake)]


def _field(message: str) -> str | None:
    """The JSON path in a msgspec error message (`… - at `$.lines[0].sku``)."""
    marker = " - at `$"
    if marker not in message:
        return None
    path = message.rsplit(marker, 1)[1].rstrip("`")
    return path.lstrip(".") or None


def accept_purchases(intake: EventIntake, body: bytes, max_lines: int) -> PurchaseBatchResult:
    """Validate each purchase of a batch body, make the good ones durable, report the rest."""
    try:
        whole = _whole_decoder.decode(body).purchases
    except msgspec.DecodeError:
        whole = None
    if whole is not None and all(p.ivt is None for p in whole):
        good = whole
        errors: list[LineError] = []
        lines = sum(len(p.lines) for p in whole)
    else:
        good, errors, lines = _purchases_one_by_one(body, max_lines)
    if lines > max_lines:
        raise PayloadTooLarge(f"{lines} purchase lines; at most {max_lines} a request")
    try:
        verdicts = intake.submit(good)
    except LogError as exc:
        raise ServiceUnavailable("the event log is unavailable; retry the batch") from exc
    accepted = [p for p, v in zip(good, verdicts, strict=True) if v is Verdict.ACCEPTED]
    return PurchaseBatchResult(
        accepted=len(accepted),
        duplicates=len(good) - len(accepted),
        rejected=len(errors),
        lines=sum(len(p.lines) for p in accepted),
        errors=errors,
    )


def _purchases_one_by_one(
    body: bytes, max_lines: int
) -> tuple[list[ev.Purchase], list[LineError], int]:
    """The good purchases of a body with a bad one, an error per bad one, and the lines."""
    try:
        batch = _batch_decoder.decode(body)
    except msgspec.DecodeError as exc:
        raise InvalidInput(f"not a purchase batch: {exc}", field="purchases") from exc
    if len(batch.purchases) > max_lines:
        raise PayloadTooLarge(f"at most {max_lines} purchase lines a request")
    good: list[ev.Purchase] = []
    errors: list[LineError] = []
    lines = 0
    for index, raw in enumerate(batch.purchases):
        try:
            purchase = ev.decode_purchase(raw)
        except msgspec.DecodeError as exc:
            errors.append(_line_error(index, raw, str(exc)))
            continue
        if purchase.ivt is not None:
            errors.append(LineError(index=index, id=purchase.id, field="ivt", detail="set by us"))
            continue
        lines += len(purchase.lines)
        good.append(purchase)
    return good, errors, lines


def _line_error(index: int, raw: msgspec.Raw, message: str) -> LineError:
    ident: str | None = None
    try:
        head = msgspec.json.decode(raw, type=dict[str, object])
        value = head.get("id")
        ident = value if isinstance(value, str) and len(value) <= 64 else None
    except msgspec.DecodeError:
        pass
    return LineError(index=index, id=ident, field=_field(message), detail=message[:300])


@router.post(
    "/purchases",
    summary="Record a batch of purchases from POS or loyalty systems (per-line errors).",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": purchase_batch_schema()}},
        }
    },
    responses={
        400: {"description": "The body is not a purchase batch."},
        403: {"description": "Not a network-level key with the events scope."},
        413: {"description": "More purchase lines than one request may carry."},
        503: {"description": "The event log cannot make events durable; retry."},
    },
)
async def post_purchases(
    request: Request, principal: PrincipalDep, intake: IntakeDep
) -> PurchaseBatchResult:
    """Validate and durably record purchases; answer only once the accepted ones are durable."""
    principal.ensure_scope(Scope.EVENTS)
    if not principal.is_network_admin:
        raise Forbidden("purchases are sent by the network's own systems, not an advertiser")
    body = await request.body()
    max_lines = request.app.state.settings.events.max_batch_lines
    return await run_in_threadpool(accept_purchases, intake, body, max_lines)


def record_batch(
    state: Any, intake: EventIntake, body: bytes, session: Session
) -> EventBatchResult:
    """Accept a batch of events of any kind, then bill its genuine ad events (the edge commits)."""
    runtime = getattr(state, "decision_runtime", None)
    now = utcnow()

    def verify(token: str, at: dt.datetime) -> BidClaims:
        if runtime is None:
            raise ServiceUnavailable("the decision runtime is not running; retry the batch")
        try:
            return verify_token(runtime, token, at)
        except TokenRejected as exc:
            raise TokenInvalid(str(exc)) from None

    max_units = state.settings.events.max_batch_lines
    try:
        outcome = accept_events(intake, body, max_units, verify, now)
    except BatchRefused as exc:
        if exc.status == 413:
            raise PayloadTooLarge(exc.message) from exc
        raise InvalidInput(exc.message, field="events") from exc
    except LogError as exc:
        raise ServiceUnavailable("the event log is unavailable; retry the batch") from exc
    if outcome.touches:
        _bill_touches(session, runtime, intake, outcome, now)
    return EventBatchResult(
        accepted=outcome.accepted,
        duplicates=outcome.duplicates,
        rejected=outcome.rejected,
        invalid=outcome.invalid,
        lines=outcome.lines,
        errors=[
            LineError(index=e.index, id=e.id, field=e.field, detail=e.detail)
            for e in outcome.errors
        ],
    )


def _bill_touches(
    session: Session, runtime: Any, intake: EventIntake, outcome: BatchOutcome, now: dt.datetime
) -> None:
    """Bill the durable impressions and clicks (once per resolved bid id) in the request's
    unit of work: the edge commits it, and a failed commit answers an error, so the client's
    retry finds the events as duplicates and bills them then."""
    unavailable = False
    for touch in outcome.touches:
        kind = EventKind(touch.kind)
        tracked = bill(
            runtime, session, intake, touch.token, touch.claims, kind, touch.verdict,
            touch.written, now,
        )  # fmt: skip
        if tracked.outcome is not None and tracked.outcome.status is EventStatus.UNAVAILABLE:
            unavailable = True
    if unavailable:
        # Durable already: a retry is answered as duplicates and billed then (once per bid).
        raise ServiceUnavailable("the state store is unavailable; retry the batch")


@router.post(
    "/batch",
    summary="Record a batch of events of every kind (per-event errors, durable before the answer).",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": batch_schema()}},
        }
    },
    responses={
        400: {"description": "The body is not an event batch."},
        403: {"description": "Not a network-level key with the events scope."},
        413: {"description": "More events and purchase lines than one request may carry."},
        503: {"description": "The event log cannot make events durable; retry."},
    },
)
async def post_events(
    request: Request, principal: PrincipalDep, intake: IntakeDep, session: SessionDep
) -> EventBatchResult:
    """Validate and durably record impressions, clicks, add-to-carts, purchases, plays and
    conversions; answer only once the accepted ones are durable, then bill the ad events."""
    principal.ensure_scope(Scope.EVENTS)
    if not principal.is_network_admin:
        raise Forbidden("events are sent by the network's own systems, not an advertiser")
    body = await request.body()
    return await run_in_threadpool(record_batch, request.app.state, intake, body, session)

"""HTTP edge of event intake: the batch purchase API for POS and loyalty systems.

Callers: the retailer's own systems, i.e. a network-level API key with the `events` scope.
An advertiser's key is refused with 403: purchases are the retailer's data. Each purchase is
validated alone; good ones are made durable before the answer, bad ones come back as errors
with their index and field. A retry of the same purchase id is answered as a duplicate.
"""

from __future__ import annotations

import threading
from typing import Annotated

import msgspec
from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from jarnama.core.errors import Forbidden, InvalidInput, PayloadTooLarge, ServiceUnavailable
from jarnama.deps import PrincipalDep
from jarnama.tenancy.models import Scope
from jarnama.tracking import events as ev
from jarnama.tracking import metrics
from jarnama.tracking.log import LogError
from jarnama.tracking.schemas import (
    LineError,
    PurchaseBatch,
    PurchaseBatchResult,
    purchase_batch_schema,
)
from jarnama.tracking.service import EventIntake, Verdict

router = APIRouter(prefix="/events", tags=["events"])
_intake_lock = threading.Lock()
_batch_decoder = msgspec.json.Decoder(PurchaseBatch)


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

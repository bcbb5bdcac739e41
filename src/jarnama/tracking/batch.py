"""The batch intake of every event kind: wire shapes, per-event errors, one durable write.

A batch is `{"events": [...]}`, each event tagged by `kind`. Ad events do not carry the served
ad's details: they carry its `token` (the signed resolved bid id from the decision), verified
here, so a client cannot invent a campaign, a price or a billing model. A click with no token,
or with one that is not genuine, is kept as invalid traffic (no served decision); any other
event with a bad token is refused with `field: "token"`.

Speed: the whole body is decoded in one msgspec pass straight into the wire structs; only when
that fails is it decoded again item by item, to name each bad event and keep the good ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec

from jarnama.decisioning.tokens import BidClaims
from jarnama.tracking import events as ev
from jarnama.tracking.events import EventId, Id, Instant, ShortText, Sku, Tiyn, UserAgent
from jarnama.tracking.schemas import inline_refs
from jarnama.tracking.service import EventIntake, Verdict

Token = Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]


class TokenInvalid(ValueError):
    """A token that is not a genuine, unexpired resolved bid id."""


class WireEvent(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="kind", forbid_unknown_fields=True
):
    """What every event of a batch has: the client's id (its idempotency key) and instant."""

    id: EventId
    at: Instant


class WireImpression(WireEvent, tag="impression", frozen=True):
    """An ad rendered (and how much of it stayed in view for how long)."""

    token: Token
    visible_percent: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    visible_ms: Annotated[int, msgspec.Meta(ge=0, le=86_400_000)] | None = None
    video: bool = False
    user_agent: UserAgent | None = None


class WireClick(WireEvent, tag="click", frozen=True):
    """A click; without a genuine token it is kept as invalid traffic."""

    token: Token | None = None
    user_agent: UserAgent | None = None


class WireAddToCart(WireEvent, tag="add_to_cart", frozen=True):
    """A product put in the basket, after an ad (`token`) or not."""

    sku: Sku
    quantity: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
    user_id: ShortText | None = None
    token: Token | None = None


class WirePurchase(WireEvent, tag="purchase", frozen=True):
    """An order with its lines, from the till or the web shop."""

    order_id: ShortText
    lines: Annotated[list[ev.PurchaseLine], msgspec.Meta(min_length=1, max_length=10_000)]
    channel: Literal["store", "online"]
    store_code: ShortText | None = None
    user_id: ShortText | None = None


class WirePlay(WireEvent, tag="play", frozen=True):
    """DOOH proof of play, with its audience multiplier."""

    screen_id: ShortText
    creative_id: Id
    duration_ms: Annotated[int, msgspec.Meta(ge=0, le=3_600_000)]
    audience_multiplier: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)] = 1.0
    token: Token | None = None


class WireConversion(WireEvent, tag="conversion", frozen=True):
    """A sale credited to a creator's offer."""

    offer_id: Id
    creator_id: Id
    order_id: ShortText
    amount_tiyn: Tiyn
    promo_code: ShortText | None = None


AnyWireEvent = WireImpression | WireClick | WireAddToCart | WirePurchase | WirePlay | WireConversion


class EventBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The body of `POST /events/batch`, decoded whole (the fast path)."""

    events: list[AnyWireEvent]


class RawEventBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The same body with each event kept raw, so each one fails alone (the slow path)."""

    events: list[msgspec.Raw]


_batch_decoder = msgspec.json.Decoder(EventBatch)
_raw_decoder = msgspec.json.Decoder(RawEventBatch)
_event_decoder: msgspec.json.Decoder[AnyWireEvent] = msgspec.json.Decoder(AnyWireEvent)
_head_decoder = msgspec.json.Decoder(dict[str, Any])


class BatchRefused(ValueError):
    """The whole batch is refused: `status` 400 (not a batch) or 413 (too many lines)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class EventError:
    """Why one event of a batch was refused."""

    index: int
    id: str | None
    field: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class AdTouch:
    """An accepted ad event with a genuine token: what billing needs."""

    token: str
    claims: BidClaims
    kind: Literal["impression", "click"]
    verdict: Verdict
    written: ev.Event


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What happened to a batch, plus the ad events to bill (in order)."""

    accepted: int
    duplicates: int
    rejected: int
    invalid: int
    lines: int
    errors: list[EventError]
    touches: list[AdTouch]


def error_field(message: str) -> str | None:
    """The JSON path in a msgspec error message (`… - at `$.lines[0].sku``)."""
    marker = " - at `$"
    if marker not in message:
        return None
    path = message.rsplit(marker, 1)[1].rstrip("`")
    return path.lstrip(".") or None


def _error(index: int, raw: msgspec.Raw | None, message: str) -> EventError:
    ident: str | None = None
    if raw is not None:
        try:
            value = _head_decoder.decode(raw).get("id")
            ident = value if isinstance(value, str) and len(value) <= 64 else None
        except msgspec.DecodeError:
            pass
    return EventError(index=index, id=ident, field=error_field(message), detail=message[:300])


def units(event: AnyWireEvent) -> int:
    """What an event counts against the batch limit: its lines for a purchase, else 1."""
    return len(event.lines) if isinstance(event, WirePurchase) else 1


def decode_batch(
    body: bytes, max_units: int
) -> tuple[list[tuple[int, AnyWireEvent]], list[EventError]]:
    """The well-formed events of a body (with their index) and an error for each bad one."""
    try:
        return list(enumerate(_batch_decoder.decode(body).events)), []
    except msgspec.ValidationError:
        pass  # some event is bad: decode one by one below
    except msgspec.DecodeError as exc:
        raise BatchRefused(400, f"not an event batch: {exc}") from exc
    try:
        raws = _raw_decoder.decode(body).events
    except msgspec.DecodeError as exc:
        raise BatchRefused(400, f"not an event batch: {exc}") from exc
    if len(raws) > max_units:
        raise BatchRefused(413, f"at most {max_units} events or purchase lines a request")
    good: list[tuple[int, AnyWireEvent]] = []
    errors: list[EventError] = []
    for index, raw in enumerate(raws):
        try:
            good.append((index, _event_decoder.decode(raw)))
        except msgspec.DecodeError as exc:
            errors.append(_error(index, raw, str(exc)))
    return good, errors


Verifier = Callable[[str, dt.datetime], BidClaims]


def accept_events(
    intake: EventIntake,
    body: bytes,
    max_units: int,
    verify: Verifier,
    now: dt.datetime,
) -> BatchOutcome:
    """Validate each event of a batch body, make the good ones durable, report the rest.

    Raises `BatchRefused` for a body that is not a batch or carries too many lines, and
    `LogError` when the log cannot make the events durable (nothing is acknowledged).
    """
    decoded, errors = decode_batch(body, max_units)
    total = sum(units(event) for _, event in decoded)
    if total > max_units:
        raise BatchRefused(413, f"{total} events and purchase lines; at most {max_units} a request")
    events: list[ev.Event] = []
    tokens: list[tuple[str, BidClaims] | None] = []
    claims_of: dict[str, BidClaims | None] = {}

    def claims(token: str | None) -> BidClaims | None:
        if token is None:
            return None
        if token not in claims_of:
            try:
                claims_of[token] = verify(token, now)
            except TokenInvalid:
                claims_of[token] = None
        return claims_of[token]

    for index, wire in decoded:
        if isinstance(wire, WirePurchase):
            events.append(
                ev.Purchase(
                    id=wire.id,
                    at=wire.at,
                    order_id=wire.order_id,
                    lines=wire.lines,
                    channel=wire.channel,
                    store_code=wire.store_code,
                    user_id=wire.user_id,
                )
            )
            tokens.append(None)
            continue
        if isinstance(wire, WireConversion):
            events.append(
                ev.Conversion(
                    id=wire.id,
                    at=wire.at,
                    offer_id=wire.offer_id,
                    creator_id=wire.creator_id,
                    order_id=wire.order_id,
                    amount_tiyn=wire.amount_tiyn,
                    promo_code=wire.promo_code,
                )
            )
            tokens.append(None)
            continue
        claim = claims(wire.token)
        if wire.token is not None and claim is None and not isinstance(wire, WireClick):
            errors.append(
                EventError(index, wire.id, "token", "not a genuine, unexpired resolved bid id")
            )
            continue
        ref = ev.AdRef.from_claims(claim) if claim is not None else None
        tokens.append((wire.token, claim) if wire.token is not None and claim else None)
        events.append(_ad_event(wire, ref))
    errors.sort(key=lambda error: error.index)
    results = intake.submit_classified(events)
    accepted = duplicates = invalid = lines = 0
    touches: list[AdTouch] = []
    for (verdict, written), token in zip(results, tokens, strict=True):
        if verdict is Verdict.ACCEPTED:
            accepted += 1
            if written.ivt is not None:
                invalid += 1
            if isinstance(written, ev.Purchase):
                lines += len(written.lines)
        else:
            duplicates += 1
        if token is not None and isinstance(written, ev.Impression | ev.Click):
            kind: Literal["impression", "click"] = (
                "impression" if isinstance(written, ev.Impression) else "click"
            )
            touches.append(AdTouch(token[0], token[1], kind, verdict, written))
    return BatchOutcome(accepted, duplicates, len(errors), invalid, lines, errors, touches)


def _ad_event(
    wire: WireImpression | WireClick | WireAddToCart | WirePlay, ref: ev.AdRef | None
) -> ev.Event:
    if isinstance(wire, WireImpression):
        assert ref is not None
        return ev.Impression(
            id=wire.id,
            at=wire.at,
            ad=ref,
            visible_percent=wire.visible_percent,
            visible_ms=wire.visible_ms,
            video=wire.video,
            user_agent=wire.user_agent,
        )
    if isinstance(wire, WireClick):
        return ev.Click(id=wire.id, at=wire.at, ad=ref, user_agent=wire.user_agent)
    if isinstance(wire, WireAddToCart):
        return ev.AddToCart(
            id=wire.id,
            at=wire.at,
            sku=wire.sku,
            quantity=wire.quantity,
            user_id=wire.user_id,
            ad=ref,
        )
    return ev.Play(
        id=wire.id,
        at=wire.at,
        screen_id=wire.screen_id,
        creative_id=wire.creative_id,
        duration_ms=wire.duration_ms,
        audience_multiplier=wire.audience_multiplier,
        ad=ref,
    )


def batch_schema() -> dict[str, Any]:
    """The OpenAPI schema of the batch body (generated from the wire structs)."""
    (batch,), components = msgspec.json.schema_components([EventBatch])
    return dict(inline_refs(batch, components))

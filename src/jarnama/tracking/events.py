"""One event model for every channel: msgspec structs, tagged by `kind`, encoded as JSON.

Every event carries a client-chosen `id` (the idempotency key: a retry sends the same id) and
its instant `at` (timezone-aware). Ad events carry an `AdRef`: the claims of the signed
resolved bid id that served the ad, so no event needs a database look-up to be attributed.
`ivt` is set by the intake, never trusted from a client: invalid traffic is kept and counted,
but never billed or reported.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

import msgspec

from jarnama.decisioning.tokens import BidClaims

EventId = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Instant = Annotated[dt.datetime, msgspec.Meta(tz=True)]
Tiyn = Annotated[int, msgspec.Meta(ge=0, le=10**15)]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]
Sku = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
UserAgent = Annotated[str, msgspec.Meta(max_length=1024)]

# MRC viewability: 50% of the pixels in view for 1 continuous second (2 s for video).
MRC_VISIBLE_PERCENT = 50
MRC_DISPLAY_MS = 1000
MRC_VIDEO_MS = 2000


class AdRef(msgspec.Struct, frozen=True, kw_only=True):
    """The served ad an event belongs to (the claims of its resolved bid id)."""

    bid_id: ShortText
    campaign_id: Id
    ad_group_id: Id
    account_id: Id
    placement_id: Id | None = None
    product_id: Id | None = None
    creative_id: Id | None = None
    price_tiyn: Tiyn = 0
    billing: Literal["cpc", "cpm"] = "cpc"
    user_id: ShortText | None = None

    @classmethod
    def from_claims(cls, claims: BidClaims) -> AdRef:
        """The reference of the ad a verified token served."""
        return cls(
            bid_id=claims.bid_id,
            campaign_id=claims.campaign_id,
            ad_group_id=claims.ad_group_id,
            account_id=claims.account_id,
            placement_id=claims.placement_id,
            product_id=claims.product_id,
            creative_id=claims.creative_id,
            price_tiyn=claims.price_tiyn,
            billing="cpm" if claims.billing.value == "cpm" else "cpc",
            user_id=claims.user_id,
        )


class EventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="kind"):
    """What every event has: an id, an instant, and the intake's invalid-traffic verdict."""

    kind_name: ClassVar[str]
    id: EventId
    at: Instant
    ivt: ShortText | None = None


class Impression(EventBase, tag="impression", frozen=True):
    """An ad rendered; viewable (MRC) when enough of it stayed in view long enough."""

    kind_name: ClassVar[str] = "impression"
    ad: AdRef
    visible_percent: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    visible_ms: Annotated[int, msgspec.Meta(ge=0, le=86_400_000)] | None = None
    video: bool = False
    user_agent: UserAgent | None = None

    @property
    def viewable(self) -> bool:
        """Whether the impression met the MRC rule (50% of pixels for 1 s; 2 s for video)."""
        if self.visible_percent is None or self.visible_ms is None:
            return False
        needed = MRC_VIDEO_MS if self.video else MRC_DISPLAY_MS
        return self.visible_percent >= MRC_VISIBLE_PERCENT and self.visible_ms >= needed


class Click(EventBase, tag="click", frozen=True):
    """A click on an ad; one without a served ad (`ad` missing) is invalid traffic."""

    kind_name: ClassVar[str] = "click"
    ad: AdRef | None = None
    user_agent: UserAgent | None = None


class AddToCart(EventBase, tag="add_to_cart", frozen=True):
    """A product put in the basket, after an ad or not."""

    kind_name: ClassVar[str] = "add_to_cart"
    sku: Sku
    quantity: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
    user_id: ShortText | None = None
    ad: AdRef | None = None


class PurchaseLine(msgspec.Struct, frozen=True, kw_only=True):
    """One line of an order: a SKU, how many, and the price of one unit in tiyn."""

    sku: Sku
    quantity: Annotated[int, msgspec.Meta(ge=1, le=100_000)]
    unit_price_tiyn: Tiyn


class Purchase(EventBase, tag="purchase", frozen=True):
    """An order from the till (store) or the web shop (online), with the loyalty user."""

    kind_name: ClassVar[str] = "purchase"
    order_id: ShortText
    lines: Annotated[list[PurchaseLine], msgspec.Meta(min_length=1, max_length=10_000)]
    channel: Literal["store", "online"]
    store_code: ShortText | None = None
    user_id: ShortText | None = None


class Play(EventBase, tag="play", frozen=True):
    """DOOH proof of play: a creative ran on a screen, seen by `audience_multiplier` people."""

    kind_name: ClassVar[str] = "play"
    screen_id: ShortText
    creative_id: Id
    duration_ms: Annotated[int, msgspec.Meta(ge=0, le=3_600_000)]
    audience_multiplier: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)] = 1.0
    ad: AdRef | None = None


class Conversion(EventBase, tag="conversion", frozen=True):
    """A sale credited to a creator's offer (promo code or short link)."""

    kind_name: ClassVar[str] = "conversion"
    offer_id: Id
    creator_id: Id
    order_id: ShortText
    amount_tiyn: Tiyn
    promo_code: ShortText | None = None


class Ghost(EventBase, tag="ghost", frozen=True):
    """An ad a held-out user would have been shown (ghost ads): logged, never shown or billed."""

    kind_name: ClassVar[str] = "ghost"
    ad: AdRef


class Served(EventBase, tag="served", frozen=True):
    """An ad of a holdout campaign placed for a treated user at decision time (rendered or not).

    The ghost's twin: both are logged by the decision, so the lift compares users the campaign
    would reach with users it did reach at the same moment (ghost ads), whatever was rendered.
    """

    kind_name: ClassVar[str] = "served"
    ad: AdRef


Event = Impression | Click | AddToCart | Purchase | Play | Conversion | Ghost | Served
EVENT_TYPES: tuple[type[EventBase], ...] = (
    Impression,
    Click,
    AddToCart,
    Purchase,
    Play,
    Conversion,
    Ghost,
    Served,
)

_encoder = msgspec.json.Encoder()
_decoder: msgspec.json.Decoder[Event] = msgspec.json.Decoder(Event)
_purchase_decoder = msgspec.json.Decoder(Purchase)


def encode(event: Event) -> bytes:
    """The JSON bytes of an event (its `kind` tag included)."""
    return _encoder.encode(event)


def decode(data: bytes) -> Event:
    """The event in JSON bytes; `msgspec.ValidationError` when it is not a valid event."""
    return _decoder.decode(data)


def decode_purchase(data: bytes) -> Purchase:
    """A purchase from JSON bytes whose `kind` may be omitted."""
    return _purchase_decoder.decode(data)


def day_of(event: EventBase) -> dt.date:
    """The UTC calendar day of an event (the analytics store's partition)."""
    return event.at.astimezone(dt.UTC).date()

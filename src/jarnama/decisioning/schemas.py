"""Request and response bodies of the native decision API (`POST /api/v1/decisions`).

These models are the stable contract other front doors translate onto (the Topsort-compatible
`/v2/auctions` and `/v2/events`): build a `DecisionRequestBody`, call
`jarnama.decisioning.service.decide(runtime, body, now)`, translate the `DecisionResponse`.
Shapes are checked here (a malformed body answers 422); rules that need the snapshot or several
fields at once (unknown placement codes, more than 500 candidates, quality scores not aligned
with the candidates) are the service's and answer 400 naming the field, e.g.
`placements[0].candidates.ids`.

The decision route reads its body into the `Lean*` msgspec structs below (same fields, same
constraints, unknown fields refused; ~5x cheaper than pydantic for 500 SKUs) and answers with
the `Wire*` structs, encoded by msgspec into the same JSON as `DecisionResponse`. A body msgspec
refuses is validated again by `DecisionRequestBody`, so a malformed body's 422 names the field
exactly as before, and a body pydantic's lax mode accepts (e.g. `"slots": "2"`) is still
accepted. The pydantic models stay the documented contract (OpenAPI) and the Topsort
translator's.
"""

from __future__ import annotations

import enum
from typing import Annotated

import msgspec
from pydantic import BaseModel, ConfigDict, Field

from jarnama.decisioning.snapshot import Channel

MAX_CANDIDATES = 500
ID_MAX = 2**63 - 1

Id = Annotated[int, Field(gt=0, le=ID_MAX, description="An object id.")]


class CandidateProducts(BaseModel):
    """The retailer's own candidates (e.g. its search results), at most 500.

    Give Jarnama product `ids` or the retailer's `skus` (not both). `quality_scores`, if given,
    has one score in (0, 1] per candidate in the same order and replaces Jarnama's predicted CTR.
    """

    model_config = ConfigDict(extra="forbid")

    ids: list[int] | None = Field(default=None, description="Jarnama product ids.")
    skus: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None, description="The retailer's SKUs."
    )
    quality_scores: list[float] | None = Field(
        default=None, description="One score in (0, 1] per candidate, same order."
    )


class PlacementAsk(BaseModel):
    """One slot group on the page to fill, and what for (query, category or candidates).

    With `candidates` the ads are chosen among them; otherwise Jarnama retrieves promoted
    products matching `search_query` and/or `category_id` (banners use them as context).
    """

    model_config = ConfigDict(extra="forbid")

    placement: str = Field(min_length=1, max_length=64, description="A placement code.")
    slots: int | None = Field(
        default=None, ge=1, le=50, description="Slots to fill (default: the placement's)."
    )
    search_query: str | None = Field(default=None, max_length=500)
    category_id: int | None = Field(default=None, gt=0, le=ID_MAX)
    candidates: CandidateProducts | None = None


class DecisionContext(BaseModel):
    """Where the page view happens: city or store, device and channel."""

    model_config = ConfigDict(extra="forbid")

    city: str | None = Field(default=None, max_length=100)
    store_code: str | None = Field(
        default=None, max_length=64, description="A store code; implies its city."
    )
    device: str | None = Field(default=None, max_length=50, description="e.g. ios, android.")
    channel: Channel | None = Field(
        default=None, description="app, web or in_store (default: the placement's)."
    )


class DecisionRequestBody(BaseModel):
    """One page view: its placements, an opaque user id and the context."""

    model_config = ConfigDict(extra="forbid")

    placements: list[PlacementAsk] = Field(min_length=1, max_length=20)
    user_id: str | None = Field(
        default=None,
        max_length=128,
        description="The retailer's opaque user id (frequency caps, audience segments).",
    )
    context: DecisionContext = Field(default_factory=DecisionContext)


class WinnerKind(enum.StrEnum):
    """What won a slot: a sponsored product or a banner/screen creative."""

    PRODUCT = "product"
    BANNER = "banner"


class BillingModel(enum.StrEnum):
    """Which event is billed: a click (CPC listings) or an impression (CPM banners, screens)."""

    CPC = "cpc"
    CPM = "cpm"


class WinningCreative(BaseModel):
    """The banner or screen creative to render."""

    id: int
    asset_url: str
    width: int
    height: int


class SlotWinner(BaseModel):
    """The ad in one slot, what it costs and where to report its impression and click.

    `price_tiyn` is per click (CPC) or per thousand impressions (CPM). `resolved_bid_id` is a
    signed token: report events with it (`/t/i/…`, `/t/c/…` or the events API).
    """

    rank: int
    kind: WinnerKind
    product_id: int | None = None
    sku: str | None = None
    creative: WinningCreative | None = None
    campaign_id: int
    ad_group_id: int
    resolved_bid_id: str
    billing: BillingModel
    price_tiyn: int
    impression_url: str
    click_url: str


class PlacementResult(BaseModel):
    """The winners of one placement, best first (fewer than its slots when nothing clears)."""

    placement: str
    slots: int
    winners: list[SlotWinner]
    # Only when the service runs non-strict (the Topsort translator): why this placement failed.
    error: str | None = None


class DecisionResponse(BaseModel):
    """The answer to a `DecisionRequestBody`, placement by placement, in request order."""

    decision_id: str
    snapshot_version: int
    placements: list[PlacementResult]


# --- the decision route's own decoding and encoding (msgspec) ---------------------------


class LeanCandidates(msgspec.Struct, forbid_unknown_fields=True):
    """`CandidateProducts` as msgspec decodes it."""

    ids: list[int] | None = None
    skus: list[Annotated[str, msgspec.Meta(min_length=1, max_length=64)]] | None = None
    quality_scores: list[float] | None = None


class LeanPlacementAsk(msgspec.Struct, forbid_unknown_fields=True):
    """`PlacementAsk` as msgspec decodes it."""

    placement: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    slots: Annotated[int, msgspec.Meta(ge=1, le=50)] | None = None
    search_query: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    category_id: Annotated[int, msgspec.Meta(gt=0, le=ID_MAX)] | None = None
    candidates: LeanCandidates | None = None


class LeanContext(msgspec.Struct, forbid_unknown_fields=True):
    """`DecisionContext` as msgspec decodes it."""

    city: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    store_code: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    device: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    channel: Channel | None = None


class LeanRequestBody(msgspec.Struct, forbid_unknown_fields=True):
    """`DecisionRequestBody` as msgspec decodes it."""

    placements: Annotated[list[LeanPlacementAsk], msgspec.Meta(min_length=1, max_length=20)]
    user_id: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    context: LeanContext = msgspec.field(default_factory=LeanContext)


# What the service reads of a request: both shapes have the same attributes.
AnyRequestBody = DecisionRequestBody | LeanRequestBody
_decode_lean = msgspec.json.Decoder(LeanRequestBody).decode


def decode_request(raw: bytes) -> AnyRequestBody:
    """A decision body from JSON bytes: msgspec's strict decoding, else pydantic's.

    Raises pydantic's `ValidationError` (the route's 422) for a body both refuse.
    """
    try:
        return _decode_lean(raw)
    except msgspec.DecodeError:  # malformed JSON or a refused value (ValidationError)
        return DecisionRequestBody.model_validate_json(raw)


class WireCreative(msgspec.Struct):
    """`WinningCreative` as msgspec encodes it."""

    id: int
    asset_url: str
    width: int
    height: int


class WireWinner(msgspec.Struct):
    """`SlotWinner` as msgspec encodes it (same fields, same order)."""

    rank: int
    kind: WinnerKind
    product_id: int | None
    sku: str | None
    creative: WireCreative | None
    campaign_id: int
    ad_group_id: int
    resolved_bid_id: str
    billing: BillingModel
    price_tiyn: int
    impression_url: str
    click_url: str


class WirePlacement(msgspec.Struct):
    """`PlacementResult` as msgspec encodes it."""

    placement: str
    slots: int
    winners: list[WireWinner]
    error: str | None = None


class WireDecision(msgspec.Struct):
    """`DecisionResponse` as msgspec encodes it: the same JSON, byte for byte."""

    decision_id: str
    snapshot_version: int
    placements: list[WirePlacement]

    def to_response(self) -> DecisionResponse:
        """The pydantic `DecisionResponse` of this decision (values already checked)."""
        return DecisionResponse.model_construct(
            decision_id=self.decision_id,
            snapshot_version=self.snapshot_version,
            placements=[
                PlacementResult.model_construct(
                    placement=p.placement,
                    slots=p.slots,
                    winners=[_slot_winner(w) for w in p.winners],
                    error=p.error,
                )
                for p in self.placements
            ],
        )


def _slot_winner(winner: WireWinner) -> SlotWinner:
    creative = winner.creative
    return SlotWinner.model_construct(
        rank=winner.rank,
        kind=winner.kind,
        product_id=winner.product_id,
        sku=winner.sku,
        creative=None
        if creative is None
        else WinningCreative.model_construct(
            id=creative.id,
            asset_url=creative.asset_url,
            width=creative.width,
            height=creative.height,
        ),
        campaign_id=winner.campaign_id,
        ad_group_id=winner.ad_group_id,
        resolved_bid_id=winner.resolved_bid_id,
        billing=winner.billing,
        price_tiyn=winner.price_tiyn,
        impression_url=winner.impression_url,
        click_url=winner.click_url,
    )


encode_decision = msgspec.json.Encoder().encode

"""The Topsort v2 auction and event objects, field for field as the published OpenAPI has them.

Source: Topsort's `topsort-api-v2.yml` (Apache-2.0), components `SponsoredListingsAuction`,
`BannersAuction`, `AuctionResult`, `EventsRequest`, `Impression`, `Click`, `Purchase`,
`PageView` and `Error`. Names are camelCase on the wire (aliases); request objects the spec
closes (`additionalProperties: false`: the events) refuse unknown fields, the auction objects
ignore them as the spec allows. Limits are the spec's: at most 5 auctions per request, 1–40
slots, at most 10,000 product ids, at most 50 events of each kind per batch.

Validation failures that the spec names get its error code through `PydanticCustomError`
types (`missing_context`, `no_products`, `empty_request` …); `translate.topsort_error`
turns the rest into `bad_request`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

MAX_AUCTIONS = 5
MAX_SLOTS = 40
MAX_PRODUCT_IDS = 10_000
MAX_EVENTS_PER_KIND = 50
MAX_EXTERNAL_BIDS = 100

NonEmpty = Annotated[str, Field(min_length=1)]
QualityScore = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
SlotsCount = Annotated[
    int,
    Field(ge=1, le=MAX_SLOTS, description="The most winners this auction may return."),
]


class _Wire(BaseModel):
    """camelCase on the wire; unknown fields ignored (the auction objects are open)."""

    model_config = ConfigDict(alias_generator=to_camel, frozen=True)


class _ClosedWire(_Wire):
    """A wire object the spec closes with `additionalProperties: false`."""

    model_config = ConfigDict(extra="forbid")


class _ResponseWire(BaseModel):
    """An object Jarnama answers with (built by field name, rendered in camelCase)."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, frozen=True)


# --- auctions: request ---------------------------------------------------------------------


class SingleCategory(_Wire):
    """One category of the bids that take part."""

    id: NonEmpty


class CategoryConjunction(_Wire):
    """Categories a product must all belong to."""

    ids: list[NonEmpty] = Field(min_length=1)


class CategoryDisjunctions(_Wire):
    """Groups of categories: a product must belong to one category of every group."""

    disjunctions: list[Annotated[list[NonEmpty], Field(min_length=1)]] = Field(
        min_length=1, max_length=5
    )


AuctionCategory = SingleCategory | CategoryConjunction | CategoryDisjunctions


class Products(_Wire):
    """The retailer's candidate products, with optional quality scores in (0, 1] by index."""

    ids: list[NonEmpty] = Field(min_length=1, max_length=MAX_PRODUCT_IDS)
    quality_scores: list[QualityScore] | None = Field(
        default=None, min_length=1, max_length=MAX_PRODUCT_IDS
    )

    @model_validator(mode="after")
    def _scores_match_ids(self) -> Products:
        """`qualityScores` must be as long as `ids` (the spec's rule)."""
        if self.quality_scores is not None and len(self.quality_scores) != len(self.ids):
            raise PydanticCustomError(
                "bad_request", "products.qualityScores must have as many entries as products.ids"
            )
        return self


class GeoTargeting(_Wire):
    """Where the auction runs (a city name)."""

    location: str


class PageContext(_Wire):
    """The page the auction or event belongs to (Topsort `Page`)."""

    type: Literal["home", "category", "PDP", "search", "cart", "other"]
    page_id: str
    value: str | Annotated[list[str], Field(min_length=1)] | None = None


class AttributesFilter(_Wire):
    """A product attribute filter (accepted; Jarnama holds no product attributes)."""

    operator: Literal["and", "or"] | None = None
    attributes: list[Annotated[str, Field(max_length=81)]] | None = Field(
        default=None, max_length=5
    )


class ExternalBidEntity(_Wire):
    """The product an external bid is for."""

    type: Literal["product"]
    id: str


class ExternalBid(_Wire):
    """A bid from an external demand source."""

    charge_type: Literal["CPC"]
    entity: ExternalBidEntity
    bid_amount: Decimal
    metadata: dict[str, Any] | None = None


class DemandSource(_Wire):
    """External demand (e.g. Criteo) taking part in a listings auction."""

    source: Literal["criteo"]
    bids: list[ExternalBid]


class SponsoredListingsAuction(_Wire):
    """A sponsored listings auction: `products`, `category` or `searchQuery` give the context."""

    type: Literal["listings"]
    slots: SlotsCount
    category: AuctionCategory | None = None
    search_query: str | None = None
    products: Products | None = None
    geo_targeting: GeoTargeting | None = None
    opaque_user_id: str | None = None
    placement_id: int | None = Field(default=None, ge=-(2**31), lt=2**31)
    page: PageContext | None = None
    filter: AttributesFilter | None = None
    demand_sources: list[DemandSource] | None = None

    @model_validator(mode="after")
    def _one_context(self) -> SponsoredListingsAuction:
        """Exactly one of `products` and `category`, or at least a `searchQuery`."""
        if self.products is not None and self.category is not None:
            raise PydanticCustomError(
                "bad_request", "set exactly one of products and category, not both"
            )
        if self.products is None and self.category is None and not self.search_query:
            raise PydanticCustomError(
                "missing_context", "a listings auction needs products, category or searchQuery"
            )
        if self.demand_sources is not None:
            total = sum(len(source.bids) for source in self.demand_sources)
            if total > MAX_EXTERNAL_BIDS:
                raise PydanticCustomError(
                    "too_many_external_bids", "at most 100 external bids across demand sources"
                )
        return self


class BannersAuction(_Wire):
    """A banner auction for one banner slot (`slotId`)."""

    type: Literal["banners"]
    slots: SlotsCount
    slot_id: NonEmpty
    category: AuctionCategory | None = None
    search_query: str | None = None
    device: Literal["desktop", "mobile"] = "desktop"
    geo_targeting: GeoTargeting | None = None
    products: Products | None = None
    opaque_user_id: str | None = None
    placement_id: int | None = Field(default=None, ge=-(2**31), lt=2**31)
    page: PageContext | None = None


AuctionRequest = Annotated[SponsoredListingsAuction | BannersAuction, Field(discriminator="type")]


class AuctionsRequest(_Wire):
    """A batch of 1–5 auctions (`POST /v2/auctions`)."""

    auctions: list[AuctionRequest] = Field(min_length=1, max_length=MAX_AUCTIONS)


# --- auctions: response --------------------------------------------------------------------


class ListingWinner(_ResponseWire):
    """A winning sponsored listing (Topsort `SponsoredListingsWinner`)."""

    rank: int = Field(ge=1)
    type: Literal["product", "vendor", "brand", "url"]
    id: str
    resolved_bid_id: str
    campaign_id: str


class AssetSource(_ResponseWire):
    """One source of a banner asset."""

    url: str
    content: dict[str, Any] | None = None


class BannerWinner(_ResponseWire):
    """A winning banner (Topsort `BannersWinner`)."""

    rank: int = Field(ge=1)
    type: Literal["product", "vendor", "brand", "url"]
    id: str
    resolved_bid_id: str
    campaign_id: str | None = None
    asset: list[AssetSource] = Field(min_length=1)


class ListingsAuctionResult(_ResponseWire):
    """The winners of one listings auction, best first; `error` is true if it failed."""

    result_type: Literal["listings"] = "listings"
    winners: list[ListingWinner]
    error: bool = False


class BannersAuctionResult(_ResponseWire):
    """The winners of one banner auction, best first; `error` is true if it failed."""

    result_type: Literal["banners"] = "banners"
    winners: list[BannerWinner]
    error: bool = False


AuctionResult = ListingsAuctionResult | BannersAuctionResult


class AuctionsResponse(_ResponseWire):
    """One result per requested auction, in request order."""

    results: list[AuctionResult] = Field(min_length=1, max_length=MAX_AUCTIONS)


# --- events --------------------------------------------------------------------------------


class EventEntity(_ClosedWire):
    """The organic entity an event is about (ignored when `resolvedBidId` is set)."""

    id: NonEmpty
    type: Literal["product", "vendor"]


class EventPlacement(_ClosedWire):
    """Where on the page the ad was (Topsort `Placement`)."""

    path: NonEmpty
    position: int | None = Field(default=None, ge=1)
    page: int | None = Field(default=None, ge=1)
    page_size: int | None = Field(default=None, ge=1)
    product_id: NonEmpty | None = None
    category_ids: list[NonEmpty] | None = Field(default=None, min_length=1)
    search_query: NonEmpty | None = None


class InteractionObject(_Wire):
    """What kind of object an organic event was on."""

    type: Literal["listing", "banner"]
    asset_id: str | None = None
    click_type: Literal["product", "like", "add-to-cart"] | None = None


Channel = Literal["onsite", "offsite", "instore"]
DeviceType = Literal["desktop", "mobile"]


class _Interaction(_ClosedWire):
    """The fields impressions and clicks share."""

    id: NonEmpty
    occurred_at: AwareDatetime
    opaque_user_id: str
    resolved_bid_id: str | None = None
    entity: EventEntity | None = None
    placement: EventPlacement | None = None
    additional_attribution: EventEntity | None = None
    page: PageContext | None = None
    object: InteractionObject | None = None
    external_campaign_id: str | None = None
    external_vendor_id: str | None = None
    device_type: DeviceType | None = None
    channel: Channel | None = None


class Impression(_Interaction):
    """An ad (with `resolvedBidId`) or an organic entity became visible."""


class Click(_Interaction):
    """An ad (with `resolvedBidId`) or an organic entity was clicked."""

    click_type: Literal["product", "like", "add-to-cart"] | None = None


class PurchaseItem(_ClosedWire):
    """One line of an order; `unitPrice` in tenge (exact decimal, never a float)."""

    product_id: NonEmpty
    unit_price: Decimal = Field(gt=0, allow_inf_nan=False)
    quantity: int = Field(default=1, ge=1, le=2**31 - 1)
    vendor_id: NonEmpty | None = None


class Purchase(_ClosedWire):
    """An order the user placed (kept for measurement)."""

    id: NonEmpty
    occurred_at: AwareDatetime
    opaque_user_id: str
    items: list[PurchaseItem] = Field(min_length=1)
    device_type: DeviceType | None = None
    channel: Channel | None = None


class PageView(_ClosedWire):
    """A page the user visited (organic)."""

    id: NonEmpty
    occurred_at: AwareDatetime
    opaque_user_id: str
    page: PageContext
    device_type: DeviceType | None = None
    channel: Channel | None = None


class EventsRequest(_ClosedWire):
    """A batch of events (`POST /v2/events`): up to 50 of each kind, at least one kind."""

    impressions: list[Impression] | None = Field(default=None, max_length=MAX_EVENTS_PER_KIND)
    clicks: list[Click] | None = Field(default=None, max_length=MAX_EVENTS_PER_KIND)
    purchases: list[Purchase] | None = Field(default=None, max_length=MAX_EVENTS_PER_KIND)
    pageviews: list[PageView] | None = Field(default=None, max_length=MAX_EVENTS_PER_KIND)

    @model_validator(mode="before")
    @classmethod
    def _not_empty(cls, data: Any) -> Any:
        """The spec's `minProperties: 1`: an empty object is `empty_request`."""
        if isinstance(data, dict) and not data:
            raise PydanticCustomError("empty_request", "the request has no events")
        return data


# --- errors --------------------------------------------------------------------------------

ErrorCode = Literal[
    "bad_request",
    "empty_request",
    "internal_server_error",
    "invalid_api_key",
    "invalid_auction_id",
    "invalid_demand_source",
    "invalid_event_type",
    "invalid_external_bid",
    "invalid_external_demand_ad_type",
    "invalid_promotion_type",
    "invalid_session",
    "missing_auctions",
    "missing_context",
    "missing_placement",
    "missing_product_id",
    "missing_promotion_type",
    "missing_purchased_at",
    "missing_session",
    "missing_slot_id",
    "missing_slots",
    "no_products",
    "no_purchase_items",
    "purchase_item_quantity_less_or_equal_than_zero",
    "resolved_bid_id_not_found",
    "too_few_impressions",
    "too_few_slots",
    "too_many_auctions",
    "too_many_external_bids",
    "unauthorized_external_demand",
]
ERROR_CODES: frozenset[str] = frozenset(ErrorCode.__args__)  # type: ignore[attr-defined]


class TopsortError(_ResponseWire):
    """Topsort's error body: a stable `errCode` and a human-readable `message`."""

    err_code: ErrorCode
    message: str | None = None
    doc_url: str | None = None

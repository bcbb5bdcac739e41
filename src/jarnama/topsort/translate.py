"""Pure translators between the Topsort v2 objects and Jarnama's native decision API.

Like a prebid bidder adapter: no I/O, no clock, no database. `plan_auction` turns one Topsort
auction into a native `DecisionRequestBody` (or answers it at once when it cannot match);
`auction_result` turns the native `PlacementResult` back into a Topsort result;
`interactions` lists the events to charge; `topsort_error` maps validation errors onto
Topsort's `errCode`s.

Which placement a Topsort auction runs on (`PlacementRouting`, configured under
`JARNAMA_TOPSORT__…`):

- listings: the placement mapped from `placementId` if there is one; else the product-page
  placement for `page.type = PDP`; else the search placement when `searchQuery` is set; else
  the category placement when `category` is set; else the default listings placement.
- banners: the placement mapped from `slotId`, else the placement whose code is the `slotId`.

Topsort product ids are the retailer's SKUs; Topsort category ids are Jarnama category paths
(`dairy/milk`) or ids (`"42"`). The native API takes one category: a conjunction (`ids`, or
disjunctions of one category each) of categories on one branch runs on the deepest of them,
categories on different branches cannot all hold a product (no winners); a disjunction of
several categories is not supported (the auction answers `error: true`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from jarnama.decisioning.schemas import (
    MAX_CANDIDATES,
    CandidateProducts,
    DecisionContext,
    DecisionRequestBody,
    PlacementAsk,
    PlacementResult,
    SlotWinner,
    WinnerKind,
)
from jarnama.topsort.schemas import (
    ERROR_CODES,
    AssetSource,
    AuctionCategory,
    AuctionResult,
    BannersAuction,
    BannersAuctionResult,
    BannerWinner,
    CategoryConjunction,
    CategoryDisjunctions,
    EventsRequest,
    ListingsAuctionResult,
    ListingWinner,
    SingleCategory,
    SponsoredListingsAuction,
    TopsortError,
)

MAX_QUERY_CHARS = 500
MAX_USER_ID_CHARS = 128
MAX_CITY_CHARS = 100

Auction = SponsoredListingsAuction | BannersAuction


@dataclass(frozen=True, slots=True)
class PlacementRouting:
    """Which Jarnama placement code a Topsort auction runs on."""

    listings_default: str = "search-results"
    listings_search: str = "search-results"
    listings_category: str = "category-page"
    listings_product_page: str = "product-page"
    # Topsort `placementId` (the retailer's number) → placement code; wins over the rules.
    placement_ids: Mapping[int, str] = field(default_factory=dict)
    # Topsort banner `slotId` → placement code; an unmapped slot id is taken as the code.
    banner_slots: Mapping[str, str] = field(default_factory=dict)

    def listings_placement(self, auction: SponsoredListingsAuction) -> str:
        """The placement code of a listings auction (see the module docstring)."""
        if auction.placement_id is not None and auction.placement_id in self.placement_ids:
            return self.placement_ids[auction.placement_id]
        if auction.page is not None and auction.page.type == "PDP":
            return self.listings_product_page
        if auction.search_query:
            return self.listings_search
        if auction.category is not None:
            return self.listings_category
        return self.listings_default

    def banners_placement(self, auction: BannersAuction) -> str:
        """The placement code of a banner auction: its mapped slot, else the slot id itself."""
        if auction.placement_id is not None and auction.placement_id in self.placement_ids:
            return self.placement_ids[auction.placement_id]
        return self.banner_slots.get(auction.slot_id, auction.slot_id)


@dataclass(frozen=True, slots=True)
class CategoryRef:
    """A Jarnama category: its id and its path of codes from the root (`dairy/milk`)."""

    id: int
    path: str

    def contains(self, other: CategoryRef) -> bool:
        """True if `other` is this category or one below it."""
        return other.path == self.path or other.path.startswith(self.path + "/")


class CategoryDirectory:
    """Topsort category ids (a Jarnama category path, or its id as text) → Jarnama categories."""

    def __init__(self, paths: Mapping[str, int]) -> None:
        self._by_key: dict[str, CategoryRef] = {}
        for path, category_id in paths.items():
            ref = CategoryRef(category_id, path)
            self._by_key[path] = ref
            self._by_key[str(category_id)] = ref

    def get(self, key: str) -> CategoryRef | None:
        """The category a Topsort category id names, if any."""
        return self._by_key.get(key.strip().strip("/"))

    def __len__(self) -> int:
        return len(self._by_key)


# Why a category context gives no native category: nothing can match, or it is unsupported.
NoCategory = Literal["no_match", "unsupported"]
NO_MATCH: NoCategory = "no_match"
UNSUPPORTED: NoCategory = "unsupported"


def resolve_category(
    category: AuctionCategory, directory: CategoryDirectory
) -> CategoryRef | NoCategory:
    """The one native category equivalent to a Topsort category context, if there is one."""
    if isinstance(category, SingleCategory):
        keys: list[str] = [category.id]
    elif isinstance(category, CategoryConjunction):
        keys = list(category.ids)
    else:
        assert isinstance(category, CategoryDisjunctions)
        if any(len(group) > 1 for group in category.disjunctions):
            return UNSUPPORTED
        keys = [group[0] for group in category.disjunctions]
    refs: list[CategoryRef] = []
    for key in keys:
        ref = directory.get(key)
        if ref is None:
            return NO_MATCH  # no product belongs to an unknown category
        refs.append(ref)
    deepest = max(refs, key=lambda ref: ref.path.count("/"))
    if all(ref.contains(deepest) for ref in refs):
        return deepest
    return NO_MATCH  # categories on different branches hold no product together


def _user_id(opaque_user_id: str | None) -> str | None:
    """The native user id: Topsort's own, or its SHA-256 when longer than the native limit."""
    if not opaque_user_id:
        return None
    if len(opaque_user_id) <= MAX_USER_ID_CHARS:
        return opaque_user_id
    return "sha256:" + hashlib.sha256(opaque_user_id.encode()).hexdigest()


def empty_result(auction: Auction, *, error: bool) -> AuctionResult:
    """A result without winners (`error` true when the auction could not run)."""
    if isinstance(auction, BannersAuction):
        return BannersAuctionResult(winners=[], error=error)
    return ListingsAuctionResult(winners=[], error=error)


def plan_auction(
    auction: Auction, routing: PlacementRouting, categories: CategoryDirectory
) -> DecisionRequestBody | AuctionResult:
    """The native request running this Topsort auction, or its result if it needs none.

    Candidates beyond the native limit of 500 are dropped from the end (the spec recommends
    at most 500; the retailer lists its best first).
    """
    if isinstance(auction, BannersAuction):
        placement = routing.banners_placement(auction)
    else:
        placement = routing.listings_placement(auction)
    category_id: int | None = None
    if auction.category is not None:
        resolved = resolve_category(auction.category, categories)
        if not isinstance(resolved, CategoryRef):
            return empty_result(auction, error=resolved == UNSUPPORTED)
        category_id = resolved.id
    candidates: CandidateProducts | None = None
    if auction.products is not None:
        scores = auction.products.quality_scores
        candidates = CandidateProducts(
            skus=[sku[:64] for sku in auction.products.ids[:MAX_CANDIDATES]],
            quality_scores=None if scores is None else list(scores[:MAX_CANDIDATES]),
        )
    query = (auction.search_query or "").strip()[:MAX_QUERY_CHARS] or None
    city = None if auction.geo_targeting is None else auction.geo_targeting.location.strip()
    device = auction.device if isinstance(auction, BannersAuction) else None
    return DecisionRequestBody(
        placements=[
            PlacementAsk(
                placement=placement[:64],
                slots=auction.slots,
                search_query=query,
                category_id=category_id,
                candidates=candidates,
            )
        ],
        user_id=_user_id(auction.opaque_user_id),
        context=DecisionContext(city=(city or None) and city[:MAX_CITY_CHARS], device=device),
    )


def _listing_winner(winner: SlotWinner) -> ListingWinner:
    return ListingWinner(
        rank=winner.rank,
        type="product",
        id=winner.sku or str(winner.product_id),
        resolved_bid_id=winner.resolved_bid_id,
        campaign_id=str(winner.campaign_id),
    )


def _banner_winner(winner: SlotWinner) -> BannerWinner | None:
    creative = winner.creative
    if creative is None:
        return None
    content: dict[str, Any] = {
        "width": creative.width,
        "height": creative.height,
        # The signed redirect to the advertiser's landing page (counts the click itself).
        "clickUrl": winner.click_url,
        "impressionUrl": winner.impression_url,
    }
    promoted = winner.sku or (None if winner.product_id is None else str(winner.product_id))
    return BannerWinner(
        rank=winner.rank,
        type="product" if promoted else "url",
        id=promoted or winner.click_url,
        resolved_bid_id=winner.resolved_bid_id,
        campaign_id=str(winner.campaign_id),
        asset=[AssetSource(url=creative.asset_url, content=content)],
    )


def auction_result(auction: Auction, result: PlacementResult) -> AuctionResult:
    """The Topsort result of one auction from the native placement result, best first."""
    if result.error is not None:
        return empty_result(auction, error=True)
    if isinstance(auction, BannersAuction):
        banners = [
            banner
            for winner in result.winners
            if winner.kind is WinnerKind.BANNER and (banner := _banner_winner(winner)) is not None
        ]
        return BannersAuctionResult(winners=banners[: auction.slots], error=False)
    listings = [_listing_winner(w) for w in result.winners if w.kind is WinnerKind.PRODUCT]
    return ListingsAuctionResult(winners=listings[: auction.slots], error=False)


# --- events --------------------------------------------------------------------------------

EventName = Literal["impression", "click"]


@dataclass(frozen=True, slots=True)
class Interaction:
    """One sponsored impression or click to record against its resolved bid id."""

    kind: EventName
    resolved_bid_id: str
    event_id: str


@dataclass(frozen=True, slots=True)
class EventTally:
    """How many events of each kind a batch carried (organic ones are counted, not charged)."""

    sponsored_impressions: int = 0
    sponsored_clicks: int = 0
    organic_impressions: int = 0
    organic_clicks: int = 0
    purchases: int = 0
    purchase_items: int = 0
    pageviews: int = 0

    def as_counts(self) -> dict[str, int]:
        """The tally as `{event kind: count}` for metrics."""
        return {
            "impression_sponsored": self.sponsored_impressions,
            "click_sponsored": self.sponsored_clicks,
            "impression_organic": self.organic_impressions,
            "click_organic": self.organic_clicks,
            "purchase": self.purchases,
            "pageview": self.pageviews,
        }


def interactions(request: EventsRequest) -> list[Interaction]:
    """The sponsored impressions and clicks (those with a `resolvedBidId`), in batch order."""
    found: list[Interaction] = []
    for impression in request.impressions or ():
        if impression.resolved_bid_id:
            found.append(Interaction("impression", impression.resolved_bid_id, impression.id))
    for click in request.clicks or ():
        if click.resolved_bid_id:
            found.append(Interaction("click", click.resolved_bid_id, click.id))
    return found


def tally(request: EventsRequest) -> EventTally:
    """Count the batch's events by kind."""
    impressions = request.impressions or []
    clicks = request.clicks or []
    purchases = request.purchases or []
    sponsored_impressions = sum(1 for e in impressions if e.resolved_bid_id)
    sponsored_clicks = sum(1 for e in clicks if e.resolved_bid_id)
    return EventTally(
        sponsored_impressions=sponsored_impressions,
        sponsored_clicks=sponsored_clicks,
        organic_impressions=len(impressions) - sponsored_impressions,
        organic_clicks=len(clicks) - sponsored_clicks,
        purchases=len(purchases),
        purchase_items=sum(len(p.items) for p in purchases),
        pageviews=len(request.pageviews or []),
    )


# --- errors --------------------------------------------------------------------------------

Endpoint = Literal["auctions", "events"]


def _where(location: Iterable[Any]) -> tuple[str | int, ...]:
    """The location inside the body, without FastAPI's `body` and pydantic's union tags."""
    parts = list(location)
    if parts and parts[0] == "body":
        parts = parts[1:]
    return tuple(p for p in parts if p not in ("listings", "banners"))


def _error_code(error: Mapping[str, Any], endpoint: Endpoint) -> str:
    """The Topsort `errCode` of one validation error (`bad_request` when none fits better)."""
    kind = str(error.get("type", ""))
    if kind in ERROR_CODES:
        return kind  # raised by a model validator with the spec's own code
    where = _where(error.get("loc", ()))
    last = where[-1] if where else None
    if endpoint == "auctions":
        if not where or where == ("auctions",):
            if kind == "too_long":
                return "too_many_auctions"
            return "missing_auctions" if kind in ("missing", "too_short") else "bad_request"
        if last == "slots":
            if kind == "missing":
                return "missing_slots"
            return "too_few_slots" if kind == "greater_than_equal" else "bad_request"
        if last == "slotId" and kind in ("missing", "string_too_short"):
            return "missing_slot_id"
        if last == "type" and kind == "missing":
            return "missing_promotion_type"
        if kind == "union_tag_invalid":
            return "invalid_promotion_type"
        if kind == "union_tag_not_found":
            return "missing_promotion_type"
        if where[-2:] == ("products", "ids") and kind in ("missing", "too_short"):
            return "no_products"
        if "demandSources" in where:
            return "invalid_external_bid" if "bids" in where else "invalid_demand_source"
        return "bad_request"
    if not where:
        return "empty_request" if kind == "missing" else "bad_request"
    if len(where) == 1 and kind == "extra_forbidden":
        return "invalid_event_type"
    if where[0] == "purchases":
        if last == "occurredAt" and kind == "missing":
            return "missing_purchased_at"
        if last == "items" and kind in ("missing", "too_short"):
            return "no_purchase_items"
        if last == "quantity" and kind == "greater_than_equal":
            return "purchase_item_quantity_less_or_equal_than_zero"
        if last == "productId" and kind in ("missing", "string_too_short"):
            return "missing_product_id"
    return "bad_request"


def _dotted(location: Iterable[Any]) -> str:
    return ".".join(str(part) for part in _where(location)) or "body"


def topsort_error(errors: Sequence[Mapping[str, Any]], endpoint: Endpoint) -> TopsortError:
    """One Topsort error body for a failed validation: the first error's code, every message."""
    if not errors:
        return TopsortError(err_code="bad_request", message="invalid request")
    message = "; ".join(f"{_dotted(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors)
    return TopsortError(
        err_code=_error_code(errors[0], endpoint),
        message=message[:2000],
    )

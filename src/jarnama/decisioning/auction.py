"""The per-request auction: eligibility, ranking, deduplication and pricing on a snapshot.

`decide(snapshot, request, deps)` is pure apart from what `deps` provides (the serving state,
the ranker, a random source for pacing, the bid id generator). It never raises for bad
input: request problems come back as a typed `error` per placement, and every ad left out
is counted under a `RejectionReason` (with its OpenRTB loss code) for metrics.

Per placement: candidates are the retailer's product ids, or are retrieved from the
keyword/category indexes; each (product, ad group) pair passes product checks (active, in
stock, in the request's store), ad group checks memoised per request (campaign schedule,
daypart, budget, pacing coin, frequency caps, channel/location/audience, keyword or
category context) and the reserve; score = quality (ppm) * effective bid (tiyn); the best
distinct ones win (one per product and per advertiser unless the placement allows more);
each pays the second price (or its bid under first-price networks).
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import heapq
import math
import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from jarnama.core.time import ALMATY
from jarnama.decisioning.pricing import first_price, second_price
from jarnama.decisioning.ranking import PPM, Ranker
from jarnama.decisioning.snapshot import (
    AdKind,
    Channel,
    CompiledAdGroup,
    CompiledCampaign,
    CompiledPlacement,
    CreativeSpec,
    DecisionSnapshot,
    PricingRule,
)
from jarnama.decisioning.state import MTIYN_PER_TIYN, ServingState
from jarnama.decisioning.text import terms


class RejectionReason(enum.StrEnum):
    """Why an ad (or a whole placement request) did not win."""

    # Request problems (the placement's `error`).
    INVALID_TIMESTAMP = "invalid_timestamp"
    UNKNOWN_PLACEMENT = "unknown_placement"
    INVALID_SLOTS = "invalid_slots"
    TOO_MANY_CANDIDATES = "too_many_candidates"
    INVALID_QUALITY_SCORES = "invalid_quality_scores"
    # Per product.
    UNKNOWN_PRODUCT = "unknown_product"
    PRODUCT_INACTIVE = "product_inactive"
    OUT_OF_STOCK = "out_of_stock"
    # Per campaign.
    OUT_OF_SCHEDULE = "out_of_schedule"
    OUTSIDE_DAYPART = "outside_daypart"
    BUDGET_EXHAUSTED = "budget_exhausted"
    PACING_THROTTLED = "pacing_throttled"
    # Per ad group.
    PLACEMENT_MISMATCH = "placement_mismatch"
    FREQUENCY_CAPPED = "frequency_capped"
    CHANNEL_MISMATCH = "channel_mismatch"
    LOCATION_MISMATCH = "location_mismatch"
    AUDIENCE_MISMATCH = "audience_mismatch"
    NEGATIVE_KEYWORD = "negative_keyword"
    KEYWORD_MISMATCH = "keyword_mismatch"
    CATEGORY_MISMATCH = "category_mismatch"
    NOT_RELEVANT = "not_relevant"
    NO_CREATIVE = "no_creative"
    # In the auction.
    BELOW_RESERVE = "below_reserve"
    DUPLICATE_PRODUCT = "duplicate_product"
    DUPLICATE_ADVERTISER = "duplicate_advertiser"
    OUTBID = "outbid"


# OpenRTB 2.6 loss reason codes; 1000+ are exchange-specific (ours).
_STANDARD_LOSS_CODES = {
    RejectionReason.BELOW_RESERVE: 100,
    RejectionReason.OUTBID: 102,
    RejectionReason.NO_CREATIVE: 203,
    RejectionReason.DUPLICATE_ADVERTISER: 205,
}
LOSS_CODES: Mapping[RejectionReason, int] = {
    reason: _STANDARD_LOSS_CODES.get(reason, 1000 + index)
    for index, reason in enumerate(RejectionReason)
}


@dataclass(frozen=True, slots=True)
class PlacementRequest:
    """One placement (slot group) on the page and what to fill it for."""

    placement_id: int
    slots: int | None = None
    query: str | None = None
    category_id: int | None = None
    # The retailer's own candidates (search results), at most `rules.max_candidates`.
    product_ids: tuple[int, ...] | None = None
    # Optional quality per candidate in (0, 1], replacing the ranker's prediction.
    quality_scores: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """One page view: its instant (aware), placements, user and context."""

    at: dt.datetime
    placements: tuple[PlacementRequest, ...]
    user_id: str | None = None
    city: str | None = None
    store_id: int | None = None
    channel: Channel | None = None
    segment_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Winner:
    """A winning ad in one slot and what it costs per billable event."""

    placement_id: int
    rank: int
    ad_group_id: int
    campaign_id: int
    advertiser_id: int
    kind: AdKind
    product_id: int | None
    creative_id: int | None
    bid_tiyn: int
    quality_ppm: int
    score: int
    # Per click for listings (CPC), per thousand impressions for banners and screens (CPM).
    price_tiyn: int
    resolved_bid_id: str

    @property
    def billable_event(self) -> str:
        """'click' for CPC listings, 'impression' for CPM banners and screens."""
        return "click" if self.kind is AdKind.SPONSORED_LISTING else "impression"

    @property
    def charge_mtiyn(self) -> int:
        """What one billable event charges, in milli-tiyn (the state store's unit)."""
        if self.kind is AdKind.SPONSORED_LISTING:
            return self.price_tiyn * MTIYN_PER_TIYN
        return self.price_tiyn


@dataclass(frozen=True, slots=True)
class PlacementDecision:
    """The winners of one placement request, the rejection counts, or the request's problem."""

    placement_id: int
    winners: tuple[Winner, ...] = ()
    rejections: Mapping[RejectionReason, int] = field(default_factory=dict)
    error: RejectionReason | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one `DecisionRequest`, placement by placement."""

    placements: tuple[PlacementDecision, ...]
    snapshot_version: int


def new_resolved_bid_id() -> str:
    """A unique, opaque id for a winning bid (96 random bits, URL-safe)."""
    return base64.urlsafe_b64encode(os.urandom(12)).decode()


@dataclass(frozen=True, slots=True)
class AuctionDeps:
    """The auction's collaborators, bundled."""

    state: ServingState
    ranker: Ranker
    random: Callable[[], float] = random.random
    new_bid_id: Callable[[], str] = new_resolved_bid_id


# A memoised ad group verdict: (rejection or None, effective bid, product relevance needed).
_Verdict = tuple[RejectionReason | None, int, bool]
# Heap entry: (-score, -bid, ad group id, item id, quality, reserve, ad group, creative).
_Entry = tuple[int, int, int, int, int, int, CompiledAdGroup, CreativeSpec | None]


class _RequestContext:
    """What one request computes once and shares between its placements."""

    __slots__ = (
        "campaigns",
        "city",
        "day",
        "deps",
        "frequency",
        "hour_of_week",
        "request",
        "snapshot",
    )

    def __init__(self, snapshot: DecisionSnapshot, request: DecisionRequest, deps: AuctionDeps):
        local = request.at.astimezone(ALMATY)
        self.snapshot = snapshot
        self.request = request
        self.deps = deps
        self.day = local.date()
        self.hour_of_week = local.weekday() * 24 + local.hour
        city = request.city
        if city is None and request.store_id is not None:
            city = snapshot.store_cities.get(request.store_id)
        self.city = city.casefold() if city else None
        self.campaigns: dict[int, RejectionReason | None] = {}
        self.frequency: Mapping[int, tuple[int, int]] | None = None

    def campaign_verdict(self, campaign: CompiledCampaign) -> RejectionReason | None:
        """Schedule, daypart, budget and the pacing coin, once per campaign per request."""
        try:
            return self.campaigns[campaign.id]
        except KeyError:
            pass
        at = self.request.at
        verdict: RejectionReason | None = None
        if at < campaign.starts_at or (campaign.ends_at is not None and at >= campaign.ends_at):
            verdict = RejectionReason.OUT_OF_SCHEDULE
        elif not (campaign.daypart_mask >> self.hour_of_week) & 1:
            verdict = RejectionReason.OUTSIDE_DAYPART
        elif self.deps.state.budget_exhausted(campaign.id, self.day):
            verdict = RejectionReason.BUDGET_EXHAUSTED
        elif campaign.even_pacing:
            rate = self.deps.state.pass_rate(campaign.id)
            if rate < 1.0 and self.deps.random() >= rate:
                verdict = RejectionReason.PACING_THROTTLED
        self.campaigns[campaign.id] = verdict
        return verdict

    def filter_verdict(self, group: CompiledAdGroup, channel: Channel) -> RejectionReason | None:
        """Channel, location, audience and frequency cap checks of one ad group."""
        request = self.request
        if group.channels and channel not in group.channels:
            return RejectionReason.CHANNEL_MISMATCH
        if group.cities and self.city not in group.cities:
            return RejectionReason.LOCATION_MISMATCH
        if group.store_ids and request.store_id not in group.store_ids:
            return RejectionReason.LOCATION_MISMATCH
        if group.segment_ids and group.segment_ids.isdisjoint(request.segment_ids):
            return RejectionReason.AUDIENCE_MISMATCH
        if (group.cap_day is not None or group.cap_week is not None) and request.user_id:
            if self.frequency is None:
                self.frequency = self.deps.state.frequency(request.user_id, request.at)
            seen_day, seen_week = self.frequency.get(group.campaign.id, (0, 0))
            if (group.cap_day is not None and seen_day >= group.cap_day) or (
                group.cap_week is not None and seen_week >= group.cap_week
            ):
                return RejectionReason.FREQUENCY_CAPPED
        return None


def decide(snapshot: DecisionSnapshot, request: DecisionRequest, deps: AuctionDeps) -> Decision:
    """Run the auction of every placement in the request on one snapshot."""
    if request.at.tzinfo is None or request.at.utcoffset() is None:
        return Decision(
            tuple(
                PlacementDecision(p.placement_id, error=RejectionReason.INVALID_TIMESTAMP)
                for p in request.placements
            ),
            snapshot.version,
        )
    context = _RequestContext(snapshot, request, deps)
    return Decision(
        tuple(_decide_placement(context, p) for p in request.placements), snapshot.version
    )


def _decide_placement(context: _RequestContext, wanted: PlacementRequest) -> PlacementDecision:
    snapshot = context.snapshot
    placement = snapshot.placements.get(wanted.placement_id)
    if placement is None:
        return PlacementDecision(wanted.placement_id, error=RejectionReason.UNKNOWN_PLACEMENT)
    slots = placement.slots if wanted.slots is None else wanted.slots
    if not 1 <= slots <= snapshot.rules.max_slots:
        return PlacementDecision(placement.id, error=RejectionReason.INVALID_SLOTS)
    problem = _check_candidates(wanted, snapshot.rules.max_candidates)
    if problem is not None:
        return PlacementDecision(placement.id, error=problem)

    rejections: dict[RejectionReason, int] = {}
    matcher = _ContextMatcher(snapshot, wanted, placement.id)
    if placement.ad_kind is AdKind.SPONSORED_LISTING:
        entries = _listing_entries(context, placement, wanted, matcher, rejections)
    else:
        entries = _creative_entries(context, placement, wanted, matcher, rejections)
    winners = _select(context, placement, slots, entries, rejections)
    return PlacementDecision(placement.id, winners, rejections)


def _check_candidates(wanted: PlacementRequest, limit: int) -> RejectionReason | None:
    if wanted.product_ids is not None and len(wanted.product_ids) > limit:
        return RejectionReason.TOO_MANY_CANDIDATES
    scores = wanted.quality_scores
    if scores is not None:
        if wanted.product_ids is None or len(scores) != len(wanted.product_ids):
            return RejectionReason.INVALID_QUALITY_SCORES
        for score in scores:
            if not (isinstance(score, float | int) and math.isfinite(score) and 0 < score <= 1):
                return RejectionReason.INVALID_QUALITY_SCORES
    return None


class _ContextMatcher:
    """Which ad groups the placement request's query or category selects (computed once)."""

    __slots__ = (
        "category",
        "category_hits",
        "category_path",
        "keyword_hits",
        "negative_hits",
        "query_set",
        "query_terms",
    )

    def __init__(self, snapshot: DecisionSnapshot, wanted: PlacementRequest, placement_id: int):
        self.query_terms: tuple[str, ...] = terms(wanted.query) if wanted.query else ()
        self.query_set = frozenset(self.query_terms)
        self.keyword_hits: set[int] = set()
        self.negative_hits: set[int] = set()
        for term in self.query_set:
            for rule, group in snapshot.keyword_index.get(term, ()):
                if rule.matches(self.query_terms, self.query_set):
                    self.keyword_hits.add(group.id)
            for rule, group in snapshot.negative_index.get(term, ()):
                if rule.matches(self.query_terms, self.query_set):
                    self.negative_hits.add(group.id)
        self.category = None if self.query_terms else wanted.category_id
        self.category_path: tuple[int, ...] = ()
        self.category_hits: set[int] = set()
        if self.category is not None:
            self.category_path = snapshot.category_paths.get(self.category, (self.category,))
            for category_id in self.category_path:
                self.category_hits.update(
                    g.id for g in snapshot.category_index.get(category_id, ())
                )

    def verdict(self, group: CompiledAdGroup) -> tuple[RejectionReason | None, bool]:
        """(rejection, needs the product-level relevance check of automatic targeting)."""
        if self.query_terms:
            if group.id in self.negative_hits:
                return RejectionReason.NEGATIVE_KEYWORD, False
            if group.id in self.keyword_hits:
                return None, False
            if group.automatic:
                return None, True
            if not group.has_context_targeting:
                return None, False
            return RejectionReason.KEYWORD_MISMATCH, False
        if self.category is not None:
            if group.id in self.category_hits:
                return None, False
            if group.automatic:
                return None, True
            if not group.has_context_targeting:
                return None, False
            return RejectionReason.CATEGORY_MISMATCH, False
        if group.has_context_targeting and not group.automatic:
            return RejectionReason.KEYWORD_MISMATCH, False
        return None, False

    def relevant(self, snapshot: DecisionSnapshot, product_id: int, path: tuple[int, ...]) -> bool:
        """Automatic targeting: the product's text covers the query, or it is in the category."""
        if self.query_terms:
            words = snapshot.product_terms.get(product_id)
            return words is not None and self.query_set <= words
        return self.category is None or self.category in path

    def candidates(self, snapshot: DecisionSnapshot, placement_id: int) -> list[int]:
        """Products to auction when the retailer sent none: keyword, automatic or category hits."""
        found: set[int] = set()
        if self.query_terms:
            for group_id in self.keyword_hits - self.negative_hits:
                group = snapshot.ad_groups[group_id]
                if placement_id in group.effective_bids:
                    found.update(group.product_ids)
            common: frozenset[int] | None = None
            for term in self.query_set:
                products = snapshot.term_index.get(term, frozenset())
                common = products if common is None else common & products
            found.update(common or ())
        elif self.category is not None:
            found.update(snapshot.category_products.get(self.category, ()))
        return sorted(found)


def _listing_entries(
    context: _RequestContext,
    placement: CompiledPlacement,
    wanted: PlacementRequest,
    matcher: _ContextMatcher,
    rejections: dict[RejectionReason, int],
) -> list[_Entry]:
    snapshot = context.snapshot
    products = snapshot.products
    product_index = snapshot.product_index
    ranker = context.deps.ranker
    store_id = context.request.store_id
    channel = context.request.channel or placement.spec.channel
    placement_id = placement.id
    reserves = placement.reserve_by_category
    min_bid = placement.min_bid_tiyn
    candidates = wanted.product_ids
    if candidates is None:
        candidates = tuple(matcher.candidates(snapshot, placement_id))
    scores = wanted.quality_scores
    verdicts: dict[int, _Verdict] = {}
    seen: set[int] = set()
    entries: list[_Entry] = []

    def reject(reason: RejectionReason) -> None:
        rejections[reason] = rejections.get(reason, 0) + 1

    for position, product_id in enumerate(candidates):
        groups = product_index.get(product_id)
        if groups is None:
            if product_id not in products:
                reject(RejectionReason.UNKNOWN_PRODUCT)
            continue  # most candidates carry no ads
        if product_id in seen:
            continue  # a repeated candidate counts once
        seen.add(product_id)
        product = products[product_id]  # every indexed product is in the snapshot
        if not product.active:
            reject(RejectionReason.PRODUCT_INACTIVE)
            continue
        if not product.in_stock or (store_id is not None and store_id not in product.store_ids):
            reject(RejectionReason.OUT_OF_STOCK)
            continue
        path = product.category_path
        leaf = path[-1] if path else None
        reserve = max(reserves.get(leaf, min_bid) if leaf is not None else min_bid, 1)
        quality = 0
        for group in groups:
            verdict = verdicts.get(group.id)
            if verdict is None:
                verdict = verdicts[group.id] = _group_verdict(
                    context, matcher, group, placement_id, channel
                )
            reason, bid, needs_relevance = verdict
            if (
                reason is None
                and needs_relevance
                and not matcher.relevant(snapshot, product_id, path)
            ):
                reason = RejectionReason.NOT_RELEVANT
            if reason is not None:
                reject(reason)
                continue
            if bid < reserve:
                reject(RejectionReason.BELOW_RESERVE)
                continue
            if not quality:
                if scores is not None:
                    quality = max(1, min(PPM, round(scores[position] * PPM)))
                else:
                    quality = ranker.product_quality(placement_id, product_id, leaf)
            entries.append(
                (-quality * bid, -bid, group.id, product_id, quality, reserve, group, None)
            )
    return entries


def _group_verdict(
    context: _RequestContext,
    matcher: _ContextMatcher,
    group: CompiledAdGroup,
    placement_id: int,
    channel: Channel,
) -> _Verdict:
    bid = group.effective_bids.get(placement_id)
    if bid is None:
        # The product is promoted, but not by an ad group allowed on this placement.
        return RejectionReason.PLACEMENT_MISMATCH, 0, False
    reason = context.campaign_verdict(group.campaign)
    if reason is None and group.has_filters:
        reason = context.filter_verdict(group, channel)
    if reason is not None:
        return reason, bid, False
    reason, needs_relevance = matcher.verdict(group)
    return reason, bid, needs_relevance


def _creative_entries(
    context: _RequestContext,
    placement: CompiledPlacement,
    wanted: PlacementRequest,
    matcher: _ContextMatcher,
    rejections: dict[RejectionReason, int],
) -> list[_Entry]:
    snapshot = context.snapshot
    ranker = context.deps.ranker
    channel = context.request.channel or placement.spec.channel
    spec = placement.spec
    reserve = placement.min_bid_tiyn
    if matcher.category_path:
        for category_id in reversed(matcher.category_path):
            override = spec.category_min_bids.get(category_id)
            if override is not None:
                reserve = override
                break
    reserve = max(reserve, 1)
    entries: list[_Entry] = []
    for group in snapshot.placement_index.get(placement.id, ()):
        reason, bid, needs_relevance = _group_verdict(
            context, matcher, group, placement.id, channel
        )
        if reason is None and needs_relevance and group.product_ids:
            if not any(
                matcher.relevant(snapshot, p, snapshot.products[p].category_path)
                for p in group.product_ids
            ):
                reason = RejectionReason.NOT_RELEVANT
        if reason is None and bid < reserve:
            reason = RejectionReason.BELOW_RESERVE
        creative = _fitting_creative(group, spec.width, spec.height)
        if reason is None and creative is None:
            reason = RejectionReason.NO_CREATIVE
        if reason is not None or creative is None:
            reason = reason or RejectionReason.NO_CREATIVE
            rejections[reason] = rejections.get(reason, 0) + 1
            continue
        quality = ranker.creative_quality(placement.id, creative.id)
        score = quality * bid
        entries.append((-score, -bid, group.id, creative.id, quality, reserve, group, creative))
    return entries


def _fitting_creative(
    group: CompiledAdGroup, width: int | None, height: int | None
) -> CreativeSpec | None:
    for creative in group.creatives:
        if width is not None and creative.width != width:
            continue
        if height is not None and creative.height != height:
            continue
        return creative
    return None


def _select(
    context: _RequestContext,
    placement: CompiledPlacement,
    slots: int,
    entries: list[_Entry],
    rejections: dict[RejectionReason, int],
) -> tuple[Winner, ...]:
    """Pop the best distinct entries, then price each against the next one down."""
    heapq.heapify(entries)
    chosen: list[_Entry] = []
    runner_up: _Entry | None = None
    products: set[int] = set()
    advertisers: set[int] = set()
    listing = placement.ad_kind is AdKind.SPONSORED_LISTING
    while entries:
        entry = heapq.heappop(entries)
        group = entry[6]
        if listing and placement.one_per_product and entry[3] in products:
            rejections[RejectionReason.DUPLICATE_PRODUCT] = (
                rejections.get(RejectionReason.DUPLICATE_PRODUCT, 0) + 1
            )
            continue
        advertiser = group.campaign.advertiser_id
        if placement.one_per_advertiser and advertiser in advertisers:
            rejections[RejectionReason.DUPLICATE_ADVERTISER] = (
                rejections.get(RejectionReason.DUPLICATE_ADVERTISER, 0) + 1
            )
            continue
        if len(chosen) == slots:
            runner_up = entry
            break
        chosen.append(entry)
        products.add(entry[3])
        advertisers.add(advertiser)
    outbid = len(entries) + (runner_up is not None)
    if outbid:
        rejections[RejectionReason.OUTBID] = rejections.get(RejectionReason.OUTBID, 0) + outbid

    gsp = context.snapshot.rules.pricing is PricingRule.SECOND_PRICE
    new_bid_id = context.deps.new_bid_id
    winners: list[Winner] = []
    for rank, entry in enumerate(chosen, start=1):
        following = chosen[rank] if rank < len(chosen) else runner_up
        neg_score, neg_bid, _, item_id, quality, reserve, group, creative = entry
        bid = -neg_bid
        if gsp:
            price = second_price(
                bid, quality, None if following is None else -following[0], reserve
            )
        else:
            price = first_price(bid)
        winners.append(
            Winner(
                placement_id=placement.id,
                rank=rank,
                ad_group_id=group.id,
                campaign_id=group.campaign.id,
                advertiser_id=group.campaign.advertiser_id,
                kind=group.kind,
                product_id=None if creative is not None else item_id,
                creative_id=None if creative is None else creative.id,
                bid_tiyn=bid,
                quality_ppm=quality,
                score=-neg_score,
                price_tiyn=price,
                resolved_bid_id=new_bid_id(),
            )
        )
    return tuple(winners)

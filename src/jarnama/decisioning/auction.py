"""The per-request auction: eligibility, ranking, deduplication and pricing on a snapshot.

`decide(snapshot, request, deps)` is pure apart from what `deps` provides (the serving state,
the ranker, a random source for pacing, the bid id generator). It never raises for bad
input: request problems come back as a typed `error` per placement, and every ad left out
is counted under a `RejectionReason` (with its OpenRTB loss code) for metrics.

Per placement: candidates are the retailer's product ids, or are retrieved from the
keyword/category indexes; each (product, ad group) pair passes product checks (active, in
stock, in the request's store), ad group checks memoised per request (`eligibility`:
campaign schedule, daypart, budget, pacing coin, frequency caps, channel/location/audience,
keyword or category context) and the reserve; score = quality (ppm) * effective bid (tiyn);
the best distinct ones win (one per product and per advertiser unless the placement allows
more); each pays the second price (or its bid under first-price networks).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import filterfalse

import numpy as np

from jarnama.decisioning.eligibility import (
    BELOW_RESERVE,
    CODES_BY_VALUE,
    NEEDS_RELEVANCE,
    NEGATIVE_KEYWORD,
    NO_CREATIVE,
    NOT_RELEVANT,
    OK,
    OUT_OF_STOCK,
    UNKNOWN_PRODUCT,
    ContextMatcher,
    RequestContext,
    group_verdict,
    reason_of,
)
from jarnama.decisioning.listing import listing_arrays, listing_entries
from jarnama.decisioning.messages import (
    LOSS_CODES,
    AuctionDeps,
    Decision,
    DecisionRequest,
    PlacementDecision,
    PlacementRequest,
    RejectionReason,
    Winner,
    new_resolved_bid_id,
)
from jarnama.decisioning.pricing import first_price, second_price
from jarnama.decisioning.ranking import PPM
from jarnama.decisioning.snapshot import (
    AdKind,
    CompiledAdGroup,
    CompiledPlacement,
    CreativeSpec,
    DecisionSnapshot,
    PricingRule,
)

__all__ = [
    "LOSS_CODES",
    "AuctionDeps",
    "Decision",
    "DecisionRequest",
    "PlacementDecision",
    "PlacementRequest",
    "RejectionReason",
    "Winner",
    "decide",
    "new_resolved_bid_id",
]

# Heap entry: (-score, -bid, ad group id, item id, quality, reserve, ad group, creative).
_Entry = tuple[int, int, int, int, int, int, CompiledAdGroup, CreativeSpec | None]


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
    context = RequestContext(snapshot, request, deps)
    return Decision(
        tuple(_decide_placement(context, p) for p in request.placements), snapshot.version
    )


def _decide_placement(context: RequestContext, wanted: PlacementRequest) -> PlacementDecision:
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

    rejected: list[int] = []
    counted: dict[int, int] = {}
    matcher = ContextMatcher(snapshot, wanted.query, wanted.category_id)
    arrays = listing_arrays(snapshot) if placement.ad_kind is AdKind.SPONSORED_LISTING else None
    if arrays is not None:
        ranked = listing_entries(arrays, context, placement, wanted, matcher, counted)
        rejections = {reason_of(code): count for code, count in counted.items()}
        if ranked is None:
            return PlacementDecision(placement.id, (), rejections)
        user = context.request.user_id or ""
        holds_out = context.deps.holds_out if user else None
        picked = ranked.pick(
            slots, placement.one_per_product, placement.one_per_advertiser, holds_out, user
        )
        if picked.held_out:
            rejections[RejectionReason.HELD_OUT] = picked.held_out
        count_skipped(
            rejections, picked.duplicate_products, picked.duplicate_advertisers, picked.unread
        )
        winners, ghosts = priced(
            context, placement, list(picked.chosen), list(picked.ghosted), picked.runner_up
        )
        return PlacementDecision(placement.id, winners, rejections, ghosts=ghosts)
    if placement.ad_kind is AdKind.SPONSORED_LISTING:
        entries = _listing_entries_inline(context, placement, wanted, matcher, rejected)
    else:
        entries = _creative_entries(context, placement, matcher, rejected)
    entries.sort()
    for code, count in Counter(rejected).items():
        counted[code] = counted.get(code, 0) + count
    rejections = {reason_of(code): count for code, count in counted.items()}
    winners, ghosts = _select(context, placement, slots, iter(entries), len(entries), rejections)
    return PlacementDecision(placement.id, winners, rejections, ghosts=ghosts)


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


def _first_visits(
    candidates: Sequence[int], products: Mapping[int, object], rejected: list[int]
) -> Iterable[tuple[int, int]]:
    """(position, product id) of each candidate at its first position, in request order.

    A repeated candidate counts once; a repeated unknown id is still counted as unknown each
    time it is sent (its repeats here, its first sight in the loop). Done with C-level dict,
    zip and map (no Python loop per candidate): ~0.1 ms a request when SKU lists overlap.
    """
    unique = dict.fromkeys(candidates)
    if len(unique) == len(candidates):
        return enumerate(candidates)
    for product_id in filterfalse(products.__contains__, unique):
        rejected.extend([UNKNOWN_PRODUCT] * (candidates.count(product_id) - 1))
    count = len(candidates)
    first = dict(zip(reversed(candidates), range(count - 1, -1, -1), strict=True))
    return zip(map(first.__getitem__, unique), unique, strict=True)


def _listing_entries_inline(
    context: RequestContext,
    placement: CompiledPlacement,
    wanted: PlacementRequest,
    matcher: ContextMatcher,
    rejected: list[int],
) -> list[_Entry]:
    """`_listing_entries` for a search query: verdicts computed per request, nothing prepared.

    Queries are many and mostly rare, so preparing each (query, product) would cost more on
    first sight than it saves later (~+35 % per request in benchmarks/auction.py). Everything
    the loop reads is bound to a local first, the per-product facts come flat from the
    snapshot's listing slots, and each ad group's verdict is computed once per request (in
    first-visit order, so pacing coins are tossed in the same order as in the prepared path).
    """
    snapshot = context.snapshot
    products = snapshot.products
    slot_of = snapshot.listing_slots.get(placement.id, {}).get
    ranker = context.deps.ranker
    product_quality = ranker.product_quality
    quality_of = ranker.product_quality_table(placement.id).get
    store_id = context.request.store_id
    channel = context.request.channel or placement.spec.channel
    placement_id = placement.id
    wanted_ids = wanted.product_ids
    candidates: Sequence[int]
    if wanted_ids is None:
        candidates = matcher.candidates(snapshot, placement_id)
    elif isinstance(wanted_ids, np.ndarray):
        candidates = tuple(wanted_ids.tolist())
    else:
        candidates = wanted_ids
    scores = wanted.quality_scores
    relevant_products = matcher.relevant_products
    negatives, hits, defaults = matcher.negatives, matcher.hits, matcher.defaults
    campaign_verdict, filter_verdict = context.campaign_verdict, context.filter_verdict
    known_campaign = context.campaigns.get
    category = matcher.category
    verdicts: dict[int, int] = {}
    known_verdict = verdicts.get
    entries: list[_Entry] = []
    append = entries.append
    reject = rejected.append

    visits = _first_visits(candidates, products, rejected)

    for position, product_id in visits:
        slot = slot_of(product_id)
        if slot is None:
            if product_id not in products:
                reject(UNKNOWN_PRODUCT)
            continue  # most candidates carry no ads here
        reserve, problem, groups, store_ids, path, leaf = slot
        if problem is not None:
            reject(CODES_BY_VALUE[problem])
            continue
        if store_id is not None and store_id not in store_ids:
            reject(OUT_OF_STOCK)
            continue
        quality = 0
        for group_id, bid, group in groups:
            code = known_verdict(group_id)
            if code is None:
                # `listing_verdict`, inlined: the context first (no state, no coin), then the
                # campaign (memoised per request) and the ad group's own filters.
                if group_id in negatives:
                    code = NEGATIVE_KEYWORD
                elif group_id in hits:
                    code = OK
                else:
                    code = defaults[group_id]
                if code <= NEEDS_RELEVANCE:
                    verdict = known_campaign(group.campaign.id)
                    if verdict is None:
                        verdict = campaign_verdict(group.campaign)
                    if verdict == OK and group.has_filters:
                        verdict = filter_verdict(group, channel)
                    if verdict != OK:
                        code = verdict
                verdicts[group_id] = code
            if code:
                if code != NEEDS_RELEVANCE:
                    reject(code)
                    continue
                if (
                    product_id not in relevant_products
                    if relevant_products is not None
                    else category is not None and category not in path
                ):
                    reject(NOT_RELEVANT)
                    continue
            if bid < reserve:
                reject(BELOW_RESERVE)
                continue
            if not quality:
                if scores is not None:
                    quality = max(1, min(PPM, round(scores[position] * PPM)))
                else:
                    quality = quality_of(product_id) or product_quality(
                        placement_id, product_id, leaf
                    )
            append((-quality * bid, -bid, group_id, product_id, quality, reserve, group, None))
    return entries


def _creative_entries(
    context: RequestContext,
    placement: CompiledPlacement,
    matcher: ContextMatcher,
    rejected: list[int],
) -> list[_Entry]:
    """Score every eligible banner or screen ad group with its best fitting creative."""
    snapshot = context.snapshot
    ranker = context.deps.ranker
    channel = context.request.channel or placement.spec.channel
    spec = placement.spec
    reserve = placement.min_bid_tiyn
    for category_id in reversed(matcher.category_path):
        override = spec.category_min_bids.get(category_id)
        if override is not None:
            reserve = override
            break
    reserve = max(reserve, 1)
    entries: list[_Entry] = []
    for group in snapshot.placement_index.get(placement.id, ()):
        code, bid = group_verdict(context, matcher, group, placement.id, channel)
        if code == NEEDS_RELEVANCE:
            relevant = not group.product_ids or any(
                matcher.relevant(p, snapshot.products[p].category_path) for p in group.product_ids
            )
            code = OK if relevant else NOT_RELEVANT
        if code == OK and bid < reserve:
            code = BELOW_RESERVE
        creative = _fitting_creative(group, spec.width, spec.height)
        if code == OK and creative is None:
            code = NO_CREATIVE
        if code != OK or creative is None:
            rejected.append(code)
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
    context: RequestContext,
    placement: CompiledPlacement,
    slots: int,
    ordered: Iterator[_Entry],
    total: int,
    rejections: dict[RejectionReason, int],
) -> tuple[tuple[Winner, ...], tuple[Winner, ...]]:
    """Take the best distinct entries (`ordered` is best first, `total` long), then price each
    against the next one down.

    An entry whose campaign holds the user out (ghost ads) is not shown: the next one takes
    the slot, and the held-out ad is returned as a ghost, priced as it would have been.
    """
    read = 0
    chosen: list[_Entry] = []
    runner_up: _Entry | None = None
    products: set[int] = set()
    advertisers: set[int] = set()
    listing = placement.ad_kind is AdKind.SPONSORED_LISTING
    user = context.request.user_id or ""
    holds_out = context.deps.holds_out if user else None
    ghosted: list[tuple[int, _Entry]] = []  # (the slot it would have taken, entry)
    check_product = listing and placement.one_per_product
    check_advertiser = placement.one_per_advertiser
    duplicate_products = duplicate_advertisers = 0
    for entry in ordered:
        read += 1
        if check_product and entry[3] in products:
            duplicate_products += 1
            continue
        campaign = entry[6].campaign
        advertiser = campaign.advertiser_id
        if check_advertiser and advertiser in advertisers:
            duplicate_advertisers += 1
            continue
        if holds_out is not None and holds_out(campaign.id, user):
            _ghost(ghosted, entry, len(chosen), slots, rejections)
            continue
        if len(chosen) == slots:
            runner_up = entry
            break
        chosen.append(entry)
        products.add(entry[3])
        advertisers.add(advertiser)
    unread = total - read + (runner_up is not None)
    count_skipped(rejections, duplicate_products, duplicate_advertisers, unread)
    return priced(context, placement, chosen, ghosted, runner_up)


def count_skipped(
    rejections: dict[RejectionReason, int],
    duplicate_products: int,
    duplicate_advertisers: int,
    unread: int,
) -> None:
    """Count the entries the selection skipped as duplicates or never reached (outbid).

    The runner-up, when there is one, is read but also outbid: callers pass it in `unread`.
    """
    for reason, count in (
        (RejectionReason.DUPLICATE_PRODUCT, duplicate_products),
        (RejectionReason.DUPLICATE_ADVERTISER, duplicate_advertisers),
        (RejectionReason.OUTBID, unread),
    ):
        if count:
            rejections[reason] = rejections.get(reason, 0) + count


def priced(
    context: RequestContext,
    placement: CompiledPlacement,
    chosen: list[_Entry],
    ghosted: list[tuple[int, _Entry]],
    runner_up: _Entry | None,
) -> tuple[tuple[Winner, ...], tuple[Winner, ...]]:
    """Winners (and ghosts), each priced against the entry below it."""
    gsp = context.snapshot.rules.pricing is PricingRule.SECOND_PRICE
    new_bid_id = context.deps.new_bid_id
    winners: list[Winner] = []
    ranked = [(rank, entry, rank) for rank, entry in enumerate(chosen, start=1)]
    # A ghost is priced against the ad that took its slot (or the runner-up).
    ranked += [(slot + 1, entry, slot) for slot, entry in ghosted]
    for rank, entry, after in ranked:
        following = chosen[after] if after < len(chosen) else runner_up
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
    if not ghosted:
        return tuple(winners), ()
    return tuple(winners[: len(chosen)]), tuple(winners[len(chosen) :])


def _ghost(
    ghosted: list[tuple[int, _Entry]],
    entry: _Entry,
    slot: int,
    slots: int,
    rejections: dict[RejectionReason, int],
) -> None:
    """Count a held-out entry; keep it as a ghost if it would have been on the page."""
    rejections[RejectionReason.HELD_OUT] = rejections.get(RejectionReason.HELD_OUT, 0) + 1
    if slot < slots and len(ghosted) < slots:
        ghosted.append((slot, entry))

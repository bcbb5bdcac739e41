"""The sponsored-listing auction's per-pair work on flat arrays and compiled kernels.

A listing auction visits every (candidate product, ad group) pair: up to 500 candidates and
their ad groups. Done pair by pair in Python that was ~1 µs a pair, most of a decision. Here
the snapshot's listing pairs are compiled once into flat arrays (`ListingArrays`, per
snapshot, built on first use or when a snapshot goes live), and one request runs them
through the numba kernels of `kernels.py`, with Python between them only where Python
objects decide. The order is the pair-by-pair path's (`auction._listing_entries_inline`,
which stays as the reference and the fallback):

1. candidates → product rows; unknown ids, product problems (inactive, out of stock) and the
   request's store are decided once per product, then the context (keywords, negatives,
   category, automatic targeting) per pair from a per-group array memoised per snapshot and
   query or category (`kernels.expand`);
2. the campaigns the surviving pairs touch get their verdict once per request, in
   first-visit order: schedule, daypart and reached budgets compiled (`kernels.schedule`),
   the pacing coins in Python in that order; what earlier placements of the request decided
   holds (`RequestContext`);
3. the ad groups' own filters: channel, city and store memoised per (channel, city, store),
   audience segments and frequency caps per request for the few groups that have them;
4. relevance for automatic targeting, the reserve, the scores and the rank order (score
   desc, bid desc, group id, product id) in one pass (`kernels.rank`);
5. the selection skips products and advertisers already on the page (`kernels.advance`);
   entries become Python tuples only for the few it chooses, holds out or reads last.

Scores are int64 (quality ppm ≤ 10^6 × effective bid); a snapshot with a bid large enough to
overflow gets no arrays and takes the reference path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from jarnama.decisioning.eligibility import (
    CODE_COUNT,
    CODES_BY_VALUE,
    NEGATIVE_KEYWORD,
    OK,
    OUT_OF_STOCK,
    PACING_THROTTLED,
    UNKNOWN_PRODUCT,
    ContextMatcher,
    RequestContext,
    epoch_micros,
)
from jarnama.decisioning.kernels import Codes, Flags, Ints, advance, expand, rank, schedule
from jarnama.decisioning.ranking import PPM
from jarnama.decisioning.snapshot import (
    HOURS_PER_WEEK,
    AdKind,
    CompiledAdGroup,
    CompiledCampaign,
    CompiledPlacement,
    DecisionSnapshot,
    ListingSlot,
    remember_bounded,
)

if TYPE_CHECKING:
    from jarnama.decisioning.messages import PlacementRequest

_NO_INTS = np.zeros(0, dtype=np.int64)
_NO_CODES = np.zeros(0, dtype=np.int16)
_NO_FLAGS = np.zeros(0, dtype=np.bool_)

# Heap entry: (-score, -bid, ad group id, item id, quality, reserve, ad group, creative).
Entry = tuple[int, int, int, int, int, int, CompiledAdGroup, None]

_NEVER = np.iinfo(np.int64).max
# Ids up to this many times the product count get a dense id → row table (else a dict).
_DENSE_FACTOR = 8
# Context and filter arrays kept per snapshot (each ~5-25 KB): ~25 MB at most.
ARRAY_MEMO_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class PlacementPairs:
    """One listing placement's (product, ad group) pairs, grouped by product row (CSR)."""

    # [products] the product's run of pairs and its problem, packed in one word so a
    # candidate costs one memory read: first pair << 28 | pair count << 8 | problem code.
    meta: Ints
    group: Ints  # [pairs] ad group row
    bid: Ints  # [pairs] effective bid on the placement, tiyn
    reserve: Ints  # [pairs] the product's reserve on the placement, tiyn


@dataclass(frozen=True, slots=True)
class ListingArrays:
    """A snapshot's listing ad groups, campaigns and products as rows of flat arrays.

    Product arrays have one row more than there are products: `unknown_row`, where ids not
    in the snapshot land (never promoted, no problem), so lookups need no masking.
    """

    product_row: Mapping[int, int]
    unknown_row: int
    dense: Ints | None  # product id + 1 → row (clipped ends: unknown), when ids are compact
    product_ids: Ints
    leaves: tuple[int | None, ...]
    store_rows: Mapping[int, list[int]]  # store → rows of the promoted products it holds
    groups: tuple[CompiledAdGroup, ...]
    group_row: Mapping[int, int]
    group_ids: Ints
    group_campaign: Ints  # [groups] campaign row
    group_advertiser: Ints  # [groups] advertiser id
    static_filtered: Flags  # [groups] channels, cities or stores set
    dynamic_filtered: Flags  # [groups] audience segments or frequency caps set
    filtered: Flags  # [groups] either
    campaigns: tuple[CompiledCampaign, ...]
    campaign_row: Mapping[int, int]
    campaign_ids: Ints
    starts_us: Ints  # [campaigns] microseconds since the epoch
    ends_us: Ints  # [campaigns] (int64 max: open-ended)
    even_pacing: Flags
    dayparts: Flags  # [hour of week, campaigns]
    placements: Mapping[int, PlacementPairs]
    # (mode, query, category) → context code per group; (query, category) → relevant rows.
    contexts: dict[tuple[int, str | None, int | None], Codes]
    relevance: dict[tuple[str | None, int | None], Flags]
    # (channel, city, store) → the static filters' code per group.
    filters: dict[tuple[str, str | None, int | None], Codes]
    # store → per product row: OK or OUT_OF_STOCK.
    stores: dict[int, Codes]
    # kind of context → each group's verdict without a hit (`ContextMatcher.defaults`).
    defaults: dict[int, Codes]
    # (placement, query, category) → rows of the retrieved candidates.
    retrieved: dict[tuple[int, str | None, int | None], Ints]
    # placement → (the ranker's table it was read from, quality ppm per product row).
    qualities: dict[int, tuple[Mapping[int, int], Ints]]


def listing_arrays(snapshot: DecisionSnapshot) -> ListingArrays | None:
    """The snapshot's arrays, built on first use; None when scores could overflow int64."""
    memo = snapshot.memo
    if memo.arrays_built:
        return memo.arrays
    arrays = _build(snapshot)
    memo.arrays = arrays
    memo.arrays_built = True
    return arrays


def _build(snapshot: DecisionSnapshot) -> ListingArrays | None:
    listing_groups = sorted(
        (g for g in snapshot.ad_groups.values() if g.kind is AdKind.SPONSORED_LISTING),
        key=lambda g: g.id,
    )
    top_bid = max((b for g in listing_groups for b in g.effective_bids.values()), default=0)
    if top_bid * PPM >= 2**62:
        return None
    product_ids = sorted(snapshot.products)
    unknown = len(product_ids)
    product_row = {pid: row for row, pid in enumerate(product_ids)}
    dense: Ints | None = None
    if product_ids and product_ids[0] >= 0 and product_ids[-1] < _DENSE_FACTOR * unknown:
        dense = np.full(product_ids[-1] + 3, unknown, dtype=np.int64)
        dense[np.asarray(product_ids) + 1] = np.arange(unknown, dtype=np.int64)
    problems = np.zeros(unknown + 1, dtype=np.int16)
    store_rows: dict[int, list[int]] = {}
    promoted = {p for slots in snapshot.listing_slots.values() for p in slots}
    for row, pid in enumerate(product_ids):
        product = snapshot.products[pid]
        if not product.active:
            problems[row] = CODES_BY_VALUE["product_inactive"]
        elif not product.in_stock:
            problems[row] = CODES_BY_VALUE["out_of_stock"]
        if pid in promoted:
            for store_id in product.store_ids:
                store_rows.setdefault(store_id, []).append(row)
    campaigns = tuple(
        sorted({g.campaign.id: g.campaign for g in listing_groups}.values(), key=lambda c: c.id)
    )
    campaign_row = {c.id: row for row, c in enumerate(campaigns)}
    dayparts = np.zeros((HOURS_PER_WEEK, len(campaigns)), dtype=np.bool_)
    for row, campaign in enumerate(campaigns):
        mask = campaign.daypart_mask
        dayparts[:, row] = [(mask >> hour) & 1 for hour in range(HOURS_PER_WEEK)]
    group_row = {g.id: row for row, g in enumerate(listing_groups)}
    static = np.asarray(
        [bool(g.channels or g.cities or g.store_ids) for g in listing_groups], dtype=np.bool_
    )
    dynamic = np.asarray(
        [
            bool(g.segment_ids or g.cap_day is not None or g.cap_week is not None)
            for g in listing_groups
        ],
        dtype=np.bool_,
    )
    return ListingArrays(
        product_row=product_row,
        unknown_row=unknown,
        dense=dense,
        product_ids=np.asarray(product_ids, dtype=np.int64),
        leaves=tuple(snapshot.products[pid].category_id for pid in product_ids),
        store_rows=store_rows,
        groups=tuple(listing_groups),
        group_row=group_row,
        group_ids=np.asarray([g.id for g in listing_groups], dtype=np.int64),
        group_campaign=np.asarray(
            [campaign_row[g.campaign.id] for g in listing_groups], dtype=np.int64
        ),
        group_advertiser=np.asarray(
            [g.campaign.advertiser_id for g in listing_groups], dtype=np.int64
        ),
        static_filtered=static,
        dynamic_filtered=dynamic,
        filtered=static | dynamic,
        campaigns=campaigns,
        campaign_row=campaign_row,
        campaign_ids=np.asarray([c.id for c in campaigns], dtype=np.int64),
        starts_us=np.asarray([epoch_micros(c.starts_at) for c in campaigns], dtype=np.int64),
        ends_us=np.asarray(
            [_NEVER if c.ends_at is None else epoch_micros(c.ends_at) for c in campaigns],
            dtype=np.int64,
        ),
        even_pacing=np.asarray([c.even_pacing for c in campaigns], dtype=np.bool_),
        dayparts=dayparts,
        placements={
            placement_id: _pairs(slots, product_row, group_row, problems)
            for placement_id, slots in snapshot.listing_slots.items()
        },
        contexts={},
        relevance={},
        filters={},
        stores={},
        defaults={},
        retrieved={},
        qualities={},
    )


def _pairs(
    slots: Mapping[int, ListingSlot],
    product_row: Mapping[int, int],
    group_row: Mapping[int, int],
    problems: Codes,
) -> PlacementPairs:
    start = np.zeros(len(problems), dtype=np.int64)
    count = np.zeros(len(problems), dtype=np.int64)
    groups: list[int] = []
    bids: list[int] = []
    reserves: list[int] = []
    for product_id in sorted(slots, key=product_row.__getitem__):
        reserve, _, allowed, _, _, _ = slots[product_id]
        row = product_row[product_id]
        start[row] = len(groups)
        count[row] = len(allowed)
        for group_id, bid, _ in allowed:
            groups.append(group_row[group_id])
            bids.append(bid)
            reserves.append(reserve)
    if len(groups) >= 2**35 or int(count.max(initial=0)) >= 2**20:
        raise ValueError("too many listing pairs on one placement to pack")
    return PlacementPairs(
        meta=start << 28 | count << 8 | problems.astype(np.int64),
        group=np.asarray(groups, dtype=np.int64),
        bid=np.asarray(bids, dtype=np.int64),
        reserve=np.asarray(reserves, dtype=np.int64),
    )


def listing_entries(
    arrays: ListingArrays,
    context: RequestContext,
    placement: CompiledPlacement,
    wanted: PlacementRequest,
    matcher: ContextMatcher,
    rejections: dict[int, int],
) -> RankedPairs | None:
    """The eligible pairs best first (None: none); rejections counted by code."""
    snapshot = context.snapshot
    pairs = arrays.placements.get(placement.id)
    candidates = wanted.product_ids
    dense = _NO_INTS  # the id → row table when `ids` are product ids, else they are rows
    if candidates is None:
        # Retrieved candidates (a search or category page without the retailer's list): their
        # rows are memoised with the retrieval, per snapshot, placement and query or category.
        key = (placement.id, matcher.query, matcher.category)
        ids = arrays.retrieved.get(key)
        if ids is None:
            retrieved = matcher.candidates(snapshot, placement.id)
            ids = _rows(arrays, retrieved) if retrieved else np.zeros(0, dtype=np.int64)
            ids = remember_bounded(arrays.retrieved, key, ids, ARRAY_MEMO_LIMIT)
    elif len(candidates):
        if arrays.dense is None:
            ids = _rows(arrays, candidates)
        else:
            ids = _ids(candidates)
            dense = arrays.dense
    else:
        return None
    if not len(ids):
        return None
    if pairs is None:
        rows = dense.take(ids + 1, mode="clip") if len(dense) else ids
        unknown = int(np.count_nonzero(rows == arrays.unknown_row))
        if unknown:
            rejections[UNKNOWN_PRODUCT] = rejections.get(UNKNOWN_PRODUCT, 0) + unknown
        return None
    store_id = context.request.store_id
    scores = wanted.quality_scores
    ranker_quality = None if scores is not None else _quality_by_row(arrays, context, placement)
    rejected = np.zeros(CODE_COUNT, dtype=np.int64)
    (unknown, positions, pair_rows, pair, group, code, touched, filtered, unrated, needs) = expand(
        ids,
        dense,
        arrays.unknown_row,
        pairs.meta,
        _NO_CODES if store_id is None else _missing(snapshot, arrays, store_id),
        _context_codes(arrays, matcher),
        pairs.group,
        arrays.group_campaign,
        arrays.filtered,
        len(arrays.campaigns),
        _NO_INTS if ranker_quality is None else ranker_quality,
        rejected,
    )
    if unknown:
        rejections[UNKNOWN_PRODUCT] = rejections.get(UNKNOWN_PRODUCT, 0) + unknown
    if len(pair):
        campaign_codes = _campaign_verdicts(arrays, context, touched)
        channel = context.request.channel or placement.spec.channel
        group_codes = _group_codes(arrays, context, filtered, campaign_codes, channel)
        relevant = _relevance(arrays, snapshot, matcher) if needs else None
        if scores is not None:
            given = np.asarray(scores, dtype=np.float64)
            quality = np.clip(np.rint(given * PPM), 1, PPM).astype(np.int64)
        else:
            assert ranker_quality is not None
            if len(unrated):
                _rate(arrays, context, placement.id, ranker_quality, unrated)
            quality = ranker_quality
        columns = rank(
            positions,
            pair_rows,
            pair,
            group,
            code,
            campaign_codes,
            arrays.group_campaign,
            _NO_CODES if group_codes is None else group_codes,
            _NO_FLAGS if relevant is None else relevant,
            relevant is None,
            pairs.bid,
            pairs.reserve,
            quality,
            scores is not None,
            arrays.group_ids,
            arrays.product_ids,
            arrays.group_advertiser,
            rejected,
        )
    else:
        columns = None
    for found in np.flatnonzero(rejected).tolist():
        rejections[found] = rejections.get(found, 0) + int(rejected[found])
    if columns is None or not len(columns[0]):
        return None
    return RankedPairs(arrays, *columns)


def _ids(candidates: Sequence[int] | Ints) -> Ints:
    """The candidate product ids as an int64 array."""
    if isinstance(candidates, np.ndarray):
        return candidates.astype(np.int64, copy=False)
    return np.fromiter(candidates, dtype=np.int64, count=len(candidates))


def _rows(arrays: ListingArrays, candidates: Sequence[int] | Ints) -> Ints:
    """Product rows of the candidate ids (`unknown_row` when not in the snapshot)."""
    ids = _ids(candidates)
    dense = arrays.dense
    if dense is not None:
        # dense[0] and dense[-1] are the unknown row: negatives and ids past the end clip there.
        return dense.take(ids + 1, mode="clip")
    return np.fromiter(
        map(arrays.product_row.get, ids.tolist(), repeat(arrays.unknown_row)),
        dtype=np.int64,
        count=len(ids),
    )


def _missing(snapshot: DecisionSnapshot, arrays: ListingArrays, store_id: int) -> Codes:
    """Per product row: OUT_OF_STOCK unless the store holds it (memoised per store)."""
    found = arrays.stores.get(store_id)
    if found is None:
        found = np.full(len(arrays.product_ids) + 1, OUT_OF_STOCK, dtype=np.int16)
        found[arrays.store_rows.get(store_id, [])] = OK
        found = remember_bounded(arrays.stores, store_id, found, ARRAY_MEMO_LIMIT)
    return found


def _context_codes(arrays: ListingArrays, matcher: ContextMatcher) -> Codes:
    """Per ad group row: the context's verdict (memoised per snapshot, query and category)."""
    key = (matcher.mode, matcher.query, matcher.category)
    codes = arrays.contexts.get(key)
    if codes is None:
        base = arrays.defaults.get(matcher.mode)
        if base is None:
            defaults = matcher.defaults
            base = np.asarray([defaults[g.id] for g in arrays.groups], dtype=np.int16)
            arrays.defaults[matcher.mode] = base
        codes = base.copy()
        row = arrays.group_row
        codes[[row[g] for g in matcher.hits if g in row]] = OK
        codes[[row[g] for g in matcher.negatives if g in row]] = NEGATIVE_KEYWORD
        codes = remember_bounded(arrays.contexts, key, codes, ARRAY_MEMO_LIMIT)
    return codes


def _relevance(
    arrays: ListingArrays, snapshot: DecisionSnapshot, matcher: ContextMatcher
) -> Flags | None:
    """Per product row: relevant to the query or category (None: everything is)."""
    if matcher.relevant_products is None and matcher.category is None:
        return None
    key = (matcher.query, matcher.category)
    found = arrays.relevance.get(key)
    if found is None:
        relevant = np.zeros(len(arrays.product_ids) + 1, dtype=np.bool_)
        row = arrays.product_row
        members: Iterable[int]
        if matcher.relevant_products is not None:
            members = matcher.relevant_products
        else:
            assert matcher.category is not None
            members = snapshot.category_products.get(matcher.category, ())
        relevant[[row[p] for p in members if p in row]] = True
        found = remember_bounded(arrays.relevance, key, relevant, ARRAY_MEMO_LIMIT)
    return found


def _group_codes(
    arrays: ListingArrays,
    context: RequestContext,
    filtered: Ints,
    campaign_codes: Codes,
    channel: str,
) -> Codes | None:
    """Per ad group row: its own filters' verdict (None: every touched group passes).

    Only the filtered groups the request touched whose campaign passed are checked, as the
    reference does: channel, city and store memoised, audience and caps per request.
    """
    if not len(filtered):
        return None
    filtered = filtered[campaign_codes[arrays.group_campaign[filtered]] == OK]
    if not len(filtered):
        return None
    static = _static_filters(arrays, context, channel)
    dynamic = arrays.dynamic_filtered
    by_group = {}
    for row in filtered.tolist():
        code = int(static[row])
        if code == OK and dynamic[row]:
            code = context.dynamic_verdict(arrays.groups[row])
        if code != OK:
            by_group[row] = code
    if not by_group:
        return None
    group_codes = np.zeros(len(arrays.groups), dtype=np.int16)
    group_codes[list(by_group)] = list(by_group.values())
    return group_codes


def _campaign_verdicts(arrays: ListingArrays, context: RequestContext, touched: Ints) -> Codes:
    """Per campaign row: schedule, daypart, budget and the pacing coin, once per request.

    Kept in `context.campaign_codes` (-1: not decided yet) for the request's other placements;
    verdicts the pair-by-pair path gave earlier in the request (`context.campaigns`) hold.
    """
    codes = context.campaign_codes
    if codes is None:
        codes = context.campaign_codes = np.full(len(arrays.campaigns), -1, dtype=np.int16)
        context.campaign_rows = arrays.campaign_row
    if context.campaigns:
        for campaign_id, code in context.campaigns.items():
            row = arrays.campaign_row.get(campaign_id)
            if row is not None and codes[row] < 0:
                codes[row] = code
    spent = _NO_FLAGS
    exhausted = context.deps.state.exhausted_campaigns(context.day)
    if exhausted:
        spent = np.zeros(len(arrays.campaigns), dtype=np.bool_)
        row_of = arrays.campaign_row.get
        spent[[row for row in map(row_of, exhausted) if row is not None]] = True
    paced = schedule(
        touched,
        codes,
        arrays.dayparts[context.hour_of_week],
        arrays.starts_us,
        arrays.ends_us,
        context.at_micros,
        spent,
        arrays.even_pacing,
    )
    if len(paced):
        rates = context.deps.state.pass_rates()
        if rates:
            coin = context.deps.random
            rate_of = rates.get
            for row, campaign_id in zip(
                paced.tolist(), arrays.campaign_ids[paced].tolist(), strict=True
            ):
                rate = rate_of(campaign_id, 1.0)
                if rate < 1.0 and coin() >= rate:
                    codes[row] = PACING_THROTTLED
    return codes


def _static_filters(arrays: ListingArrays, context: RequestContext, channel: str) -> Codes:
    """Per ad group row: channel, city and store verdicts (memoised per snapshot and key)."""
    key = (channel, context.city, context.request.store_id)
    codes = arrays.filters.get(key)
    if codes is None:
        codes = np.zeros(len(arrays.groups), dtype=np.int16)
        for row in np.flatnonzero(arrays.static_filtered).tolist():
            codes[row] = context.static_verdict(arrays.groups[row], channel)
        codes = remember_bounded(arrays.filters, key, codes, ARRAY_MEMO_LIMIT)
    return codes


def _quality_by_row(
    arrays: ListingArrays, context: RequestContext, placement: CompiledPlacement
) -> Ints:
    """The ranker's quality (ppm) per product row on the placement, 0 where not read yet.

    Kept per placement while the ranker's table stays the same object (it is replaced whole
    when counts arrive), and filled a row at a time by `_rate` as products first compete.
    """
    table = context.deps.ranker.product_quality_table(placement.id)
    known = arrays.qualities.get(placement.id)
    if known is not None and known[0] is table:
        return known[1]
    found = np.zeros(len(arrays.product_ids) + 1, dtype=np.int64)
    arrays.qualities[placement.id] = (table, found)
    return found


def _rate(
    arrays: ListingArrays,
    context: RequestContext,
    placement_id: int,
    quality: Ints,
    rows: Ints,
) -> None:
    """Fill `quality` for product rows not rated yet: the ranker's table, else its model."""
    ranker = context.deps.ranker
    table = ranker.product_quality_table(placement_id)
    leaves = arrays.leaves
    product_ids = arrays.product_ids
    for row in rows.tolist():
        product_id = int(product_ids[row])
        value = table.get(product_id)
        if not value:
            value = ranker.product_quality(placement_id, product_id, leaves[row])
        quality[row] = value


class RankedPairs:
    """The eligible pairs of one placement request as columns, best first.

    `pick` runs the selection on the columns: the next entry that is neither a product nor
    an advertiser already on the page is found with array operations, so the many entries
    skipped as duplicates (a few brand owners running many ad groups) cost nothing each;
    only the entries chosen, held out or the runner-up become Python tuples.
    """

    __slots__ = (
        "advertiser",
        "arrays",
        "bid",
        "group",
        "group_id",
        "product_id",
        "quality",
        "reserve",
        "score",
    )

    def __init__(
        self,
        arrays: ListingArrays,
        score: Ints,
        bid: Ints,
        group: Ints,
        group_id: Ints,
        product_id: Ints,
        quality: Ints,
        reserve: Ints,
        advertiser: Ints,
    ) -> None:
        """Columns already in rank order (score desc, bid desc, group id, product id)."""
        self.arrays = arrays
        self.score = score
        self.bid = bid
        self.group = group
        self.group_id = group_id
        self.product_id = product_id
        self.quality = quality
        self.reserve = reserve
        self.advertiser = advertiser

    def __len__(self) -> int:
        """How many eligible pairs."""
        return len(self.score)

    def entry(self, index: int) -> Entry:
        """The selection entry at rank `index` (0-based)."""
        return (
            -int(self.score[index]),
            -int(self.bid[index]),
            int(self.group_id[index]),
            int(self.product_id[index]),
            int(self.quality[index]),
            int(self.reserve[index]),
            self.arrays.groups[int(self.group[index])],
            None,
        )

    def pick(
        self,
        slots: int,
        one_per_product: bool,
        one_per_advertiser: bool,
        holds_out: Callable[[int, str], bool] | None,
        user: str,
    ) -> Picked:
        """The same choice as `auction._select`'s loop: chosen, ghosted (slot, entry), the
        runner-up, and how many were skipped as duplicate products, advertisers, or unread."""
        count = len(self.score)
        # The chosen entries' products and advertisers (-1: repeats allowed).
        page_products = np.full(slots, -1, dtype=np.int64)
        page_advertisers = np.full(slots, -1, dtype=np.int64)
        chosen: list[Entry] = []
        ghosted: list[tuple[int, Entry]] = []
        runner_up: Entry | None = None
        held = duplicate_products = duplicate_advertisers = 0
        start = 0
        while start < count:
            index, products, advertisers = advance(
                self.product_id,
                self.advertiser,
                start,
                page_products,
                page_advertisers,
                len(chosen),
            )
            duplicate_products += products
            duplicate_advertisers += advertisers
            start = index + 1
            if index == count:
                break
            entry = self.entry(index)
            campaign = entry[6].campaign
            if holds_out is not None and holds_out(campaign.id, user):
                held += 1
                if len(chosen) < slots and len(ghosted) < slots:
                    ghosted.append((len(chosen), entry))
                continue
            if len(chosen) == slots:
                runner_up = entry
                break
            if one_per_product:
                page_products[len(chosen)] = entry[3]
            if one_per_advertiser:
                page_advertisers[len(chosen)] = campaign.advertiser_id
            chosen.append(entry)
        unread = count - min(start, count) + (runner_up is not None)
        return Picked(
            chosen, ghosted, runner_up, held, duplicate_products, duplicate_advertisers, unread
        )


@dataclass(slots=True)
class Picked:
    """What `RankedPairs.pick` chose and skipped."""

    chosen: list[Entry]
    ghosted: list[tuple[int, Entry]]
    runner_up: Entry | None
    held_out: int
    duplicate_products: int
    duplicate_advertisers: int
    unread: int

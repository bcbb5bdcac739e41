"""The listing auction's per-pair loops, compiled with numba.

`listing.listing_entries` runs one request's (candidate product, ad group) pairs through
four kernels, with Python in between only for what needs Python objects (the campaigns'
budget, pacing coins and frequency caps, the ranker's first look at a product):

1. `expand`: candidates → their pairs on the placement, in request order. Repeated
   candidates count at their first position; unknown ids, product problems, the request's
   store and the context (keywords, negatives, category) reject here, one count per
   product or pair. It also returns the campaigns the surviving pairs touch in
   first-visit order (pacing coins are tossed in that order), the filtered ad groups among
   them, and the product rows the quality table has not seen yet.
2. `rank`: the campaign and ad group verdicts, relevance and the reserve; the eligible
   pairs' scores (quality × bid) and their order: score desc, bid desc, ad group id, product
   id — a total order, since a pair is one (ad group, product).
3. `schedule`: the touched campaigns' daypart, schedule and reached budgets, in visit order
   (the pacing coins stay in Python, tossed in that order);
4. `advance`: the selection's next entry that is neither a product nor an advertiser already
   on the page, counting the ones skipped.

Each kernel is one pass of plain loops over int64 arrays: a decision's per-pair work costs
a few microseconds instead of dozens of numpy calls. The kernels are compiled on first use
and cached beside this file (`__pycache__`); `warm_kernels` compiles them ahead of traffic.
The pair-by-pair Python path (`auction._listing_entries_inline`) stays as the reference; a
property test holds the two to the same winners, prices and rejection counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from numba import njit

from jarnama.decisioning.eligibility import (
    BELOW_RESERVE,
    BUDGET_EXHAUSTED,
    NEEDS_RELEVANCE,
    NOT_RELEVANT,
    OK,
    OUT_OF_SCHEDULE,
    OUTSIDE_DAYPART,
)

Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int16]
Flags = npt.NDArray[np.bool_]

_EMPTY_CODES = np.zeros(0, dtype=np.int16)


def _expand_py(
    ids: Ints,
    dense: Ints,
    unknown_row: int,
    meta: Ints,
    store_codes: Codes,
    context_codes: Codes,
    pair_group: Ints,
    group_campaign: Ints,
    group_filtered: Flags,
    campaign_count: int,
    quality_by_row: Ints,
    rejected: Ints,
) -> tuple[int, Ints, Ints, Ints, Ints, Codes, Ints, Ints, Ints, bool]:
    """Pairs of the candidates that pass the product, store and context checks.

    `ids` are product ids looked up in `dense` (id + 1 → row, ends clipped to the unknown
    row), or product rows already when `dense` is empty. Returns (unknown candidates, and per
    surviving pair: position, product row, pair, ad group row, context code; then the touched
    campaign rows in first-visit order, the filtered ad group rows touched, the product rows
    whose quality is still 0 in `quality_by_row` (none when it is empty), and whether a pair
    needs relevance). Rejections are added to `rejected` by code.
    """
    rows = ids
    if dense.shape[0] > 0:
        rows = np.empty(ids.shape[0], dtype=np.int64)
        last = dense.shape[0] - 1
        for position in range(ids.shape[0]):
            key = ids[position] + 1
            rows[position] = dense[0 if key < 0 else (last if key > last else key)]
    first = np.zeros(meta.shape[0], dtype=np.bool_)
    use = np.zeros(rows.shape[0], dtype=np.bool_)
    unknown = 0
    total = 0
    with_store = store_codes.shape[0] > 0
    for position in range(rows.shape[0]):
        row = rows[position]
        if row == unknown_row:
            unknown += 1
            continue
        if first[row]:
            continue
        first[row] = True
        packed = meta[row]
        runs = (packed >> 8) & 0xFFFFF
        if runs == 0:
            continue
        status = packed & 0xFF
        if status == OK and with_store:
            status = store_codes[row]
        if status != OK:
            rejected[status] += 1
            continue
        use[position] = True
        total += runs
    positions = np.empty(total, dtype=np.int64)
    pair_rows = np.empty(total, dtype=np.int64)
    pairs = np.empty(total, dtype=np.int64)
    groups = np.empty(total, dtype=np.int64)
    codes = np.empty(total, dtype=np.int16)
    campaign_seen = np.zeros(campaign_count, dtype=np.bool_)
    touched = np.empty(min(total, campaign_count), dtype=np.int64)
    group_seen = np.zeros(group_campaign.shape[0], dtype=np.bool_)
    filtered = np.empty(min(total, group_campaign.shape[0]), dtype=np.int64)
    rate_rows = quality_by_row.shape[0] > 0
    needing = np.empty(rows.shape[0] if rate_rows else 0, dtype=np.int64)
    kept = touched_count = filtered_count = needing_count = 0
    needs = False
    for position in range(rows.shape[0]):
        if not use[position]:
            continue
        row = rows[position]
        packed = meta[row]
        begin = packed >> 28
        row_kept = False
        for pair in range(begin, begin + ((packed >> 8) & 0xFFFFF)):
            group = pair_group[pair]
            code = context_codes[group]
            if code > NEEDS_RELEVANCE:
                rejected[code] += 1
                continue
            positions[kept] = position
            pair_rows[kept] = row
            pairs[kept] = pair
            groups[kept] = group
            codes[kept] = code
            needs = needs or code == NEEDS_RELEVANCE
            kept += 1
            row_kept = True
            campaign = group_campaign[group]
            if not campaign_seen[campaign]:
                campaign_seen[campaign] = True
                touched[touched_count] = campaign
                touched_count += 1
            if group_filtered[group] and not group_seen[group]:
                group_seen[group] = True
                filtered[filtered_count] = group
                filtered_count += 1
        if row_kept and rate_rows and quality_by_row[row] == 0:
            needing[needing_count] = row
            needing_count += 1
    return (
        unknown,
        positions[:kept],
        pair_rows[:kept],
        pairs[:kept],
        groups[:kept],
        codes[:kept],
        touched[:touched_count],
        filtered[:filtered_count],
        needing[:needing_count],
        needs,
    )


def _ranks_before_py(
    at: int, other: int, score: Ints, bid: Ints, group_id: Ints, product_id: Ints
) -> bool:
    """Whether pair `at` ranks before pair `other`: score desc, bid desc, group id, product id."""
    if score[at] != score[other]:
        return bool(score[at] > score[other])
    if bid[at] != bid[other]:
        return bool(bid[at] > bid[other])
    if group_id[at] != group_id[other]:
        return bool(group_id[at] < group_id[other])
    return bool(product_id[at] < product_id[other])


def _rank_py(
    positions: Ints,
    pair_rows: Ints,
    pairs: Ints,
    groups: Ints,
    codes: Codes,
    campaign_codes: Codes,
    group_campaign: Ints,
    group_codes: Codes,
    relevant: Flags,
    any_relevant: bool,
    pair_bid: Ints,
    pair_reserve: Ints,
    quality: Ints,
    by_position: bool,
    group_ids: Ints,
    product_ids: Ints,
    group_advertiser: Ints,
    rejected: Ints,
) -> tuple[Ints, Ints, Ints, Ints, Ints, Ints, Ints, Ints]:
    """The eligible pairs' columns in rank order; rejections added to `rejected` by code.

    Returns (score, bid, ad group row, ad group id, product id, quality, reserve, advertiser).
    `group_codes` (empty: none) holds the ad groups' own filter verdicts, read only when the
    campaign's verdict is OK; `relevant` (per product row) decides the pairs that need
    relevance unless `any_relevant`.
    """
    size = positions.shape[0]
    score = np.empty(size, dtype=np.int64)
    bid = np.empty(size, dtype=np.int64)
    group_row = np.empty(size, dtype=np.int64)
    group_id = np.empty(size, dtype=np.int64)
    product_id = np.empty(size, dtype=np.int64)
    rate = np.empty(size, dtype=np.int64)
    reserve = np.empty(size, dtype=np.int64)
    advertiser = np.empty(size, dtype=np.int64)
    own_filters = group_codes.shape[0] > 0
    kept = 0
    for index in range(size):
        group = groups[index]
        verdict = campaign_codes[group_campaign[group]]
        if verdict == OK and own_filters:
            verdict = group_codes[group]
        code = codes[index] if verdict == OK else verdict
        row = pair_rows[index]
        if code == NEEDS_RELEVANCE:
            code = OK if any_relevant or relevant[row] else NOT_RELEVANT
        pair = pairs[index]
        offer = pair_bid[pair]
        floor = pair_reserve[pair]
        if code == OK and offer < floor:
            code = BELOW_RESERVE
        if code != OK:
            rejected[code] += 1
            continue
        given = quality[positions[index]] if by_position else quality[row]
        score[kept] = given * offer
        bid[kept] = offer
        group_row[kept] = group
        group_id[kept] = group_ids[group]
        product_id[kept] = product_ids[row]
        rate[kept] = given
        reserve[kept] = floor
        advertiser[kept] = group_advertiser[group]
        kept += 1
    # Bottom-up merge sort of the kept indices by the rank order.
    order = np.arange(kept)
    spare = np.empty(kept, dtype=np.int64)
    width = 1
    while width < kept:
        for low in range(0, kept, 2 * width):
            middle = min(low + width, kept)
            high = min(low + 2 * width, kept)
            left, right, out = low, middle, low
            while left < middle and right < high:
                if _ranks_before(order[right], order[left], score, bid, group_id, product_id):
                    spare[out] = order[right]
                    right += 1
                else:
                    spare[out] = order[left]
                    left += 1
                out += 1
            while left < middle:
                spare[out] = order[left]
                left += 1
                out += 1
            while right < high:
                spare[out] = order[right]
                right += 1
                out += 1
        order, spare = spare, order
        width *= 2
    return (
        score[order],
        bid[order],
        group_row[order],
        group_id[order],
        product_id[order],
        rate[order],
        reserve[order],
        advertiser[order],
    )


def _advance_py(
    product_id: Ints,
    advertiser: Ints,
    start: int,
    page_products: Ints,
    page_advertisers: Ints,
    on_page: int,
) -> tuple[int, int, int]:
    """The first entry from `start` whose product and advertiser are not on the page.

    `page_products` / `page_advertisers` hold the first `on_page` chosen entries' product
    and advertiser (-1 where the placement allows repeats). Returns (its index, or the
    entry count when none; entries skipped as duplicate products; as duplicate advertisers).
    """
    products = advertisers = 0
    for index in range(start, product_id.shape[0]):
        blocked = False
        for slot in range(on_page):
            if page_products[slot] == product_id[index]:
                products += 1
                blocked = True
                break
        if blocked:
            continue
        for slot in range(on_page):
            if page_advertisers[slot] == advertiser[index]:
                advertisers += 1
                blocked = True
                break
        if not blocked:
            return index, products, advertisers
    return product_id.shape[0], products, advertisers


def _schedule_py(
    touched: Ints,
    codes: Codes,
    daypart: Flags,
    starts_us: Ints,
    ends_us: Ints,
    at_us: int,
    spent: Flags,
    even_pacing: Flags,
) -> Ints:
    """Verdicts of the touched campaigns not decided yet (`codes` -1), in visit order.

    Daypart, then the schedule, then a reached budget (`spent` per campaign row; empty:
    none). Returns the rows left OK that pace evenly: their pacing coin is Python's.
    """
    paced = np.empty(touched.shape[0], dtype=np.int64)
    count = 0
    any_spent = spent.shape[0] > 0
    for index in range(touched.shape[0]):
        row = touched[index]
        if codes[row] >= 0:
            continue
        code = OK if daypart[row] else OUTSIDE_DAYPART
        if at_us < starts_us[row] or at_us >= ends_us[row]:
            code = OUT_OF_SCHEDULE
        if code == OK and any_spent and spent[row]:
            code = BUDGET_EXHAUSTED
        codes[row] = code
        if code == OK and even_pacing[row]:
            paced[count] = row
            count += 1
    return paced[:count]


def compile_kernel(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` compiled to machine code on first call: cached on disk (`__pycache__`),
    GIL released, indexes bounds-checked (a bug raises IndexError, never corrupts memory)."""
    return cast(Callable[..., Any], njit(cache=True, nogil=True, boundscheck=True)(function))


# Compiled before `_rank_py`, which calls it by this global name; inlined there (a call
# per comparison would pass four arrays and their reference counts each time).
_ranks_before = cast(Callable[..., bool], njit(inline="always", boundscheck=True)(_ranks_before_py))
expand = cast(
    Callable[..., tuple[int, Ints, Ints, Ints, Ints, Codes, Ints, Ints, Ints, bool]],
    compile_kernel(_expand_py),
)
rank = cast(
    Callable[..., tuple[Ints, Ints, Ints, Ints, Ints, Ints, Ints, Ints]], compile_kernel(_rank_py)
)
advance = cast(Callable[..., tuple[int, int, int]], compile_kernel(_advance_py))
schedule = cast(Callable[..., Ints], compile_kernel(_schedule_py))


_warmed = False


def warm_kernels() -> None:
    """Compile (or load from the cache) every kernel, so no request pays for it."""
    global _warmed  # once per process
    if _warmed:
        return
    ints = np.zeros(1, dtype=np.int64)
    none = np.zeros(0, dtype=np.int64)
    flags = np.zeros(1, dtype=np.bool_)
    codes = np.zeros(1, dtype=np.int16)
    rejected = np.zeros(64, dtype=np.int64)
    expand(none, none, 0, ints, _EMPTY_CODES, codes, ints, ints, flags, 1, none, rejected)
    expand(none, ints, 0, ints, _EMPTY_CODES, codes, ints, ints, flags, 1, none, rejected)
    rank(
        none,
        none,
        none,
        none,
        _EMPTY_CODES,
        codes,
        ints,
        _EMPTY_CODES,
        flags,
        True,
        ints,
        ints,
        ints,
        False,
        ints,
        ints,
        ints,
        rejected,
    )
    advance(none, none, 0, ints, ints, 0)
    schedule(none, codes, flags, ints, ints, 0, flags, flags)
    _warmed = True

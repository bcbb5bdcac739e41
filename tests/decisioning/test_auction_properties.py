"""Hypothesis properties: price within [reserve, bid], winners ordered by score, GSP monotone."""

from __future__ import annotations

import dataclasses
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from jarnama.decisioning.auction import decide
from jarnama.decisioning.pricing import second_price
from jarnama.decisioning.snapshot import AuctionRules, PricingRule

from .factories import MILK, SEARCH, FixedRanker, build, campaign, deps, listing, product, request

bids = st.integers(min_value=1, max_value=100_000)
qualities = st.integers(min_value=1, max_value=1_000_000)
reserves = st.integers(min_value=0, max_value=5_000)


@dataclasses.dataclass(frozen=True)
class Case:
    """Bidders (bid, quality) on distinct products, a reserve setup, slots and a pricing rule."""

    bidders: list[tuple[int, int]]
    min_bid: int
    category_min: int | None
    slots: int
    pricing: PricingRule


auctions = st.builds(
    Case,
    bidders=st.lists(st.tuples(bids, qualities), min_size=1, max_size=12),
    min_bid=reserves,
    category_min=st.none() | reserves,
    slots=st.integers(min_value=1, max_value=5),
    pricing=st.sampled_from(PricingRule),
)


def run(case: Case) -> tuple[list[tuple[int, int, int, int]], int]:
    """Run one generated auction; return winners as (bid, quality, score, price) and the reserve."""
    bidders = case.bidders
    category_min = case.category_min
    placement = dataclasses.replace(
        SEARCH,
        min_bid_tiyn=case.min_bid,
        category_min_bids={} if category_min is None else {MILK: category_min},
    )
    ids = range(1, len(bidders) + 1)
    snapshot = build(
        [product(i) for i in ids],
        [campaign(i) for i in ids],
        [listing(i, bid=bid, products=[i]) for i, (bid, _) in zip(ids, bidders, strict=True)],
        placements=[placement],
        rules=AuctionRules(pricing=case.pricing),
    )
    ranker = FixedRanker({i: q for i, (_, q) in zip(ids, bidders, strict=True)})
    decision = decide(
        snapshot, request(placement, product_ids=ids, slots=case.slots), deps(ranker=ranker)
    )
    winners = [
        (w.bid_tiyn, w.quality_ppm, w.score, w.price_tiyn) for w in decision.placements[0].winners
    ]
    reserve = max(1, placement.min_bid_tiyn if category_min is None else category_min)
    return winners, reserve


@settings(max_examples=300, deadline=None)
@given(auctions)
def test_price_is_within_reserve_and_bid(case: Case) -> None:
    winners, reserve = run(case)
    for bid, _, _, price in winners:
        assert reserve <= price <= bid


@settings(max_examples=300, deadline=None)
@given(auctions)
def test_winners_are_the_best_scores_in_order(case: Case) -> None:
    winners, reserve = run(case)
    bidders = case.bidders
    scores = [score for _, _, score, _ in winners]
    assert scores == sorted(scores, reverse=True)
    eligible = sorted((q * b for b, q in bidders if b >= reserve), reverse=True)
    assert len(winners) == min(case.slots, len(eligible))
    assert scores == eligible[: len(scores)]


@settings(max_examples=300, deadline=None)
@given(auctions)
def test_second_price_keeps_the_rank_unless_capped_by_the_bid(case: Case) -> None:
    case = dataclasses.replace(case, pricing=PricingRule.SECOND_PRICE)
    winners, reserve = run(case)
    for (bid, quality, _, price), (_, _, next_score, _) in itertools.pairwise(winners):
        assert price == bid or quality * price > next_score
        assert price == max(reserve, 1) or quality * (price - 1) <= next_score


@settings(max_examples=500, deadline=None)
@given(bids, qualities, reserves, st.integers(0, 10**11), st.integers(0, 10**11))
def test_second_price_is_monotone_in_the_next_score(
    bid: int, quality: int, reserve: int, low: int, high: int
) -> None:
    low, high = sorted((low, high))
    bid = max(bid, reserve, 1)
    assert second_price(bid, quality, low, reserve) <= second_price(bid, quality, high, reserve)
    assert second_price(bid, quality, None, reserve) <= second_price(bid, quality, low, reserve)


@settings(max_examples=200, deadline=None)
@given(bids, qualities, bids, bids, qualities)
def test_raising_the_runner_up_never_lowers_the_winners_price(
    top_bid: int, top_quality: int, low_bid: int, raise_by: int, low_quality: int
) -> None:
    def price(runner_bid: int) -> int | None:
        snapshot = build(
            [product(1), product(2)],
            [campaign(1), campaign(2)],
            [listing(1, bid=top_bid, products=[1]), listing(2, bid=runner_bid, products=[2])],
            placements=[dataclasses.replace(SEARCH, slots=1, min_bid_tiyn=0, category_min_bids={})],
        )
        ranker = FixedRanker({1: top_quality, 2: low_quality})
        decision = decide(snapshot, request(product_ids=[1, 2]), deps(ranker=ranker))
        [winner] = decision.placements[0].winners
        return winner.price_tiyn if winner.product_id == 1 else None

    before, after = price(low_bid), price(low_bid + raise_by)
    if before is not None and after is not None:
        assert before <= after

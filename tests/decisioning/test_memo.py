"""The per-snapshot memo: query, category, retrieval and hourly schedule verdicts stay exact."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jarnama.core.time import ALMATY
from jarnama.decisioning import snapshot as snapshot_module
from jarnama.decisioning.auction import RejectionReason, decide
from jarnama.decisioning.eligibility import (
    CATEGORY_MISMATCH,
    KEYWORD_MISMATCH,
    NEEDS_RELEVANCE,
    OK,
    warm,
)
from jarnama.decisioning.snapshot import AuctionRules, DaypartWindow
from jarnama.decisioning.state import InProcessStateStore

from .factories import DAIRY, KEFIR, build, campaign, deps, kw, listing, product, request

R = RejectionReason
WEDNESDAY, THURSDAY = 2, 3


def winners(snapshot: snapshot_module.DecisionSnapshot, **fields: object) -> list[int]:
    """Ad group ids winning one search request on `snapshot`."""
    placement = decide(snapshot, request(**fields), deps()).placements[0]  # type: ignore[arg-type]
    return [w.ad_group_id for w in placement.winners]


def test_a_campaign_starting_or_ending_inside_an_hour_is_checked_to_the_second() -> None:
    hour = dt.datetime(2025, 3, 12, 7, 0, tzinfo=dt.UTC)
    snapshot = build(
        [product(1), product(2)],
        [
            campaign(1, starts_at=hour + dt.timedelta(minutes=30)),
            campaign(2, advertiser=2, ends_at=hour + dt.timedelta(minutes=20)),
        ],
        [listing(1, products=[1]), listing(2, products=[2])],
    )
    at = {minute: hour + dt.timedelta(minutes=minute) for minute in (5, 25, 45)}
    # The same hour's memo is warm after the first request; each instant still decides alone.
    assert winners(snapshot, product_ids=[1, 2], at=at[5]) == [2]
    assert winners(snapshot, product_ids=[1, 2], at=at[25]) == []
    assert winners(snapshot, product_ids=[1, 2], at=at[45]) == [1]
    assert winners(snapshot, product_ids=[1, 2], at=at[5]) == [2]
    assert len(snapshot.memo.hours) == 1


def test_a_campaign_ending_on_the_hour_serves_until_the_hour_and_not_after() -> None:
    end = dt.datetime(2025, 3, 12, 8, 0, tzinfo=dt.UTC)
    snapshot = build([product(1)], [campaign(1, ends_at=end)], [listing(1, products=[1])])
    before = end - dt.timedelta(microseconds=1)
    assert winners(snapshot, product_ids=[1], at=before) == [1]
    placement = decide(snapshot, request(product_ids=[1], at=end), deps()).placements[0]
    assert placement.winners == ()
    assert placement.rejections == {R.OUT_OF_SCHEDULE: 1}
    assert winners(snapshot, product_ids=[1], at=before - dt.timedelta(minutes=30)) == [1]


def test_dayparts_and_daily_budgets_turn_over_at_almaty_midnight() -> None:
    late_wednesday = dt.datetime(2025, 3, 12, 23, 59, 59, tzinfo=ALMATY)
    thursday = dt.datetime(2025, 3, 13, 0, 0, tzinfo=ALMATY)
    snapshot = build(
        [product(1), product(2)],
        [
            campaign(1, dayparts=(DaypartWindow(WEDNESDAY, 23, 24),)),
            campaign(2, advertiser=2, daily_budget_tiyn=1_000),
        ],
        [listing(1, products=[1]), listing(2, bid=90, products=[2])],
    )
    state = InProcessStateStore()
    spent = state.charge("bid-1", snapshot.campaigns[2], 1_000_000, late_wednesday)
    assert spent.charged
    wednesday_placement = decide(
        snapshot, request(product_ids=[1, 2], at=late_wednesday), deps(state)
    ).placements[0]
    assert [w.ad_group_id for w in wednesday_placement.winners] == [1]
    assert wednesday_placement.rejections == {R.BUDGET_EXHAUSTED: 1}
    thursday_placement = decide(
        snapshot, request(product_ids=[1, 2], at=thursday), deps(state)
    ).placements[0]
    assert [w.ad_group_id for w in thursday_placement.winners] == [2]
    assert thursday_placement.rejections == {R.OUTSIDE_DAYPART: 1}
    # Back in Wednesday's last hour the memoised verdicts of that hour apply again.
    assert winners(snapshot, product_ids=[1], at=late_wednesday - dt.timedelta(minutes=40)) == [1]
    assert len(snapshot.memo.hours) == 2


def test_each_snapshot_has_its_own_memo() -> None:
    snapshot = build(
        [product(1, text="Молоко 1 л")], [campaign(1)], [listing(1, products=[1], automatic=True)]
    )
    assert winners(snapshot, query="молоко") == [1]
    assert "молоко" in snapshot.memo.queries
    rebuilt = build([product(1, text="Кефир")], [campaign(1)], [listing(1, products=[1])])
    assert rebuilt.memo is not snapshot.memo
    assert not rebuilt.memo.queries
    assert dataclasses.replace(snapshot, version=2).memo is not snapshot.memo


def test_repeated_queries_and_categories_answer_the_same_from_the_memo() -> None:
    snapshot = build(
        [product(1, text="Молоко"), product(2, path=(DAIRY, KEFIR), text="Кефир")],
        [campaign(1), campaign(2)],
        [
            listing(1, bid=150, products=[1], keywords=(kw("молоко"),)),
            listing(2, bid=120, products=[2], category_ids=frozenset({KEFIR})),
        ],
    )
    for _ in range(3):
        assert winners(snapshot, query="Молоком", product_ids=[1, 2]) == [1]
        assert winners(snapshot, category_id=KEFIR) == [2]
    assert set(snapshot.memo.queries) == {"Молоком"}
    assert set(snapshot.memo.categories) == {KEFIR}


def test_a_full_memo_is_emptied_and_refilled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot_module, "MEMO_LIMIT", 2)
    snapshot = build(
        [product(1, text="Молоко сүт")], [campaign(1)], [listing(1, products=[1], automatic=True)]
    )
    for query in ("молоко", "сүт", "сүттің", "молоко сүт", "молоко"):
        assert winners(snapshot, query=query) == [1]
        assert len(snapshot.memo.queries) <= 2


def test_retrieval_keeps_the_highest_bidding_products_up_to_the_candidate_cap() -> None:
    products = [product(i, brand=i, text="Молоко") for i in range(1, 6)]
    groups = [listing(i, bid=100 + 10 * i, products=[i], automatic=True) for i in range(1, 5)]
    rules = AuctionRules(max_candidates=3)
    snapshot = build(products, [campaign(i) for i in range(1, 5)], groups, rules=rules)
    placement = decide(snapshot, request(query="молоко", slots=3), deps()).placements[0]
    # Product 5 has no ad, product 1 the lowest bid: neither is auctioned.
    assert [w.product_id for w in placement.winners] == [4, 3, 2]
    assert placement.rejections == {}
    assert snapshot.memo.retrievals[(1, "молоко", None)] == (2, 3, 4)
    uncapped = build(products, [campaign(i) for i in range(1, 5)], groups)
    placement = decide(uncapped, request(query="молоко", slots=3), deps()).placements[0]
    assert placement.rejections == {R.OUTBID: 1}


def test_warming_builds_the_context_defaults_before_the_first_request() -> None:
    snapshot = build(
        [product(1)],
        [campaign(1), campaign(2), campaign(3)],
        [
            listing(1, products=[1], keywords=(kw("молоко"),)),
            listing(2, products=[1], automatic=True),
            listing(3, products=[1]),
        ],
    )
    warm(snapshot)
    query, category, plain = (snapshot.memo.context_defaults[mode] for mode in range(3))
    assert query == {1: KEYWORD_MISMATCH, 2: NEEDS_RELEVANCE, 3: OK}
    assert category == {1: CATEGORY_MISMATCH, 2: NEEDS_RELEVANCE, 3: OK}
    assert plain == {1: KEYWORD_MISMATCH, 2: OK, 3: OK}
    assert winners(snapshot, product_ids=[1]) == [2]  # the tie goes to the lower ad group id


def test_context_arrays_are_reused_per_context_and_change_nothing() -> None:
    snapshot = build(
        [product(1), product(2), product(3, active=False)],
        [campaign(1), campaign(2, advertiser=2)],
        [
            listing(1, products=[1, 2, 3], keywords=[kw("кефир")]),
            listing(2, campaign_id=2, products=[1, 2], bid=90),
        ],
    )
    first = decide(snapshot, request(product_ids=[1, 2, 3]), deps())
    arrays = snapshot.memo.arrays
    assert arrays is not None
    assert len(arrays.contexts) == 1
    again = decide(snapshot, request(product_ids=[3, 2, 1]), deps())
    decide(snapshot, request(category_id=DAIRY, product_ids=[1, 2]), deps())
    decide(snapshot, request(query="кефир", product_ids=[1, 2]), deps())
    # Plain, category page and search: one context array each, the repeat reused its own.
    assert len(arrays.contexts) == 3
    assert snapshot.memo.arrays is arrays
    # Group 1 (keywords only) misses on products 1 and 2 without a query, the inactive
    # product is rejected once.
    assert [w.ad_group_id for w in first.placements[0].winners] == [2]
    assert again.placements[0].rejections == first.placements[0].rejections
    assert first.placements[0].rejections[R.PRODUCT_INACTIVE] == 1
    assert first.placements[0].rejections[R.KEYWORD_MISMATCH] == 2


def test_the_context_array_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jarnama.decisioning.listing.ARRAY_MEMO_LIMIT", 2)
    snapshot = build([product(1)], [campaign(1)], [listing(1, products=[1])])
    for category in (None, DAIRY, KEFIR):
        decide(snapshot, request(category_id=category, product_ids=[1]), deps())
    assert snapshot.memo.arrays is not None
    assert len(snapshot.memo.arrays.contexts) == 1  # emptied when full, then refilled

"""compile_snapshot: indexes, exact multipliers, reserves and issues instead of exceptions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from jarnama.decisioning.snapshot import (
    CampaignStatus,
    DaypartWindow,
    daypart_mask,
    multiplier_permille,
)
from jarnama.decisioning.text import MatchType

from .factories import (
    BAKERY,
    DAIRY,
    HOME,
    KEFIR,
    MILK,
    SEARCH,
    banner,
    build,
    campaign,
    creative,
    kw,
    listing,
    product,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1"), 1000),
        (Decimal("1.25"), 1250),
        (Decimal("0.5"), 500),
        (Decimal("2.125"), 2125),
        (Decimal("1.2345"), None),
        (Decimal("0"), None),
        (Decimal("-1"), None),
        (Decimal("NaN"), None),
    ],
)
def test_multipliers_become_exact_per_mille(value: Decimal, expected: int | None) -> None:
    assert multiplier_permille(value) == expected


def test_daypart_mask_marks_hours_of_the_week() -> None:
    mask = daypart_mask([DaypartWindow(0, 8, 10), DaypartWindow(6, 23, 24)])
    assert mask is not None
    assert [h for h in range(168) if mask >> h & 1] == [8, 9, 6 * 24 + 23]
    assert daypart_mask([]) == (1 << 168) - 1
    assert daypart_mask([DaypartWindow(7, 0, 1)]) is None
    assert daypart_mask([DaypartWindow(1, 5, 5)]) is None


def test_indexes_by_keyword_product_category_and_placement() -> None:
    snapshot = build(
        [product(1, text="Молоко Простоквашино 2,5%"), product(2, path=(DAIRY, KEFIR))],
        [campaign(1), campaign(2), campaign(3)],
        [
            listing(1, products=[1, 2], keywords=(kw("сүт", MatchType.PHRASE),)),
            listing(2, products=[2], category_ids=frozenset({KEFIR}), automatic=True),
            banner(3, bid=10_000),
        ],
        creatives=[creative(30, 3)],
    )
    assert [(rule.terms, group.id) for rule, group in snapshot.keyword_index["сүт"]] == [
        (("сүт",), 1)
    ]
    assert [g.id for g in snapshot.product_index[2]] == [1, 2]
    assert [g.id for g in snapshot.category_index[KEFIR]] == [2]
    assert snapshot.category_products[DAIRY] == (1, 2)
    assert snapshot.category_products[KEFIR] == (2,)
    assert [g.id for g in snapshot.placement_index[SEARCH.id]] == [1, 2]
    assert [g.id for g in snapshot.placement_index[HOME.id]] == [3]
    assert snapshot.category_paths[KEFIR] == (DAIRY, KEFIR)
    assert snapshot.issues == ()


def test_automatic_targeting_indexes_product_text_terms() -> None:
    snapshot = build(
        [product(1, text="Молоко Простоквашино 2,5%"), product(2, text="Кефир")],
        [campaign(1)],
        [listing(1, products=[1], automatic=True)],
    )
    assert snapshot.term_index["молок"] == frozenset({1})
    assert "кефир" not in snapshot.term_index  # product 2 is not promoted automatically


def test_effective_bids_apply_placement_multipliers_exactly() -> None:
    snapshot = build(
        [product(1)],
        [campaign(1)],
        [listing(1, bid=333, products=[1], multipliers={"search-top": Decimal("1.5")})],
    )
    assert snapshot.ad_groups[1].effective_bids == {SEARCH.id: 499}  # 499.5 floored


def test_category_min_bids_override_the_placement_minimum_deepest_first() -> None:
    search = dataclasses.replace(SEARCH, category_min_bids={DAIRY: 70, KEFIR: 90})
    snapshot = build(
        [product(1), product(2, path=(DAIRY, KEFIR)), product(3, path=(BAKERY,))],
        [],
        [],
        placements=[search],
    )
    reserves = snapshot.placements[SEARCH.id].reserve_by_category
    assert reserves[MILK] == 70  # inherits dairy's
    assert reserves[KEFIR] == 90
    assert BAKERY not in reserves  # falls back to the placement's 50


def test_bad_inputs_become_issues_not_exceptions() -> None:
    snapshot = build(
        [product(1)],
        [
            campaign(1),
            campaign(2, dayparts=(DaypartWindow(9, 0, 1),)),
            campaign(3, daily_budget_tiyn=0),
            campaign(4, starts_at=dt.datetime(2025, 1, 1)),  # naive
            campaign(5, status=CampaignStatus.PAUSED),
        ],
        [
            listing(10, campaign_id=1, products=[1, 999]),
            listing(11, campaign_id=1, products=[999]),
            listing(12, campaign_id=1, products=[1], multipliers={"search-top": Decimal("1.0001")}),
            listing(13, campaign_id=1, bid=0, products=[1]),
            listing(14, campaign_id=2, products=[1]),
            listing(15, campaign_id=5, products=[1]),
            listing(16, campaign_id=1, products=[1], placement_codes=frozenset({"home-banner"})),
            listing(17, campaign_id=1, products=[1], keywords=(kw("!!!"),)),
            dataclasses.replace(banner(18, bid=10_000), campaign_id=1),
        ],
        creatives=[creative(40, 18, approved=False)],
    )
    assert sorted(snapshot.ad_groups) == [10, 17]
    assert snapshot.ad_groups[10].product_ids == frozenset({1})
    reasons = {(i.entity, i.entity_id): i.reason for i in snapshot.issues}
    assert "unknown products" in reasons[("ad_group", 10)]
    assert "needs at least one catalog product" in reasons[("ad_group", 11)]
    assert "3 decimal places" in reasons[("ad_group", 12)]
    assert "bid must be positive" in reasons[("ad_group", 13)]
    assert "daypart" in reasons[("campaign", 2)]
    assert "positive" in reasons[("campaign", 3)]
    assert "timezone-aware" in reasons[("campaign", 4)]
    assert ("campaign", 5) not in reasons  # paused is not a problem, it just does not serve
    assert "no active placement" in reasons[("ad_group", 16)]
    assert "empty keyword" in reasons[("ad_group", 17)]
    assert "no approved creative" in reasons[("ad_group", 18)]

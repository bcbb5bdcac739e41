"""The auction on small hand-built snapshots: eligibility, ranking, dedup, pricing, rejections."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from jarnama.core.time import ALMATY
from jarnama.decisioning.auction import (
    LOSS_CODES,
    DecisionRequest,
    PlacementRequest,
    RejectionReason,
    decide,
    new_resolved_bid_id,
)
from jarnama.decisioning.snapshot import (
    AdKind,
    AuctionRules,
    Channel,
    DaypartWindow,
    PacingMode,
    PricingRule,
)
from jarnama.decisioning.state import BudgetLimits, InProcessStateStore
from jarnama.decisioning.text import MatchType

from .factories import (
    ALMATY_STORE,
    ASTANA_STORE,
    AT,
    BAKERY,
    DAIRY,
    HOME,
    KEFIR,
    MILK,
    SCREEN,
    SEARCH,
    FixedRanker,
    banner,
    build,
    campaign,
    creative,
    deps,
    kw,
    listing,
    product,
    request,
)

R = RejectionReason


def four_bidders(**rules: object) -> tuple[list[int], list[int]]:
    """Run the standard four-bidder search auction; return (winning products, prices)."""
    snapshot = build(
        [product(i) for i in range(1, 5)],
        [campaign(i) for i in range(1, 5)],
        [
            listing(1, bid=300, products=[1]),
            listing(2, bid=200, products=[2]),
            listing(3, bid=100, products=[3]),
            listing(4, bid=90, products=[4]),
        ],
        rules=AuctionRules(**rules),  # type: ignore[arg-type]
    )
    decision = decide(snapshot, request(product_ids=[4, 3, 2, 1]), deps())
    winners = decision.placements[0].winners
    return [w.product_id or 0 for w in winners], [w.price_tiyn for w in winners]


def test_gsp_pays_the_next_score_over_own_quality_plus_one_tiyn() -> None:
    assert four_bidders() == ([1, 2, 3], [201, 101, 91])


def test_first_price_networks_pay_the_bid() -> None:
    assert four_bidders(pricing=PricingRule.FIRST_PRICE) == ([1, 2, 3], [300, 200, 100])


def test_quality_times_bid_ranks_and_the_reserve_floors_the_price() -> None:
    snapshot = build(
        [product(1), product(2)],
        [campaign(1), campaign(2)],
        [listing(1, bid=100, products=[1]), listing(2, bid=150, products=[2])],
    )
    ranker = FixedRanker({1: 20_000, 2: 10_000})
    winners = (
        decide(snapshot, request(product_ids=[1, 2]), deps(ranker=ranker)).placements[0].winners
    )
    assert [(w.product_id, w.score) for w in winners] == [(1, 2_000_000), (2, 1_500_000)]
    # 1_500_000 // 20_000 + 1 = 76, below the milk category's minimum bid of 80.
    assert [w.price_tiyn for w in winners] == [80, 80]


def test_retailer_quality_scores_replace_the_ranker() -> None:
    snapshot = build(
        [product(1), product(2)],
        [campaign(1), campaign(2)],
        [listing(1, bid=100, products=[1]), listing(2, bid=250, products=[2])],
    )
    placement = decide(
        snapshot, request(product_ids=[1, 2], quality_scores=[0.9, 0.3]), deps()
    ).placements[0]
    assert [(w.product_id, w.quality_ppm) for w in placement.winners] == [
        (1, 900_000),
        (2, 300_000),
    ]
    assert placement.winners[0].price_tiyn == 250 * 300_000 // 900_000 + 1 == 84


def test_placement_multiplier_raises_the_effective_bid_and_caps_the_price() -> None:
    snapshot = build(
        [product(1), product(2)],
        [campaign(1), campaign(2)],
        [
            listing(1, bid=100, products=[1], multipliers={"search-top": Decimal("2.5")}),
            listing(2, bid=240, products=[2]),
        ],
    )
    winners = decide(snapshot, request(product_ids=[1, 2]), deps()).placements[0].winners
    assert [(w.product_id, w.bid_tiyn, w.price_tiyn) for w in winners] == [
        (1, 250, 241),
        (2, 240, 80),
    ]


def test_fewer_winners_than_slots_when_nothing_else_clears() -> None:
    snapshot = build(
        [product(1), product(2), product(3, path=(BAKERY,))],
        [campaign(1), campaign(2), campaign(3)],
        [
            listing(1, bid=120, products=[1]),
            listing(2, bid=79, products=[2]),  # milk's minimum bid is 80
            listing(3, bid=49, products=[3]),  # the placement's minimum bid is 50
        ],
    )
    placement = decide(snapshot, request(product_ids=[1, 2, 3], slots=3), deps()).placements[0]
    assert [(w.product_id, w.price_tiyn) for w in placement.winners] == [(1, 80)]
    assert placement.rejections == {R.BELOW_RESERVE: 2}
    assert LOSS_CODES[R.BELOW_RESERVE] == 100


def test_one_ad_per_product_and_per_advertiser_unless_configured() -> None:
    products = [product(1), product(2), product(3)]
    campaigns = [campaign(1, advertiser=7), campaign(2, advertiser=7), campaign(3, advertiser=8)]
    groups = [
        listing(1, bid=300, products=[1, 2]),
        listing(2, bid=250, products=[2]),
        listing(3, bid=200, products=[1]),
    ]
    placement = decide(build(products, campaigns, groups), request(product_ids=[1, 2, 3]), deps())
    first = placement.placements[0]
    assert [(w.ad_group_id, w.product_id) for w in first.winners] == [(1, 1)]
    assert first.rejections[R.DUPLICATE_ADVERTISER] == 2  # group 1 on product 2, group 2
    assert first.rejections[R.DUPLICATE_PRODUCT] == 1  # group 3 on product 1

    relaxed = dataclasses.replace(SEARCH, one_per_product=False, one_per_advertiser=False)
    snapshot = build(products, campaigns, groups, placements=[relaxed])
    winners = decide(snapshot, request(product_ids=[1, 2, 3]), deps()).placements[0].winners
    assert [(w.ad_group_id, w.product_id) for w in winners] == [(1, 1), (1, 2), (2, 2)]


def test_ties_break_deterministically_by_bid_then_ad_group_then_product() -> None:
    snapshot = build(
        [product(i) for i in range(1, 5)],
        [campaign(i) for i in range(1, 5)],
        [
            listing(4, bid=100, products=[4]),
            listing(3, bid=200, products=[3]),
            listing(2, bid=100, products=[2]),
            listing(1, bid=100, products=[1]),
        ],
    )
    ranker = FixedRanker({3: 5_000})  # 5_000 * 200 == 10_000 * 100: same score as the rest
    for order in ([1, 2, 3, 4], [4, 3, 2, 1], [2, 4, 1, 3]):
        winners = decide(snapshot, request(product_ids=order), deps(ranker=ranker))
        assert [w.ad_group_id for w in winners.placements[0].winners] == [3, 1, 2]


def test_schedule_and_daypart_use_the_almaty_clock() -> None:
    wednesday = 2
    campaigns = [
        campaign(1, starts_at=AT + dt.timedelta(hours=1)),
        campaign(2, ends_at=AT),
        campaign(3, dayparts=(DaypartWindow(wednesday, 8, 12),)),  # ends just before 12:00
        campaign(4, dayparts=(DaypartWindow(wednesday, 12, 13),)),
    ]
    snapshot = build(
        [product(i) for i in range(1, 5)],
        campaigns,
        [listing(i, products=[i]) for i in range(1, 5)],
    )
    placement = decide(snapshot, request(product_ids=[1, 2, 3, 4]), deps()).placements[0]
    assert [w.ad_group_id for w in placement.winners] == [4]
    assert placement.rejections == {R.OUT_OF_SCHEDULE: 2, R.OUTSIDE_DAYPART: 1}
    morning = dt.datetime(2025, 3, 12, 11, 30, tzinfo=ALMATY)
    placement = decide(snapshot, request(product_ids=[3, 4], at=morning), deps()).placements[0]
    assert [w.ad_group_id for w in placement.winners] == [3]


def test_products_must_be_active_and_in_stock_in_the_requested_store() -> None:
    snapshot = build(
        [
            product(1, active=False),
            product(2, in_stock=False),
            product(3, stores=[ASTANA_STORE]),
            product(4),
        ],
        [campaign(1)],
        [listing(1, products=[1, 2, 3, 4])],
        placements=[dataclasses.replace(SEARCH, one_per_advertiser=False)],
    )
    placement = decide(
        snapshot, request(product_ids=[1, 2, 3, 4, 77], store_id=ALMATY_STORE), deps()
    ).placements[0]
    assert [w.product_id for w in placement.winners] == [4]
    assert placement.rejections == {
        R.PRODUCT_INACTIVE: 1,
        R.OUT_OF_STOCK: 2,
        R.UNKNOWN_PRODUCT: 1,
    }


def test_exhausted_budget_pacing_throttle_and_frequency_cap() -> None:
    state = InProcessStateStore()
    snapshot = build(
        [product(i) for i in range(1, 5)],
        [
            campaign(1, daily_budget_tiyn=100),
            campaign(2),
            campaign(3, pacing=PacingMode.ASAP),
            campaign(4),
        ],
        [
            listing(1, products=[1]),
            listing(2, products=[2]),
            listing(3, products=[3]),
            dataclasses.replace(
                listing(4, products=[4]), frequency_cap_day=2, frequency_cap_week=5
            ),
        ],
    )
    limits = BudgetLimits(1, daily_budget_tiyn=100)
    assert state.charge("rb-a", limits, 100_000, AT).charged
    state.set_pass_rate(2, 0.25)
    state.set_pass_rate(3, 0.0)  # ignored: as-fast-as-possible campaigns are not throttled
    for _ in range(2):
        state.record_impression("shopper-1", 4, AT)
    every = [1, 2, 3, 4]
    lucky = decide(snapshot, request(product_ids=every, user_id="shopper-1"), deps(state, coin=0.1))
    assert [w.ad_group_id for w in lucky.placements[0].winners] == [2, 3]
    assert lucky.placements[0].rejections == {R.BUDGET_EXHAUSTED: 1, R.FREQUENCY_CAPPED: 1}
    unlucky = decide(
        snapshot, request(product_ids=every, user_id="shopper-2"), deps(state, coin=0.3)
    )
    assert [w.ad_group_id for w in unlucky.placements[0].winners] == [3, 4]
    assert unlucky.placements[0].rejections == {R.BUDGET_EXHAUSTED: 1, R.PACING_THROTTLED: 1}


@pytest.mark.parametrize(
    ("query", "winners", "rejected"),
    [
        ("молоко", [1, 2, 4], {R.KEYWORD_MISMATCH: 1}),
        ("молока 2,5%", [2, 4], {R.KEYWORD_MISMATCH: 2}),
        ("детское молоко", [2, 4], {R.NEGATIVE_KEYWORD: 1, R.KEYWORD_MISMATCH: 1}),
        ("сүт", [3, 4], {R.KEYWORD_MISMATCH: 2}),
        ("балаларға арналған сүттің", [3, 4], {R.KEYWORD_MISMATCH: 2}),
        ("кефир", [4], {R.KEYWORD_MISMATCH: 3}),
    ],
)
def test_keyword_targeting_on_russian_and_kazakh_searches(
    query: str, winners: list[int], rejected: dict[RejectionReason, int]
) -> None:
    snapshot = build(
        [product(i) for i in range(1, 5)],
        [campaign(i) for i in range(1, 5)],
        [
            listing(
                1,
                bid=400,
                products=[1],
                keywords=(kw("молоко", MatchType.EXACT),),
                negative_keywords=(kw("детское"),),
            ),
            listing(2, bid=300, products=[2], keywords=(kw("молоко", MatchType.PHRASE),)),
            listing(3, bid=200, products=[3], keywords=(kw("сүт"),)),
            listing(4, bid=100, products=[4]),  # no keywords: any search
        ],
    )
    placement = decide(snapshot, request(query=query, product_ids=[1, 2, 3, 4]), deps())
    assert [w.ad_group_id for w in placement.placements[0].winners] == winners
    assert placement.placements[0].rejections == rejected


def test_search_without_candidates_retrieves_keyword_and_automatic_products() -> None:
    snapshot = build(
        [
            product(1, text="Молоко Lactel 3,2% 1 л"),
            product(2, text="Сүт «Food Master» 2,5%"),
            product(3, path=(DAIRY, KEFIR), text="Кефир Био 1%"),
            product(4, brand=2, text="Молоко безлактозное"),
        ],
        [campaign(1), campaign(2), campaign(3)],
        [
            listing(1, bid=150, products=[1], keywords=(kw("молоко"),)),
            listing(2, bid=140, products=[2], keywords=(kw("сүт", MatchType.EXACT),)),
            listing(3, bid=130, products=[3, 4], automatic=True),
        ],
    )
    moloko = decide(snapshot, request(query="Молоко"), deps()).placements[0]
    assert [(w.ad_group_id, w.product_id) for w in moloko.winners] == [(1, 1), (3, 4)]
    sut = decide(snapshot, request(query="сүттің"), deps()).placements[0]
    assert [(w.ad_group_id, w.product_id) for w in sut.winners] == [(2, 2)]


def test_category_pages_serve_category_targeting_and_automatic_in_the_subtree() -> None:
    snapshot = build(
        [product(1), product(2, path=(DAIRY, KEFIR)), product(3, path=(BAKERY,))],
        [campaign(1), campaign(2), campaign(3)],
        [
            listing(1, bid=300, products=[1], category_ids=frozenset({DAIRY})),
            listing(2, bid=200, products=[2, 3], automatic=True),
            listing(3, bid=100, products=[3], category_ids=frozenset({BAKERY})),
        ],
        placements=[dataclasses.replace(SEARCH, one_per_advertiser=False)],
    )
    kefir_page = decide(snapshot, request(category_id=KEFIR), deps()).placements[0]
    assert [(w.ad_group_id, w.product_id) for w in kefir_page.winners] == [(2, 2)]
    dairy_page = decide(snapshot, request(category_id=DAIRY), deps()).placements[0]
    assert [(w.ad_group_id, w.product_id) for w in dairy_page.winners] == [(1, 1), (2, 2)]
    candidates = decide(snapshot, request(category_id=MILK, product_ids=[1, 2, 3]), deps())
    first = candidates.placements[0]
    assert [(w.ad_group_id, w.product_id) for w in first.winners] == [(1, 1)]
    assert first.rejections == {R.NOT_RELEVANT: 2, R.CATEGORY_MISMATCH: 1}


def test_audience_location_and_channel_targeting() -> None:
    snapshot = build(
        [product(i) for i in range(1, 5)],
        [campaign(i) for i in range(1, 5)],
        [
            listing(1, products=[1], segment_ids=frozenset({501})),
            listing(2, products=[2], cities=frozenset({"Алматы"})),
            listing(3, products=[3], store_ids=frozenset({ASTANA_STORE})),
            listing(4, products=[4], channels=frozenset({Channel.WEB})),
        ],
        placements=[dataclasses.replace(SEARCH, slots=4)],
    )
    everyone = [1, 2, 3, 4]
    in_almaty = decide(
        snapshot,
        request(product_ids=everyone, store_id=ALMATY_STORE, segment_ids=frozenset({501})),
        deps(),
    ).placements[0]
    assert sorted(w.ad_group_id for w in in_almaty.winners) == [1, 2]
    assert in_almaty.rejections == {R.LOCATION_MISMATCH: 1, R.CHANNEL_MISMATCH: 1}
    on_web = decide(
        snapshot, request(product_ids=everyone, city="АЛМАТЫ", channel=Channel.WEB), deps()
    ).placements[0]
    assert sorted(w.ad_group_id for w in on_web.winners) == [2, 4]
    assert on_web.rejections == {R.AUDIENCE_MISMATCH: 1, R.LOCATION_MISMATCH: 1}


def test_banners_need_an_approved_creative_of_the_placement_size() -> None:
    snapshot = build(
        [product(1)],
        [campaign(1), campaign(2), campaign(3), campaign(4)],
        [
            banner(1, bid=9_000),
            banner(2, bid=8_000),
            banner(3, bid=4_000),  # below the banner's 5_000 minimum CPM
            banner(4, bid=7_000, kind=AdKind.IN_STORE_SCREEN, store_ids=frozenset({ALMATY_STORE})),
        ],
        creatives=[
            creative(11, 1, size=(300, 250)),
            creative(12, 1, approved=False),
            creative(21, 2),
            creative(31, 3),
            creative(41, 4, size=(1920, 1080)),
        ],
    )
    home = decide(snapshot, request(HOME), deps()).placements[0]
    [winner] = home.winners
    assert (winner.ad_group_id, winner.creative_id, winner.product_id) == (2, 21, None)
    assert winner.price_tiyn == 5_000  # alone above the reserve: pays the reserve
    assert (winner.billable_event, winner.charge_mtiyn) == ("impression", 5_000)
    assert home.rejections == {R.NO_CREATIVE: 1, R.BELOW_RESERVE: 1}
    screen = decide(snapshot, request(SCREEN, store_id=ALMATY_STORE), deps()).placements[0]
    assert [(w.ad_group_id, w.creative_id) for w in screen.winners] == [(4, 41)]


def test_listing_winners_carry_what_billing_needs() -> None:
    snapshot = build([product(1)], [campaign(1, advertiser=9)], [listing(1, bid=120, products=[1])])
    decision = decide(snapshot, request(product_ids=[1]), deps())
    [winner] = decision.placements[0].winners
    assert (winner.rank, winner.campaign_id, winner.advertiser_id, winner.kind) == (
        1,
        1,
        9,
        AdKind.SPONSORED_LISTING,
    )
    assert (winner.billable_event, winner.charge_mtiyn) == ("click", 80_000)
    assert winner.resolved_bid_id == "rb-1"


def test_resolved_bid_ids_are_unique_and_opaque() -> None:
    ids = {new_resolved_bid_id() for _ in range(10_000)}
    assert len(ids) == 10_000
    assert all(len(i) == 16 and i.isascii() for i in ids)


@pytest.mark.parametrize(
    ("placement", "error"),
    [
        (PlacementRequest(99), R.UNKNOWN_PLACEMENT),
        (PlacementRequest(SEARCH.id, slots=0), R.INVALID_SLOTS),
        (PlacementRequest(SEARCH.id, slots=51), R.INVALID_SLOTS),
        (PlacementRequest(SEARCH.id, product_ids=tuple(range(501))), R.TOO_MANY_CANDIDATES),
        (
            PlacementRequest(SEARCH.id, product_ids=(1,), quality_scores=(0.5, 0.5)),
            R.INVALID_QUALITY_SCORES,
        ),
        (
            PlacementRequest(SEARCH.id, product_ids=(1,), quality_scores=(1.5,)),
            R.INVALID_QUALITY_SCORES,
        ),
        (
            PlacementRequest(SEARCH.id, product_ids=(1,), quality_scores=(float("nan"),)),
            R.INVALID_QUALITY_SCORES,
        ),
        (PlacementRequest(SEARCH.id, quality_scores=(0.5,)), R.INVALID_QUALITY_SCORES),
    ],
)
def test_bad_requests_get_typed_errors_not_exceptions(
    placement: PlacementRequest, error: RejectionReason
) -> None:
    snapshot = build([product(1)], [campaign(1)], [listing(1, products=[1])])
    good = PlacementRequest(SEARCH.id, product_ids=(1,))
    decision = decide(snapshot, DecisionRequest(AT, (placement, good)), deps())
    assert decision.placements[0].error is error
    assert decision.placements[0].winners == ()
    assert [w.product_id for w in decision.placements[1].winners] == [1]


def test_naive_timestamps_are_rejected_for_every_placement() -> None:
    snapshot = build([product(1)], [campaign(1)], [listing(1, products=[1])])
    naive = DecisionRequest(dt.datetime(2025, 3, 12, 7), (PlacementRequest(SEARCH.id),))
    decision = decide(snapshot, naive, deps())
    assert decision.placements[0].error is R.INVALID_TIMESTAMP


def test_one_page_view_with_several_placements_shares_one_pacing_coin_per_campaign() -> None:
    calls: list[int] = []
    state = InProcessStateStore()
    state.set_pass_rate(1, 0.5)

    def coin() -> float:
        calls.append(1)
        return 0.4

    snapshot = build(
        [product(1)],
        [campaign(1)],
        [listing(1, products=[1]), dataclasses.replace(banner(2, bid=9_000), campaign_id=1)],
        creatives=[creative(21, 2)],
    )
    two = DecisionRequest(
        AT, (PlacementRequest(SEARCH.id, product_ids=(1,)), PlacementRequest(HOME.id))
    )
    decision = decide(snapshot, two, dataclasses.replace(deps(state), random=coin))
    assert [len(p.winners) for p in decision.placements] == [1, 1]
    assert len(calls) == 1

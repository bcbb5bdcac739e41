"""The array path of the listing auction decides exactly as the pair-by-pair reference path.

`jarnama.decisioning.listing` runs a listing placement's checks on arrays; the original
pair-by-pair loop (`auction._listing_entries_inline`) stays as the fallback. Hypothesis builds
random networks (inactive and out-of-stock products, stores, keywords with negatives,
categories, automatic targeting, channel, city, store and audience filters, frequency caps,
schedules, dayparts, exhausted budgets, pacing rates) and random requests (duplicate and
unknown candidates, queries, categories, retrieval, stores, quality scores, several
placements), and both paths must give the same winners, prices, ghosts and rejection counts,
with the same pacing coins tossed in the same order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jarnama.decisioning.auction import AuctionDeps, Decision, DecisionRequest, decide
from jarnama.decisioning.listing import listing_arrays
from jarnama.decisioning.messages import PlacementRequest
from jarnama.decisioning.messages import RejectionReason as R
from jarnama.decisioning.snapshot import (
    AdGroupSpec,
    AdKind,
    CampaignSpec,
    CampaignStatus,
    Channel,
    DaypartWindow,
    DecisionSnapshot,
    KeywordSpec,
    PacingMode,
    PlacementKind,
    PlacementSpec,
    ProductSpec,
    Targeting,
    compile_snapshot,
)
from jarnama.decisioning.state import InProcessStateStore, StateStore
from jarnama.decisioning.text import MatchType
from tests.decisioning.factories import AT, FixedRanker, counter_ids

T = TypeVar("T")
WORDS = ("молоко", "сүт", "кефир", "йогурт", "нан", "ірімшік", "масло")
CITIES = ("Алматы", "Астана")
STORES = {1: "Алматы", 2: "Астана", 3: "Алматы"}
SEARCH = PlacementSpec(
    id=1,
    code="search",
    kind=PlacementKind.SEARCH,
    channel=Channel.APP,
    slots=3,
    min_bid_tiyn=40,
    category_min_bids={11: 90},
)
CATEGORY = PlacementSpec(
    id=2,
    code="category",
    kind=PlacementKind.CATEGORY,
    channel=Channel.WEB,
    slots=2,
    one_per_advertiser=False,
)
PATHS = ((10, 11), (10, 12), (20, 21), (20,))


def _mostly_empty(values: Sequence[T]) -> st.SearchStrategy[frozenset[T]]:
    """No targeting of this kind three times in four, else one or two of `values`."""
    some = st.sets(st.sampled_from(values), min_size=1, max_size=2).map(frozenset)
    return st.sampled_from([0, 1, 2, 3]).flatmap(
        lambda n: some if n == 0 else st.just(frozenset[T]())
    )


@st.composite
def networks(draw: st.DrawFn) -> tuple[DecisionSnapshot, StateStore, dict[int, float]]:
    """A random network, its state (exhausted budgets, pacing rates) and the rates."""
    product_count = draw(st.integers(1, 12))
    products = [
        ProductSpec(
            id=pid,
            brand_id=1,
            category_path=draw(st.sampled_from(PATHS)),
            price_tiyn=1_000,
            in_stock=draw(st.sampled_from([True] * 7 + [False])),
            active=draw(st.sampled_from([True] * 7 + [False])),
            store_ids=draw(
                st.sampled_from([frozenset(STORES)] * 3 + [frozenset({1}), frozenset()])
            ),
            search_text=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))),
        )
        for pid in range(1, product_count + 1)
    ]
    campaign_count = draw(st.integers(1, 5))
    campaigns = []
    for cid in range(1, campaign_count + 1):
        starts = AT + dt.timedelta(minutes=draw(st.sampled_from([-600] * 6 + [-30, 10])))
        ends = draw(
            st.sampled_from([None] * 6 + [AT + dt.timedelta(minutes=20), AT - dt.timedelta(1)])
        )
        dayparts = draw(
            st.sampled_from([()] * 6 + [(DaypartWindow(2, 0, 24),), (DaypartWindow(1, 0, 24),)])
        )
        campaigns.append(
            CampaignSpec(
                id=cid,
                advertiser_id=draw(st.integers(1, 3)),
                status=CampaignStatus.ACTIVE,
                starts_at=starts,
                ends_at=ends,
                daily_budget_tiyn=100_000,
                pacing=draw(st.sampled_from(list(PacingMode))),
                dayparts=dayparts,
            )
        )
    groups = []
    for gid in range(1, draw(st.integers(1, 10)) + 1):
        keywords = draw(st.lists(st.sampled_from(WORDS), max_size=2))
        targeting = Targeting(
            keywords=tuple(
                KeywordSpec(w, draw(st.sampled_from(list(MatchType)))) for w in keywords
            ),
            negative_keywords=tuple(
                KeywordSpec(w) for w in draw(st.lists(st.sampled_from(WORDS), max_size=1))
            ),
            category_ids=draw(_mostly_empty([10, 11, 12, 20, 21])),
            automatic=draw(st.booleans()),
            segment_ids=draw(_mostly_empty([1, 2, 3])),
            placement_codes=draw(_mostly_empty(["search", "category"])),
            cities=draw(_mostly_empty(CITIES)),
            store_ids=draw(_mostly_empty(sorted(STORES))),
            channels=draw(_mostly_empty(list(Channel))),
        )
        groups.append(
            AdGroupSpec(
                id=gid,
                campaign_id=draw(st.integers(1, campaign_count)),
                kind=AdKind.SPONSORED_LISTING,
                # Few distinct bids around the reserves (40, 90): ties and edges are common.
                bid_tiyn=draw(st.sampled_from([100, 100, 39, 40, 41, 89, 90, 150])),
                product_ids=tuple(draw(st.sets(st.integers(1, product_count), min_size=1))),
                targeting=targeting,
                frequency_cap_day=draw(st.sampled_from([None, 1, 3])),
                frequency_cap_week=draw(st.sampled_from([None, 2])),
            )
        )
    snapshot = compile_snapshot(
        products=products,
        campaigns=campaigns,
        ad_groups=groups,
        placements=(SEARCH, CATEGORY),
        store_cities=STORES,
    )
    state = InProcessStateStore()
    rates: dict[int, float] = {}
    for cid in range(1, campaign_count + 1):
        rate = draw(st.sampled_from([1.0, 0.0, 0.5]))
        state.set_pass_rate(cid, rate)
        rates[cid] = rate
        if draw(st.integers(0, 5)) == 0:
            campaign = snapshot.campaigns.get(cid)
            if campaign is not None:
                state.charge(f"spent-{cid}", campaign, 100_000 * 1000, AT)
    for user, cid in draw(st.lists(st.tuples(st.sampled_from(["u1", "u2"]), st.integers(1, 5)))):
        state.record_impression(user, cid, AT)
    return snapshot, state, rates


@st.composite
def placement_requests(draw: st.DrawFn, product_count: int = 14) -> PlacementRequest:
    """One placement request: candidates (with repeats and unknown ids), query or category."""
    candidates = draw(
        st.none()
        | st.lists(st.sampled_from([*range(1, product_count + 1)] * 3 + [-1, 0, 99]), max_size=16)
    )
    scores = None
    if candidates is not None and draw(st.booleans()):
        scores = tuple(
            draw(
                st.lists(st.floats(0.001, 1.0), min_size=len(candidates), max_size=len(candidates))
            )
        )
    query = draw(st.none() | st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(" ".join))
    return PlacementRequest(
        placement_id=draw(st.sampled_from([1, 2])),
        slots=draw(st.none() | st.integers(1, 4)),
        query=query,
        category_id=draw(st.none() | st.sampled_from([10, 11, 12, 20, 21, 99])),
        product_ids=None if candidates is None else tuple(candidates),
        quality_scores=scores,
    )


@st.composite
def decision_requests(draw: st.DrawFn) -> DecisionRequest:
    """A page view with one to three placement requests and a random context."""
    return DecisionRequest(
        at=AT,
        placements=tuple(draw(st.lists(placement_requests(), min_size=1, max_size=3))),
        user_id=draw(st.sampled_from([None, "u1", "u2"])),
        city=draw(st.sampled_from([None, *CITIES])),
        store_id=draw(st.sampled_from([None, None, None, 1, 2, 3, 7])),
        channel=draw(st.sampled_from([None, *Channel])),
        segment_ids=frozenset(draw(st.sets(st.integers(1, 3), max_size=2))),
    )


def _deps(state: StateStore, coins: list[float]) -> AuctionDeps:
    """Deterministic ids and coins; every coin tossed is recorded in `coins`."""
    # Coins around the 0.5 rate, in a fixed cycle: any change in which campaigns get a coin,
    # or in their order, changes who is throttled.
    cycle = itertools.cycle([0.55, 0.3, 0.5, 0.9, 0.1, 0.45])

    def coin() -> float:
        value = next(cycle)
        coins.append(value)
        return value

    ranker = FixedRanker({1: 30_000, 2: 5_000, 3: 30_000, 5: 12_345}, default=10_000)
    return AuctionDeps(
        state=state,
        ranker=ranker,
        random=coin,
        new_bid_id=counter_ids(),
        holds_out=lambda campaign_id, user: campaign_id % 2 == 0 and user == "u1",
    )


def _without_arrays(snapshot: DecisionSnapshot) -> DecisionSnapshot:
    twin = dataclasses.replace(snapshot)
    twin.memo.arrays_built = True  # arrays None: the reference path
    return twin


def test_the_array_path_decides_as_the_reference() -> None:
    seen: Counter[str] = Counter()

    @settings(
        max_examples=400,
        deadline=None,
        derandomize=True,  # the same examples every run, so the coverage floor below holds
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(network=networks(), requests=st.lists(decision_requests(), min_size=1, max_size=3))
    def check(
        network: tuple[DecisionSnapshot, StateStore, dict[int, float]],
        requests: list[DecisionRequest],
    ) -> None:
        snapshot, state, _ = network
        reference = _without_arrays(snapshot)
        assert listing_arrays(snapshot) is not None
        assert listing_arrays(reference) is None
        fast_coins: list[float] = []
        slow_coins: list[float] = []
        fast_deps, slow_deps = _deps(state, fast_coins), _deps(state, slow_coins)
        for one in requests:
            fast = decide(snapshot, one, fast_deps)
            slow = decide(reference, one, slow_deps)
            assert _plain(fast) == _plain(slow)
            for placement in fast.placements:
                seen["winners"] += len(placement.winners)
                seen["ghosts"] += len(placement.ghosts)
                seen.update({reason.value: n for reason, n in placement.rejections.items()})
        assert fast_coins == slow_coins
        seen["coins"] += len(fast_coins)

    check()
    # The examples reach every kind of outcome, so agreement means something.
    assert seen["winners"] >= 80, seen
    assert seen["coins"] >= 20, seen
    assert seen["ghosts"] >= 3, seen
    for reason in _PER_PAIR:
        assert seen[reason.value] >= 1, (reason, seen)


# Rejections the examples must produce (request-level problems and ghosts are not in them).
_PER_PAIR = {
    R.UNKNOWN_PRODUCT, R.PRODUCT_INACTIVE, R.OUT_OF_STOCK, R.OUT_OF_SCHEDULE,
    R.OUTSIDE_DAYPART, R.BUDGET_EXHAUSTED, R.PACING_THROTTLED, R.FREQUENCY_CAPPED,
    R.CHANNEL_MISMATCH, R.LOCATION_MISMATCH, R.AUDIENCE_MISMATCH, R.NEGATIVE_KEYWORD,
    R.KEYWORD_MISMATCH, R.CATEGORY_MISMATCH, R.NOT_RELEVANT, R.BELOW_RESERVE,
    R.DUPLICATE_PRODUCT, R.DUPLICATE_ADVERTISER, R.OUTBID, R.HELD_OUT,
}  # fmt: skip


def _plain(decision: Decision) -> list[object]:
    return [
        (p.placement_id, p.error, p.winners, p.ghosts, dict(sorted(p.rejections.items())))
        for p in decision.placements
    ]


def test_a_snapshot_whose_scores_could_overflow_takes_the_reference_path() -> None:
    product = ProductSpec(1, 1, (10, 11), 1_000, True, True, frozenset({1}))
    campaign = CampaignSpec(1, 1, CampaignStatus.ACTIVE, AT - dt.timedelta(days=1))
    group = AdGroupSpec(1, 1, AdKind.SPONSORED_LISTING, 10**13, product_ids=(1,))
    snapshot = compile_snapshot(
        products=[product], campaigns=[campaign], ad_groups=[group], placements=[SEARCH]
    )
    assert listing_arrays(snapshot) is None
    request = DecisionRequest(AT, (PlacementRequest(1, product_ids=(1,)),))
    (placement,) = decide(snapshot, request, _deps(InProcessStateStore(), [])).placements
    assert [w.bid_tiyn for w in placement.winners] == [10**13]


@pytest.mark.parametrize("ids", [(3, 3, 1, 3, -5, 10**12), (), (2,)])
def test_repeated_and_unknown_candidates_count_as_the_reference_does(ids: tuple[int, ...]) -> None:
    products = [ProductSpec(i, 1, (10, 11), 1_000, True, True, frozenset({1})) for i in (1, 2, 3)]
    campaign = CampaignSpec(1, 1, CampaignStatus.ACTIVE, AT - dt.timedelta(days=1))
    groups = [AdGroupSpec(g, 1, AdKind.SPONSORED_LISTING, 100, product_ids=(g,)) for g in (1, 3)]
    snapshot = compile_snapshot(
        products=products, campaigns=[campaign], ad_groups=groups, placements=[SEARCH]
    )
    request = DecisionRequest(AT, (PlacementRequest(1, product_ids=ids),))
    fast = decide(snapshot, request, _deps(InProcessStateStore(), []))
    slow = decide(_without_arrays(snapshot), request, _deps(InProcessStateStore(), []))
    assert _plain(fast) == _plain(slow)


def test_equal_scores_rank_by_ad_group_id_then_product_id() -> None:
    products = [ProductSpec(i, 1, (10, 11), 1_000, True, True, frozenset({1})) for i in (1, 2, 3)]
    campaigns = [
        CampaignSpec(c, c, CampaignStatus.ACTIVE, AT - dt.timedelta(days=1)) for c in (1, 2)
    ]
    groups = [
        AdGroupSpec(1, 1, AdKind.SPONSORED_LISTING, 100, product_ids=(3, 2)),
        AdGroupSpec(2, 2, AdKind.SPONSORED_LISTING, 100, product_ids=(1,)),
    ]
    snapshot = compile_snapshot(
        products=products, campaigns=campaigns, ad_groups=groups, placements=[CATEGORY]
    )
    request = DecisionRequest(AT, (PlacementRequest(2, slots=3, product_ids=(1, 2, 3)),))
    ranker = FixedRanker(default=10_000)
    deps = AuctionDeps(InProcessStateStore(), ranker, new_bid_id=counter_ids())
    for one in (snapshot, _without_arrays(snapshot)):
        (placement,) = decide(one, request, deps).placements
        assert [(w.ad_group_id, w.product_id) for w in placement.winners] == [
            (1, 2),
            (1, 3),
            (2, 1),
        ]


def test_a_held_out_ad_below_a_full_page_is_counted_but_is_no_ghost() -> None:
    products = [ProductSpec(i, 1, (10, 11), 1_000, True, True, frozenset({1})) for i in (1, 2, 3)]
    campaigns = [
        CampaignSpec(c, c, CampaignStatus.ACTIVE, AT - dt.timedelta(days=1)) for c in (1, 2)
    ]
    groups = [
        AdGroupSpec(1, 1, AdKind.SPONSORED_LISTING, 300, product_ids=(1,)),
        AdGroupSpec(2, 2, AdKind.SPONSORED_LISTING, 200, product_ids=(2, 3)),
    ]
    snapshot = compile_snapshot(
        products=products, campaigns=campaigns, ad_groups=groups, placements=[SEARCH]
    )
    request = DecisionRequest(
        AT, (PlacementRequest(1, slots=1, product_ids=(1, 2, 3)),), user_id="u1"
    )
    for one in (snapshot, _without_arrays(snapshot)):
        (placement,) = decide(one, request, _deps(InProcessStateStore(), [])).placements
        assert [w.ad_group_id for w in placement.winners] == [1]
        assert placement.ghosts == ()
        # Both of campaign 2's entries are held out (never a duplicate advertiser: not shown).
        assert placement.rejections == {R.HELD_OUT: 2}
        assert placement.winners[0].price_tiyn == 90  # nothing shown below it: the reserve (11)

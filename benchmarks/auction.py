"""In-process auction latency on a demo-sized synthetic retail media network.

20,000 products in 200 categories, 2,400 active sponsored-listing ad groups (10 products
each, keywords, category and automatic targeting, placement multipliers, dayparts, budgets
and pacing rates), a smoothed-CTR ranker with counts. Each decision auctions 500 candidate
products for one 4-slot search placement. Prints p50/p90/p99/max per request shape.

    .venv/bin/python benchmarks/auction.py [--requests 5000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import platform
import pstats
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from jarnama.core.time import ALMATY
from jarnama.decisioning.auction import AuctionDeps, DecisionRequest, PlacementRequest, decide
from jarnama.decisioning.ranking import EngagementCount, SmoothedCtrRanker
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
from jarnama.decisioning.state import InProcessStateStore
from jarnama.decisioning.text import MatchType

PRODUCTS = 20_000
TOP_CATEGORIES = 20
LEAVES_PER_TOP = 10
AD_GROUPS = 2_400
PRODUCTS_PER_GROUP = 10
CANDIDATES = 500
SEARCH_ID = 1
WORDS = (
    "молоко сүт кефир айран қымыз шұбат сыр ірімшік қаймақ сметана творог йогурт масло май "
    "хлеб нан батон печенье шоколад конфеты кофе шай чай сок шырын вода су мясо ет колбаса "
    "шұжық курица тауық рис күріш гречка мука ұн сахар қант соль тұз яйца жұмыртқа рыба балық "
    "детское питание бала порошок шампунь мыло подгузники корм мысық ит кофе капсулы"
).split()
AT = dt.datetime(2025, 3, 12, 13, 30, tzinfo=ALMATY)


def build_snapshot(rng: random.Random) -> DecisionSnapshot:
    """The synthetic network, compiled."""
    leaves = [
        (top, 100 + top * LEAVES_PER_TOP + leaf)
        for top in range(TOP_CATEGORIES)
        for leaf in range(LEAVES_PER_TOP)
    ]
    products = []
    for product_id in range(1, PRODUCTS + 1):
        top, leaf = leaves[(product_id - 1) % len(leaves)]
        name = " ".join(rng.sample(WORDS, 3))
        products.append(
            ProductSpec(
                id=product_id,
                brand_id=product_id % 400,
                category_path=(top, leaf),
                price_tiyn=rng.randint(20_000, 2_000_000),
                in_stock=rng.random() > 0.03,
                active=rng.random() > 0.01,
                store_ids=frozenset(rng.sample(range(1, 41), 30)),
                search_text=f"{name} {rng.randint(1, 5)}л",
            )
        )
    placements = [
        PlacementSpec(
            id=SEARCH_ID,
            code="search-top",
            kind=PlacementKind.SEARCH,
            channel=Channel.APP,
            slots=4,
            min_bid_tiyn=40,
            category_min_bids={leaf: 60 for _, leaf in leaves[::7]},
        ),
        PlacementSpec(
            id=2, code="category-top", kind=PlacementKind.CATEGORY, channel=Channel.WEB, slots=4
        ),
    ]
    campaigns = []
    for campaign_id in range(1, AD_GROUPS // 3 + 1):
        dayparts = () if campaign_id % 5 else (DaypartWindow(2, 8, 23),)
        campaigns.append(
            CampaignSpec(
                id=campaign_id,
                advertiser_id=campaign_id % 300 + 1,
                status=CampaignStatus.ACTIVE,
                starts_at=AT - dt.timedelta(days=5),
                ends_at=AT + dt.timedelta(days=25),
                daily_budget_tiyn=rng.randint(5_000, 500_000) * 100,
                pacing=PacingMode.EVEN if campaign_id % 4 else PacingMode.ASAP,
                dayparts=dayparts,
            )
        )
    by_leaf: dict[int, list[int]] = {}
    for product in products:
        by_leaf.setdefault(product.category_path[-1], []).append(product.id)
    groups = []
    for group_id in range(1, AD_GROUPS + 1):
        _, leaf = leaves[rng.randrange(len(leaves))]
        promoted = tuple(rng.sample(by_leaf[leaf], PRODUCTS_PER_GROUP))
        keywords = tuple(
            KeywordSpec(
                " ".join(rng.sample(WORDS, rng.choice((1, 1, 2)))), rng.choice(list(MatchType))
            )
            for _ in range(rng.randint(0, 4))
        )
        targeting = Targeting(
            keywords=keywords,
            negative_keywords=(KeywordSpec(rng.choice(WORDS)),) if group_id % 9 == 0 else (),
            category_ids=frozenset({leaf}) if group_id % 3 == 0 else frozenset(),
            automatic=group_id % 4 == 0,
            channels=frozenset({Channel.APP}) if group_id % 11 == 0 else frozenset(),
        )
        groups.append(
            AdGroupSpec(
                id=group_id,
                campaign_id=(group_id - 1) % len(campaigns) + 1,
                kind=AdKind.SPONSORED_LISTING,
                bid_tiyn=rng.randint(40, 600),
                product_ids=promoted,
                targeting=targeting,
                bid_multipliers={"search-top": Decimal("1.25")} if group_id % 2 else {},
                frequency_cap_day=5 if group_id % 13 == 0 else None,
            )
        )
    return compile_snapshot(
        products=products,
        campaigns=campaigns,
        ad_groups=groups,
        placements=placements,
        store_cities={s: "Алматы" if s < 20 else "Астана" for s in range(1, 41)},
    )


def build_deps(snapshot: DecisionSnapshot, rng: random.Random) -> AuctionDeps:
    """A ranker with counts for half the products and pacing rates for the even campaigns."""
    ranker = SmoothedCtrRanker()
    ranker.record(
        EngagementCount(
            SEARCH_ID,
            impressions=(seen := rng.randint(10, 5_000)),
            clicks=rng.randint(0, seen // 20),
            product_id=product.id,
            category_id=product.category_path[-1],
        )
        for product in snapshot.products.values()
        if product.id % 2
    )
    state = InProcessStateStore()
    for campaign in snapshot.campaigns.values():
        if campaign.even_pacing:
            state.set_pass_rate(campaign.id, rng.uniform(0.3, 1.0))
    counter = iter(range(10**12))
    return AuctionDeps(
        state=state, ranker=ranker, random=rng.random, new_bid_id=lambda: f"rb{next(counter)}"
    )


def request_shapes(
    snapshot: DecisionSnapshot, rng: random.Random
) -> dict[str, Callable[[], DecisionRequest]]:
    """Request generators: clustered search results, uniform candidates, query-only retrieval."""
    by_top: dict[int, list[int]] = {}
    for product in snapshot.products.values():
        by_top.setdefault(product.category_path[0], []).append(product.id)
    every = list(snapshot.products)

    def clustered() -> DecisionRequest:
        pool = by_top[rng.randrange(TOP_CATEGORIES)]
        candidates = tuple(rng.sample(pool, CANDIDATES))
        return _search(rng, candidates, rng.choice(WORDS))

    def uniform() -> DecisionRequest:
        return _search(rng, tuple(rng.sample(every, CANDIDATES)), rng.choice(WORDS))

    def retrieval() -> DecisionRequest:
        return _search(rng, None, " ".join(rng.sample(WORDS, rng.choice((1, 2)))))

    return {
        "search, candidates from one department": clustered,
        "search, candidates from the whole catalog": uniform,
        "search, query only (candidates retrieved)": retrieval,
    }


def _search(rng: random.Random, candidates: tuple[int, ...] | None, query: str) -> DecisionRequest:
    return DecisionRequest(
        at=AT,
        placements=(PlacementRequest(SEARCH_ID, query=query, product_ids=candidates),),
        user_id=f"user-{rng.randrange(50_000)}",
        store_id=rng.randint(1, 40),
        channel=Channel.APP,
    )


def measure(
    snapshot: DecisionSnapshot,
    deps: AuctionDeps,
    make: Callable[[], DecisionRequest],
    count: int,
) -> tuple[list[float], list[float], float]:
    """Wall and CPU microseconds of `count` decisions (requests built beforehand), mean winners.

    CPU time (this process only) is reported beside wall time because a shared 2-core
    machine preempts the benchmark; on an idle machine the two agree.
    """
    requests = [make() for _ in range(count)]
    for warm in requests[:200]:
        decide(snapshot, warm, deps)
    wall: list[float] = []
    cpu: list[float] = []
    winners = 0
    clock, cpu_clock = time.perf_counter_ns, time.process_time_ns
    for one in requests:
        started, cpu_started = clock(), cpu_clock()
        decision = decide(snapshot, one, deps)
        cpu.append((cpu_clock() - cpu_started) / 1000)
        wall.append((clock() - started) / 1000)
        winners += len(decision.placements[0].winners)
    return wall, cpu, winners / count


def machine() -> str:
    """CPU model, core count and Python build."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    """Build the network, time each request shape, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--profile", action="store_true", help="cProfile one shape (--shape)")
    parser.add_argument("--shape", type=int, default=0, help="which shape --profile runs (0-2)")
    args = parser.parse_args()
    rng = random.Random(2025)
    started = time.perf_counter()
    snapshot = build_snapshot(rng)
    compile_seconds = time.perf_counter() - started
    deps = build_deps(snapshot, rng)
    shapes = request_shapes(snapshot, rng)
    print(f"machine: {machine()}")
    calibration = min(_timed(lambda: sum(range(10**6))) for _ in range(5))
    print(
        f"load average {os.getloadavg()[0]:.1f}; calibration sum(range(10**6)) "
        f"{calibration * 1000:.1f} ms (about 12-15 ms on an idle modern core)"
    )
    print(
        f"network: {len(snapshot.products):,} products, {len(snapshot.ad_groups):,} active ad "
        f"groups, {len(snapshot.campaigns):,} campaigns; build + compile {compile_seconds:.2f} s"
    )
    if args.profile:
        make = list(shapes.values())[args.shape]
        profiler = cProfile.Profile()
        profiler.runcall(measure, snapshot, deps, make, args.requests)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        return
    header = f"{'request shape (500 candidates unless said)':<46}"
    columns = ("wall p50", "wall p99", "cpu p50", "cpu p99", "winners")
    print(header + "".join(f"{c:>10}" for c in columns) + "   (µs)")
    for name, make in shapes.items():
        wall, cpu, winners = measure(snapshot, deps, make, args.requests)
        wall_cuts = statistics.quantiles(wall, n=100)
        cpu_cuts = statistics.quantiles(cpu, n=100)
        figures = (wall_cuts[49], wall_cuts[98], cpu_cuts[49], cpu_cuts[98])
        print(f"{name:<46}" + "".join(f"{f:>10.0f}" for f in figures) + f"{winners:>10.2f}")


if __name__ == "__main__":
    main()

"""The decision service in-process: compile from the database, then `service.decide` latency.

Seeds the demo retailer (20,000 products) into a temporary SQLite file, adds 2,400 active
sponsored-listing ad groups (240 campaigns of the demo's brand owners, 10 products each,
keywords from the product names, automatic targeting on a third), compiles the snapshot
through `DecisionRuntime.refresh()` and times `decide()` end to end (validation, the auction,
signed tokens, the pydantic response) for 500 candidate SKUs on the 4-slot search placement,
and for a keyword search without candidates.

    .venv/bin/python benchmarks/decisions.py [--requests 3000] [--db FILE] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, sessionmaker

from jarnama.campaigns.models import (
    AdGroup,
    AdGroupKind,
    AdGroupProduct,
    Campaign,
    CampaignStatus,
    PacingMode,
)
from jarnama.catalog.models import Brand, Product
from jarnama.config import Settings
from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.migrate import upgrade
from jarnama.core.time import utcnow
from jarnama.decisioning import service
from jarnama.decisioning.runtime import DecisionRuntime
from jarnama.decisioning.schemas import CandidateProducts, DecisionRequestBody, PlacementAsk
from jarnama.demo.seed import seed_demo

AD_GROUPS = 2_400
PER_CAMPAIGN = 10
PRODUCTS_PER_GROUP = 10
CANDIDATES = 500


def _populate(session_factory: sessionmaker[Session], settings: Settings) -> list[str]:
    """Seed the demo and the ad groups; return every SKU (for candidate lists)."""
    rng = random.Random(7)
    with session_factory() as session:
        seed_demo(session, settings)
        products = session.execute(
            select(Product.id, Product.sku, Product.name_ru, Brand.owner_account_id).join(
                Brand, Brand.id == Product.brand_id
            )
        ).all()
        # An ad group serves only products its advertiser owns (a7b8a8d), so each campaign
        # promotes products of one brand owner.
        by_owner: dict[int, list[Row[int, str, str, int | None]]] = {}
        for row in products:
            if row.owner_account_id is not None:
                by_owner.setdefault(row.owner_account_id, []).append(row)
        owners = sorted(o for o, rows in by_owner.items() if len(rows) >= PRODUCTS_PER_GROUP)
        now = utcnow()
        campaign: Campaign | None = None
        account_id = owners[0]
        for index in range(AD_GROUPS):
            if index % PER_CAMPAIGN == 0:
                account_id = rng.choice(owners)
                campaign = Campaign(
                    account_id=account_id,
                    name=f"bench {index}",
                    daily_budget_tiyn=5_000_000,
                    total_budget_tiyn=100_000_000,
                    starts_at=now.replace(year=now.year - 1),
                    status=CampaignStatus.ACTIVE,
                    pacing=PacingMode.ASAP,
                )
                session.add(campaign)
                session.flush()
            assert campaign is not None
            picks = rng.sample(by_owner[account_id], PRODUCTS_PER_GROUP)
            words = [w for w in picks[0].name_ru.lower().split() if len(w) > 3][:2]
            group = AdGroup(
                campaign_id=campaign.id,
                account_id=campaign.account_id,
                name=f"group {index}",
                kind=AdGroupKind.SPONSORED_LISTING,
                bid_tiyn=rng.randint(3_000, 9_000),
                keywords=[{"text": w, "match": "broad"} for w in words],
                auto_targeting=index % 3 == 0,
            )
            session.add(group)
            session.flush()
            session.add_all(AdGroupProduct(ad_group_id=group.id, product_id=p.id) for p in picks)
        session.commit()
        return [p.sku for p in products]


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100)
    return (
        f"p50 {cut[49] * 1e3:6.3f}  p90 {cut[89] * 1e3:6.3f}  "
        f"p99 {cut[98] * 1e3:6.3f}  max {ordered[-1] * 1e3:7.3f}"
    )


def main() -> None:
    """Build the network, compile it, time the decisions and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--profile", action="store_true", help="cProfile each shape's run")
    parser.add_argument("--db", help="keep the built network in this SQLite file for reruns")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.db"
        reuse = path.exists()
        url = f"sqlite:///{path}"
        settings = Settings(_env_file=None, database={"url": url}, log_json=False)
        engine = make_engine(url)
        upgrade(engine)
        factory = make_sessionmaker(engine)
        started = time.perf_counter()
        if reuse:
            with factory() as session:
                skus = list(session.scalars(select(Product.sku)))
        else:
            skus = _populate(factory, settings)
            print(f"seeded in {time.perf_counter() - started:.1f} s")

        runtime = DecisionRuntime.create(settings, factory)
        runtime.refresh(force=True)
        network = runtime.network
        compiles = []
        for _ in range(3):
            runtime.refresh(force=True)
            compiles.append(runtime.network.compile_seconds)
        print(
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
            f"{len(network.snapshot.products):,} products, "
            f"{len(network.snapshot.ad_groups):,} ad groups, "
            f"compile {min(compiles):.2f}-{max(compiles):.2f} s"
        )
        rng = random.Random(11)
        promoted = [network.sku_by_product[p] for p in network.snapshot.product_index]
        shapes: dict[str, Callable[[], DecisionRequestBody]] = {
            "500 candidate SKUs": lambda: DecisionRequestBody(
                placements=[
                    PlacementAsk(
                        placement="search-results",
                        candidates=CandidateProducts(
                            skus=rng.sample(promoted, 100) + rng.sample(skus, CANDIDATES - 100)
                        ),
                    )
                ],
                user_id=f"user-{rng.randint(1, 10_000)}",
            ),
            "query «молоко»": lambda: DecisionRequestBody(
                placements=[PlacementAsk(placement="search-results", search_query="молоко")]
            ),
        }
        for name, build in shapes.items():
            bodies = [build() for _ in range(args.requests)]
            for body in bodies[:200]:
                service.decide(runtime, body)
            samples = []
            cpu = []
            winners = 0
            profiler = cProfile.Profile() if args.profile else None
            if profiler is not None:
                profiler.enable()
            for body in bodies:
                t0, c0 = time.perf_counter(), time.process_time()
                response = service.decide(runtime, body)
                cpu.append(time.process_time() - c0)
                samples.append(time.perf_counter() - t0)
                winners += len(response.placements[0].winners)
            if profiler is not None:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
            # CPU time (this process) beside wall time: a shared 2-core machine preempts us.
            print(f"{name:22} wall ms {_percentiles(samples)}")
            print(
                f"{'':22} CPU  ms {_percentiles(cpu)}  winners/request {winners / len(bodies):.2f}"
            )
        engine.dispose()


if __name__ == "__main__":
    main()

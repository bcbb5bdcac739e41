"""Simulated shoppers: two weeks of sponsored-listing views, clicks and loyalty-card purchases.

Each shopper (a loyalty id) visits the shop on some days, sees a few of the running
sponsored-listing ads on search or category pages, clicks some, and buys: often the clicked
product, sometimes another product of the same brand (halo), and always some unrelated
groceries. The events go through the real intake (durable log, invalid-traffic marks), so
the analytics store, attribution and reports see the demo exactly as they would a retailer.
The rates are invented but plausible for grocery retail media: ~70% of impressions viewable,
~6% CTR, ~15% of clickers buy the product (8% another of its brand). Seeded, so the demo
is repeatable.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.campaigns.models import (
    AdGroup,
    AdGroupKind,
    AdGroupProduct,
    AdGroupStatus,
    Campaign,
    CampaignStatus,
)
from jarnama.catalog.models import Placement, Product
from jarnama.config import Settings
from jarnama.core.time import utcnow
from jarnama.demo.examples import ApiExample
from jarnama.measurement.pipeline import Refresh, refresh, store_lock
from jarnama.measurement.store import AnalyticsStore
from jarnama.tracking import events as ev
from jarnama.tracking.service import EventIntake

PAGES = ("search-results", "category-page")
VIEWABLE, CTR, BUY_AFTER_CLICK, HALO_AFTER_CLICK, BUY_AFTER_VIEW = 0.7, 0.06, 0.15, 0.08, 0.01


@dataclass(frozen=True, slots=True)
class Listing:
    """A running sponsored-listing ad for one product."""

    campaign_id: int
    ad_group_id: int
    account_id: int
    product_id: int
    bid_tiyn: int


@dataclass(frozen=True, slots=True)
class Shelf:
    """A product a shopper can buy: SKU, shelf price, brand."""

    sku: str
    price_tiyn: int
    brand_id: int | None


@dataclass(frozen=True, slots=True)
class ShopperActivity:
    """What the simulation wrote."""

    shoppers: int
    impressions: int
    clicks: int
    purchases: int
    start: dt.date
    end: dt.date


def _listings(session: Session) -> list[Listing]:
    rows = session.execute(
        select(
            AdGroup.campaign_id,
            AdGroup.id,
            AdGroup.account_id,
            AdGroupProduct.product_id,
            AdGroup.bid_tiyn,
        )
        .join(Campaign, Campaign.id == AdGroup.campaign_id)
        .join(AdGroupProduct, AdGroupProduct.ad_group_id == AdGroup.id)
        .where(
            AdGroup.kind == AdGroupKind.SPONSORED_LISTING,
            AdGroup.status == AdGroupStatus.ACTIVE,
            Campaign.status == CampaignStatus.ACTIVE,
        )
        .order_by(AdGroup.id, AdGroupProduct.product_id)
    )
    return [Listing(*row) for row in rows]


def _shelf(session: Session) -> tuple[dict[int, Shelf], dict[int | None, list[Shelf]]]:
    rows = session.execute(
        select(Product.id, Product.sku, Product.price_tiyn, Product.brand_id)
        .where(Product.active.is_(True))
        .order_by(Product.id)
    )
    by_id: dict[int, Shelf] = {}
    by_brand: dict[int | None, list[Shelf]] = defaultdict(list)
    for product_id, sku, price, brand_id in rows:
        item = Shelf(sku, price, brand_id)
        by_id[product_id] = item
        by_brand[brand_id].append(item)
    return by_id, by_brand


def shopper_events(
    session: Session, now: dt.datetime, *, seed: int, shoppers: int = 300, days: int = 14
) -> list[ev.Event]:
    """The seeded events of `shoppers` loyalty users over the `days` days before `now`."""
    rng = random.Random(f"shoppers:{seed}")
    listings = _listings(session)
    products, by_brand = _shelf(session)
    found = session.execute(select(Placement.code, Placement.id).where(Placement.code.in_(PAGES)))
    pages: dict[str, int] = {code: placement_id for code, placement_id in found}
    listings = [item for item in listings if item.product_id in products]
    if not listings or not pages:
        return []
    everything = list(products.values())
    events: list[ev.Event] = []
    start = now - dt.timedelta(days=days)
    for number in range(shoppers):
        user = f"demo-loyalty-{number:05d}"
        for day in range(days):
            if rng.random() > 0.35:  # about one visit in three days
                continue
            visit = start + dt.timedelta(days=day, seconds=rng.randrange(8 * 3600, 22 * 3600))
            basket: dict[str, tuple[int, int]] = {}
            for slot, listing in enumerate(rng.sample(listings, min(4, len(listings)))):
                shown = visit + dt.timedelta(seconds=slot)
                bid = f"demo-{number}-{day}-{slot}"
                ad = ev.AdRef(
                    bid_id=bid,
                    campaign_id=listing.campaign_id,
                    ad_group_id=listing.ad_group_id,
                    account_id=listing.account_id,
                    placement_id=pages[rng.choice(sorted(pages))],
                    product_id=listing.product_id,
                    price_tiyn=listing.bid_tiyn,
                    billing="cpc",
                    user_id=user,
                )
                seen = rng.random() < VIEWABLE
                events.append(
                    ev.Impression(
                        id=f"{bid}-i",
                        at=shown,
                        ad=ad,
                        visible_percent=100 if seen else 30,
                        visible_ms=2500 if seen else 400,
                    )
                )
                promoted = products[listing.product_id]
                if rng.random() < CTR:
                    events.append(
                        ev.Click(id=f"{bid}-c", at=shown + dt.timedelta(seconds=4), ad=ad)
                    )
                    if rng.random() < BUY_AFTER_CLICK:
                        basket[promoted.sku] = (rng.randint(1, 3), promoted.price_tiyn)
                    if rng.random() < HALO_AFTER_CLICK:
                        halo = rng.choice(by_brand[promoted.brand_id])
                        basket[halo.sku] = (1, halo.price_tiyn)
                elif seen and rng.random() < BUY_AFTER_VIEW:
                    basket[promoted.sku] = (1, promoted.price_tiyn)
            for item in rng.sample(everything, rng.randint(2, 6)):  # the rest of the groceries
                basket.setdefault(item.sku, (rng.randint(1, 2), item.price_tiyn))
            events.append(
                ev.Purchase(
                    id=f"demo-order-{number}-{day}",
                    at=visit + dt.timedelta(minutes=rng.randint(5, 40)),
                    order_id=f"DM-{number:05d}-{day:02d}",
                    channel="store" if rng.random() < 0.7 else "online",
                    user_id=user,
                    lines=[
                        ev.PurchaseLine(sku=sku, quantity=quantity, unit_price_tiyn=price)
                        for sku, (quantity, price) in sorted(basket.items())
                    ],
                )
            )
    return events


def simulate_shoppers(
    session: Session, settings: Settings, now: dt.datetime, *, seed: int, shoppers: int = 300
) -> ShopperActivity:
    """Write the simulated shoppers' events through the intake (durable before returning)."""
    days = 14
    events = shopper_events(session, now, seed=seed, shoppers=shoppers, days=days)
    intake = EventIntake.from_settings(settings)
    try:
        for first in range(0, len(events), 5_000):
            intake.submit(events[first : first + 5_000])
    finally:
        intake.close()
    kinds: dict[str, int] = defaultdict(int)
    for event in events:
        kinds[event.kind_name] += 1
    return ShopperActivity(
        shoppers=shoppers,
        impressions=kinds["impression"],
        clicks=kinds["click"],
        purchases=kinds["purchase"],
        start=(now - dt.timedelta(days=days)).date(),
        end=now.date(),
    )


DEMO_MEASUREMENT_DIR = Path("var") / "demo"


def demo_measurement_settings(settings: Settings, root: Path = DEMO_MEASUREMENT_DIR) -> Settings:
    """`settings` with the event log, analytics store and report files under `root`, emptied.

    The demo database is recreated on every run, so yesterday's events (naming campaign ids
    that now mean other campaigns) must not be loaded into today's reports.
    """
    shutil.rmtree(root, ignore_errors=True)
    events = settings.events.model_copy(update={"log_dir": str(root / "events")})
    measurement = settings.measurement.model_copy(
        update={"store_dir": str(root / "analytics"), "reports_dir": str(root / "reports")}
    )
    return settings.model_copy(update={"events": events, "measurement": measurement})


@dataclass(frozen=True, slots=True)
class DemoMeasurement:
    """The simulated shoppers and what the first refresh of the analytics store did."""

    activity: ShopperActivity
    refreshed: Refresh
    seconds: float

    def summary(self) -> str:
        """One line for the demo's output."""
        a, r = self.activity, self.refreshed
        return (
            f"{a.shoppers} simulated shoppers: {a.impressions:,} impressions, {a.clicks:,} "
            f"clicks, {a.purchases:,} purchases over {a.start} – {a.end}; {r.credited:,} "
            f"purchase lines attributed to ads ({self.seconds:.1f} s)"
        )


def seed_shoppers(
    session: Session, settings: Settings, *, seed: int, shoppers: int = 300
) -> DemoMeasurement:
    """Simulate the shoppers, then load, export the products and attribute their days."""
    started = time.perf_counter()
    activity = simulate_shoppers(session, settings, utcnow(), seed=seed, shoppers=shoppers)
    store = AnalyticsStore(settings.measurement.store_dir)
    with store_lock(store):
        refreshed = refresh(session, settings, store, activity.start, activity.end)
    return DemoMeasurement(activity, refreshed, time.perf_counter() - started)


def report_examples(advertiser_key: str, advertiser_name: str) -> list[ApiExample]:
    """Curls for a report job of the advertiser over the simulated fortnight (then poll it)."""
    today = utcnow().date()
    since = (today - dt.timedelta(days=14)).isoformat()
    body = {"kind": "campaign", "since": since, "until": today.isoformat()}
    return [
        ApiExample(
            f"{advertiser_name}'s report job by campaign (answers 202 with its id)",
            "/api/v1/reports",
            token=advertiser_key,
            method="POST",
            body=body,
        ),
        ApiExample(
            "Poll it, then GET its download_url (CSV) — /api/v1/reports/1 is the first job",
            "/api/v1/reports/1",
            token=advertiser_key,
        ),
        ApiExample(
            "Its daily series as a PNG chart: create a kind=day job, then GET …/chart.png",
            "/api/v1/reports",
            token=advertiser_key,
            method="POST",
            body={**body, "kind": "day"},
        ),
    ]

"""Golden attribution cases, every expected credit worked out by hand in the comments.

Products: 10 = SKU A (brand 1, category 1), 11 = SKU B (brand 1, category 1),
12 = SKU C (brand 2, category 1), 13 = SKU D (brand 3, category 2).
Rules: click window 14 days, view window 1 day, match level brand, viewable views only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from jarnama.measurement.attribution import AttributionRules, attribute, campaign_metrics
from jarnama.measurement.store import AnalyticsStore, LogLoader
from jarnama.tracking import events as ev
from jarnama.tracking.log import SegmentLog

from ..tracking.helpers import T0, ad, purchase

D = dt.timedelta(days=1)
MS = dt.timedelta(milliseconds=1)
PRODUCTS = [
    {"product_id": 10, "sku": "A", "brand_id": 1, "category_id": 1},
    {"product_id": 11, "sku": "B", "brand_id": 1, "category_id": 1},
    {"product_id": 12, "sku": "C", "brand_id": 2, "category_id": 1},
    {"product_id": 13, "sku": "D", "brand_id": 3, "category_id": 2},
]


def click(i: str, at: dt.datetime, user: str, product: int, campaign: int = 1) -> ev.Click:
    return ev.Click(
        id=i, at=at, ad=ad(f"b-{i}", campaign_id=campaign, product_id=product, user_id=user)
    )


def view(
    i: str, at: dt.datetime, user: str, product: int, viewable: bool = True, campaign: int = 1
) -> ev.Impression:
    return ev.Impression(
        id=i,
        at=at,
        ad=ad(
            f"b-{i}",
            campaign_id=campaign,
            product_id=product,
            user_id=user,
            billing="cpm",
            price_tiyn=200_000,
        ),
        visible_percent=100 if viewable else 10,
        visible_ms=3000,
    )


EVENTS: list[ev.Event] = [
    # u1: click edge. Click on A at T0; A bought at T0+14d exactly -> credited (inclusive).
    click("c1", T0, "u1", 10),
    purchase("p1", T0 + 14 * D, user_id="u1", lines=[("A", 1, 10_000)]),
    # u2: one millisecond past the click window -> no credit.
    click("c2", T0, "u2", 10),
    purchase("p2", T0 + 14 * D + MS, user_id="u2", lines=[("A", 1, 10_000)]),
    # u3: click at T0, later viewable view at T0+1h; purchase T0+2h -> the click wins.
    click("c3", T0, "u3", 10, campaign=1),
    view("v3", T0 + dt.timedelta(hours=1), "u3", 10, campaign=2),
    purchase("p3", T0 + dt.timedelta(hours=2), user_id="u3", lines=[("A", 2, 5_000)]),
    # u4: view only, 1 day exactly before -> credited as a view; a non-viewable view is ignored.
    view("v4", T0, "u4", 10, campaign=2),
    view("v4b", T0 + dt.timedelta(hours=12), "u4", 10, viewable=False, campaign=1),
    purchase("p4", T0 + D, user_id="u4", lines=[("A", 1, 7_000)]),
    # u5: halo. Click on A, buys B (same brand) and C (other brand, same category) and D.
    # B -> brand (halo) credit; C and D -> none at match level brand.
    click("c5", T0, "u5", 10),
    purchase("p5", T0 + D, user_id="u5", lines=[("B", 1, 3_000), ("C", 1, 4_000), ("D", 1, 9_000)]),
    # u6: one credit. Clicks of two campaigns; the most recent (campaign 2) gets the line.
    # u6 bought brand 1 200 days earlier -> not new to brand.
    purchase("p6old", T0 - 200 * D, user_id="u6", lines=[("B", 1, 1_000)]),
    click("c6a", T0, "u6", 10, campaign=1),
    click("c6b", T0 + dt.timedelta(hours=3), "u6", 10, campaign=2),
    purchase("p6", T0 + D, user_id="u6", lines=[("A", 3, 2_000)]),
    # u7: the previous brand-1 purchase 366 days earlier -> new to brand again.
    purchase("p7old", T0 - 366 * D, user_id="u7", lines=[("A", 1, 1_000)]),
    click("c7", T0, "u7", 10),
    purchase("p7", T0 + D, user_id="u7", lines=[("A", 1, 8_000)]),
    # u8: a repeated click is IVT and credits nothing (the first click is 40 days before).
    click("c8", T0 - 40 * D, "u8", 10),
    ev.Click(id="c8b", at=T0, ad=ad("b-c8b", product_id=10, user_id="u8"), ivt="repeated_click"),
    purchase("p8", T0 + D, user_id="u8", lines=[("A", 1, 6_000)]),
]

EXPECTED = {
    # (purchase, line) -> (touch, kind, campaign, match, sales, new to brand)
    ("p1", 0): ("c1", "click", 1, "sku", 10_000, True),
    ("p3", 0): ("c3", "click", 1, "sku", 10_000, True),
    ("p4", 0): ("v4", "view", 2, "sku", 7_000, True),
    ("p5", 0): ("c5", "click", 1, "brand", 3_000, True),
    ("p6", 0): ("c6b", "click", 2, "sku", 6_000, False),
    ("p7", 0): ("c7", "click", 1, "sku", 8_000, True),
}


@pytest.fixture
def store(tmp_path: Path) -> AnalyticsStore:
    log = SegmentLog(tmp_path / "log")
    log.append([ev.encode(e) for e in EVENTS])
    log.close()
    analytics = AnalyticsStore(tmp_path / "store")
    analytics.write_products(PRODUCTS)
    LogLoader(tmp_path / "log", analytics).run()
    return analytics


def test_each_line_gets_the_credit_worked_out_by_hand(store: AnalyticsStore) -> None:
    table = attribute(store, AttributionRules(), T0.date() - 400 * D, T0.date() + 30 * D)
    got = {
        (r["event_id"], r["line_no"]): (
            r["touch_id"],
            r["touch"],
            r["campaign_id"],
            r["match_level"],
            r["sales_tiyn"],
            r["new_to_brand"],
        )
        for r in table.to_pylist()
    }
    assert got == EXPECTED


def test_match_level_sku_drops_the_halo_and_category_adds_same_category(
    store: AnalyticsStore,
) -> None:
    start, end = T0.date(), T0.date() + 30 * D
    sku_only = attribute(store, AttributionRules(match_level="sku"), start, end)
    assert ("p5", 0) not in {(r["event_id"], r["line_no"]) for r in sku_only.to_pylist()}
    category = attribute(store, AttributionRules(match_level="category"), start, end)
    lines = {(r["event_id"], r["line_no"]): r["match_level"] for r in category.to_pylist()}
    assert lines[("p5", 0)] == "brand"
    assert lines[("p5", 1)] == "category"  # C: brand 2, category 1 like A
    assert ("p5", 2) not in lines  # D: category 2


def test_a_longer_window_credits_the_late_purchase_and_recomputing_replaces(
    store: AnalyticsStore,
) -> None:
    start, end = T0.date(), T0.date() + 30 * D
    attribute(store, AttributionRules(), start, end)
    wider = attribute(store, AttributionRules(click_window_days=15), start, end)
    assert ("p2", 0) in {(r["event_id"], r["line_no"]) for r in wider.to_pylist()}
    # Repeated runs replace the day partitions: the metrics count each line once.
    attribute(store, AttributionRules(click_window_days=15), start, end)
    metrics = {m.campaign_id: m for m in campaign_metrics(store, T0.date() - 50 * D, end)}
    assert metrics[1].sales_sku_tiyn == 10_000 + 10_000 + 10_000 + 8_000  # p1 p2 p3 p7
    assert metrics[1].sales_halo_tiyn == 3_000


def test_campaign_metrics_by_hand(store: AnalyticsStore) -> None:
    attribute(store, AttributionRules(), T0.date() - 400 * D, T0.date() + 30 * D)
    metrics = {
        m.campaign_id: m for m in campaign_metrics(store, T0.date() - 50 * D, T0.date() + 30 * D)
    }
    one, two = metrics[1], metrics[2]
    # Campaign 1: clicks c1 c2 c3 c5 c6a c7 c8 (c8b is IVT) = 7 at 5,000 tiyn CPC.
    assert one.clicks == 7
    assert one.impressions == 1  # v4b (rendered, not viewable, CPM 200,000 per mille)
    assert one.viewable_impressions == 0
    assert (one.sales_sku_tiyn, one.sales_halo_tiyn) == (28_000, 3_000)  # p1 p3 p7 / p5
    assert one.units == 1 + 2 + 1 + 1
    assert one.orders == 4
    assert one.new_to_brand_sales_tiyn == 31_000
    assert one.spend_tiyn == 35_200  # 7 clicks * 5,000 + v4b at 200,000 per mille = 200
    assert one.cpc_tiyn == Decimal("5028.5714")
    # Campaign 2: views v3 v4 (CPM 200 tiyn each), click c6b (5,000): spend 5,400.
    assert (two.impressions, two.viewable_impressions, two.clicks) == (2, 2, 1)
    assert two.spend_tiyn == 5_400
    assert two.sales_tiyn == 7_000 + 6_000
    assert two.roas == Decimal("2.4074")  # 13,000 / 5,400
    assert two.acos == Decimal("0.4154")
    assert two.cpm_tiyn == Decimal("2700000.0000")
    assert two.ctr == Decimal("0.5000")

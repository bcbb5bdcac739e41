"""Golden attribution cases for rules that differ by campaign type, worked out by hand.

Products as in test_attribution_golden: 10 = SKU A (brand 1), 11 = SKU B (brand 1).
Campaign 1 runs sponsored listings (ad group 100), campaign 3 banners (ad group 300).
Rules: the network (and so listings): click 14 days, view 1 day, match brand, viewable views
only. Banners: click 3 days, view 7 days, match SKU only, any rendered view counts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jarnama.measurement.attribution import AttributionRules, RuleBook, attribute
from jarnama.measurement.settings import CampaignType
from jarnama.measurement.store import AnalyticsStore, LogLoader
from jarnama.tracking import events as ev
from jarnama.tracking.log import SegmentLog

from ..tracking.helpers import T0, purchase
from .test_attribution_golden import PRODUCTS, click, view

D = dt.timedelta(days=1)
H = dt.timedelta(hours=1)
MS = dt.timedelta(milliseconds=1)
LISTING, BANNER = 1, 3
KINDS = {100: CampaignType.SPONSORED_LISTING, 300: CampaignType.BANNER}
BOOK = RuleBook(
    AttributionRules(click_window_days=14, view_window_days=1, match_level="brand"),
    {
        CampaignType.BANNER: AttributionRules(
            click_window_days=3,
            view_window_days=7,
            match_level="sku",
            view_requires_viewable=False,
        )
    },
)

EVENTS: list[ev.Event] = [
    # t1: a banner view (not viewable) 7 days exactly before -> credited (banner: 7 d, any view).
    view("v1", T0, "t1", 10, viewable=False, campaign=BANNER),
    purchase("p1", T0 + 7 * D, user_id="t1", lines=[("A", 1, 10_000)]),
    # t2: one millisecond past the banner's view window -> nothing.
    view("v2", T0, "t2", 10, campaign=BANNER),
    purchase("p2", T0 + 7 * D + MS, user_id="t2", lines=[("A", 1, 10_000)]),
    # t3: a banner view of A, B bought (same brand): banners match the SKU only -> nothing.
    view("v3", T0, "t3", 10, campaign=BANNER),
    purchase("p3", T0 + H, user_id="t3", lines=[("B", 1, 3_000)]),
    # t4: the same with a listing view: listings match the brand -> halo credit.
    view("v4", T0, "t4", 10, campaign=LISTING),
    purchase("p4", T0 + H, user_id="t4", lines=[("B", 1, 3_000)]),
    # t5: the banner click expired (3 d) before the purchase 4 d 1 h later; the listing's
    # viewable view 1 h before the purchase gets the line.
    click("c5", T0, "t5", 10, campaign=BANNER),
    view("v5", T0 + 4 * D, "t5", 10, campaign=LISTING),
    purchase("p5", T0 + 4 * D + H, user_id="t5", lines=[("A", 2, 4_000)]),
    # t6: one credit across types: a banner click beats a later listing view.
    click("c6", T0, "t6", 10, campaign=BANNER),
    view("v6", T0 + H, "t6", 10, campaign=LISTING),
    purchase("p6", T0 + 2 * H, user_id="t6", lines=[("A", 1, 6_000)]),
    # t7: a listing view 2 days before: past the listing's 1-day view window -> nothing, though
    # a banner's 7 days would have covered it.
    view("v7", T0, "t7", 10, campaign=LISTING),
    purchase("p7", T0 + 2 * D, user_id="t7", lines=[("A", 1, 5_000)]),
]

EXPECTED = {
    ("p1", 0): ("v1", "view", BANNER, "sku", 10_000),
    ("p4", 0): ("v4", "view", LISTING, "brand", 3_000),
    ("p5", 0): ("v5", "view", LISTING, "sku", 8_000),
    ("p6", 0): ("c6", "click", BANNER, "sku", 6_000),
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


def _credits(
    table_rows: list[dict[str, object]],
) -> dict[tuple[object, object], tuple[object, ...]]:
    return {
        (r["event_id"], r["line_no"]): (
            r["touch_id"],
            r["touch"],
            r["campaign_id"],
            r["match_level"],
            r["sales_tiyn"],
        )
        for r in table_rows
    }


def test_each_campaign_type_is_credited_by_its_own_rules(store: AnalyticsStore) -> None:
    table = attribute(store, BOOK, T0.date() - 2 * D, T0.date() + 30 * D, KINDS)
    assert _credits(table.to_pylist()) == EXPECTED


def test_an_ad_group_of_unknown_type_is_a_listing_without_a_creative(
    store: AnalyticsStore,
) -> None:
    # Without the kinds map every touch here has no creative: all follow the listing rules.
    table = attribute(store, BOOK, T0.date() - 2 * D, T0.date() + 30 * D)
    got = _credits(table.to_pylist())
    assert ("p1", 0) not in got  # 7 days > the listing's 1-day view window
    assert got[("p3", 0)] == ("v3", "view", BANNER, "brand", 3_000)  # halo, as a listing


def test_uniform_rules_give_the_plain_network_result(store: AnalyticsStore) -> None:
    start, end = T0.date() - 2 * D, T0.date() + 30 * D
    plain = attribute(store, BOOK.network, start, end)
    book = attribute(store, RuleBook(BOOK.network), start, end, KINDS)
    assert _credits(book.to_pylist()) == _credits(plain.to_pylist())

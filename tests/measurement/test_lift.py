"""Lift from the analytics store: simulated shoppers with a known true lift, and the read rules."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jarnama.measurement.incrementality import in_holdout
from jarnama.measurement.lift import estimate, read_outcomes
from jarnama.measurement.store import SCHEMAS, AnalyticsStore

CAMPAIGN = 7
START = dt.date(2026, 3, 1)
END = dt.date(2026, 3, 14)
T_EXPOSE = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
BASKET = 30_000  # tiyn of one target purchase
SHARE = Decimal("0.2")


def _ms(at: dt.datetime) -> int:
    return int(at.timestamp() * 1000)


def _ad(kind: str, n: int, user: str, at: dt.datetime, cost: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "event_id": f"{kind}{n}",
        "at_ms": _ms(at),
        "day": at.date(),
        "bid_id": f"b{kind}{n}",
        "campaign_id": CAMPAIGN,
        "ad_group_id": 1,
        "account_id": 1,
        "placement_id": 1,
        "product_id": 1,
        "creative_id": None,
        "user_id": user,
        "billing": "cpm",
        "price_tiyn": cost,
        "ivt": None,
    }
    if kind == "i":
        row |= {"viewable": True, "cost_mtiyn": cost}
    return row


def _line(n: int, user: str, at: dt.datetime, sku: str = "TARGET") -> dict[str, Any]:
    return {
        "event_id": f"p{n}",
        "at_ms": _ms(at),
        "day": at.date(),
        "line_no": 0,
        "order_id": f"o{n}",
        "user_id": user,
        "sku": sku,
        "quantity": 1,
        "unit_price_tiyn": BASKET,
        "channel": "store",
        "store_code": None,
        "ivt": None,
    }


def _write(store: AnalyticsStore, table: str, rows: list[dict[str, Any]]) -> None:
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for row in rows:
        by_day.setdefault(row["day"], []).append(row)
    for day, day_rows in by_day.items():
        store.write(table, day, "part-0.parquet", pa.Table.from_pylist(day_rows, SCHEMAS[table]))


# Whether a served ad is rendered depends on the shopper: the heavy buyers browse the app,
# which renders nearly always; the others often leave before the slot loads.
RENDERED = {0.02: 0.5, 0.05: 0.5, 0.3: 0.95}


def _simulate(root: Path, seed: int, users: int, lift: float) -> AnalyticsStore:
    """Shoppers with their own buying propensity (seen in the pre-period too), each served the
    campaign's ad once (held-out users get a ghost instead). A served ad is rendered with a
    chance that grows with the propensity; a rendered one adds `lift` to the chance of one
    target purchase after it."""
    rng = random.Random(seed)
    served: list[dict[str, Any]] = []
    impressions: list[dict[str, Any]] = []
    ghosts: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for n in range(users):
        user = f"s{seed}-{n}"
        propensity = rng.choice((0.02, 0.05, 0.3))
        for week in range(1, 5):  # the four weeks before: the same habit, before the campaign
            if rng.random() < propensity:
                lines.append(_line(len(lines), user, T_EXPOSE - dt.timedelta(days=7 * week)))
        held = in_holdout(CAMPAIGN, user, SHARE)
        rendered = not held and rng.random() < RENDERED[propensity]
        if held:
            ghosts.append(_ad("g", n, user, T_EXPOSE, 150_000))
        else:
            served.append(_ad("s", n, user, T_EXPOSE, 150_000))
        if rendered:
            impressions.append(_ad("i", n, user, T_EXPOSE + dt.timedelta(seconds=2), 150_000))
        chance = propensity + (lift if rendered else 0)
        if rng.random() < chance:
            lines.append(_line(len(lines), user, T_EXPOSE + dt.timedelta(days=3)))
    store = AnalyticsStore(root)
    _write(store, "served", served)
    _write(store, "impressions", impressions)
    _write(store, "ghosts", ghosts)
    _write(store, "purchase_lines", lines)
    return store


def test_the_known_true_lift_is_inside_the_interval_with_and_without_cuped(
    tmp_path: Path,
) -> None:
    lift = 0.04
    store = _simulate(tmp_path, seed=11, users=12_000, lift=lift)
    users, spend = read_outcomes(store, CAMPAIGN, frozenset({"TARGET"}), START, END, 28)
    treated = sum(u.treated for u in users)
    assert len(users) == 12_000  # every shopper was served or ghosted, none twice
    assert 0.18 < (len(users) - treated) / len(users) < 0.22  # the 20% holdout
    rendered = len(_rows(store, "impressions"))
    assert spend == rendered * 150_000  # rendered impressions are billed; ghosts never
    # The effect of being served: the lift times the chance the ad is rendered (~65%).
    mean_rendered = Decimal(str(sum(RENDERED.values()))) / 3
    true_per_user = Decimal(str(lift)) * BASKET * mean_rendered  # ~780 tiyn

    plain, _, _ = estimate(users, spend, use_cuped=False)
    assert plain is not None
    assert plain.absolute.covers(true_per_user)
    assert plain.incremental_sales_tiyn.covers(true_per_user * treated)
    assert plain.incremental_roas is not None
    assert plain.incremental_roas.covers(true_per_user * treated / (Decimal(spend) / 1000))

    adjusted, theta, reduction = estimate(users, spend, use_cuped=True)
    assert adjusted is not None
    assert theta is not None
    assert reduction is not None
    assert adjusted.absolute.covers(true_per_user)
    assert theta > 0  # last period's buyers buy again
    assert reduction > Decimal("0.05")
    width = plain.absolute.high - plain.absolute.low
    assert adjusted.absolute.high - adjusted.absolute.low < width


def test_treating_rendered_impressions_as_the_treated_group_is_biased(tmp_path: Path) -> None:
    """The old mismatch: rendered users against every ghosted user (a selected group)."""
    lift = 0.04
    store = _simulate(tmp_path, seed=11, users=12_000, lift=lift)
    users, spend = read_outcomes(
        store, CAMPAIGN, frozenset({"TARGET"}), START, END, 28, exposure="rendered"
    )
    treated = sum(u.treated for u in users)
    assert treated == len(_rows(store, "impressions"))
    assert treated < 0.75 * len(_rows(store, "served"))  # a third of the served never rendered
    mean_rendered = Decimal(str(sum(RENDERED.values()))) / 3
    served_effect = Decimal(str(lift)) * BASKET * mean_rendered
    rendered_effect = Decimal(str(lift)) * BASKET  # even the effect on the rendered ones
    biased, _, _ = estimate(users, spend, use_cuped=False)
    assert biased is not None
    # Heavy buyers are over-represented among the rendered: the interval misses both truths.
    assert not biased.absolute.covers(served_effect)
    assert not biased.absolute.covers(rendered_effect)
    assert biased.absolute.low > rendered_effect


def _rows(store: AnalyticsStore, table: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in store.files(table):
        found.extend(pq.read_table(path).to_pylist())
    return found


def test_sales_count_from_first_exposure_only_and_a_user_in_both_groups_is_left_out(
    tmp_path: Path,
) -> None:
    store = AnalyticsStore(tmp_path)
    before, after = T_EXPOSE - dt.timedelta(hours=1), T_EXPOSE + dt.timedelta(hours=1)
    # a, b and d are served at decision time; d's page never rendered the ad.
    served = [_ad("s", n, user, T_EXPOSE, 1000) for n, user in ((1, "a"), (2, "b"), (6, "d"))]
    _write(store, "served", served)
    _write(
        store,
        "impressions",
        [_ad("i", 1, "a", T_EXPOSE, 1000), _ad("i", 2, "b", T_EXPOSE, 1000)],
    )
    _write(store, "ghosts", [_ad("g", 3, "c", T_EXPOSE, 1000), _ad("g", 4, "b", after, 1000)])
    _write(
        store,
        "purchase_lines",
        [
            _line(1, "a", before),  # before the exposure, inside the period: not counted
            _line(2, "a", after),
            _line(3, "a", after, sku="OTHER"),  # not a target SKU
            _line(4, "c", after),
            _line(5, "c", T_EXPOSE - dt.timedelta(days=5)),  # pre-period (CUPED covariate)
            _line(6, "d", after),
        ],
    )
    users, spend = read_outcomes(store, CAMPAIGN, frozenset({"TARGET"}), START, END, 28)
    assert [(u.user_id, u.treated, u.sales_tiyn, u.pre_sales_tiyn) for u in users] == [
        ("a", True, BASKET, 0),
        ("c", False, BASKET, BASKET),
        ("d", True, BASKET, 0),  # served, never rendered: still treated
    ]
    assert spend == 2000  # the impressions of a and b, 1,000 milli-tiyn each
    plain, _, _ = estimate(users, spend, use_cuped=False)
    assert plain is None  # one held-out user

    rendered, _ = read_outcomes(
        store, CAMPAIGN, frozenset({"TARGET"}), START, END, 28, exposure="rendered"
    )
    assert [(u.user_id, u.treated) for u in rendered] == [("a", True), ("c", False)]

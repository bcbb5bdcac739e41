"""Attribution over synthetic data: impressions, clicks and purchase lines over 30 days.

Generates the store's Parquet tables with DuckDB (500k users, 10k products in 500 brands),
then times `attribute` for the whole 30 days and `campaign_metrics` over it.
Usage: python -m benchmarks.attribution [--scale 1.0]   (1.0 = 10M impressions, 1M clicks,
1M purchase lines)
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from jarnama.measurement.attribution import AttributionRules, attribute, campaign_metrics
from jarnama.measurement.store import AnalyticsStore

START = dt.date(2026, 3, 1)
DAYS = 30
USERS = 500_000
PRODUCTS = 10_000


def _generate(root: Path, impressions: int, clicks: int, lines: int) -> None:
    con = duckdb.connect()
    start_ms = int(dt.datetime.combine(START, dt.time(), dt.UTC).timestamp() * 1000)
    span = DAYS * 86_400_000
    root.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT i AS product_id, 'SKU-' || i AS sku, i % 500 AS brand_id, "
        f"i % 50 AS category_id FROM range({PRODUCTS}) t(i)) TO '{root}/products.parquet'"
    )
    ad = (
        "'b' || i AS bid_id, (i % 200) + 1 AS campaign_id, (i % 600) + 1 AS ad_group_id, "
        "(i % 40) + 1 AS account_id, 1 AS placement_id, "
        f"CAST(hash(i * 7) % {PRODUCTS} AS BIGINT) AS product_id, NULL::BIGINT AS creative_id, "
        f"'u' || CAST(hash(i * 13) % {USERS} AS BIGINT) AS user_id"
    )
    at = f"({start_ms} + CAST(hash(i * 31) % {span} AS BIGINT))"
    for table, count, extra in (
        (
            "impressions",
            impressions,
            "'cpm' AS billing, 150000 AS price_tiyn, (i % 3 <> 0) AS viewable, "
            "150000 AS cost_mtiyn, NULL::VARCHAR AS ivt",
        ),
        (
            "clicks",
            clicks,
            "'cpc' AS billing, 4000 AS price_tiyn, 4000000 AS cost_mtiyn, NULL::VARCHAR AS ivt",
        ),
    ):
        (root / table).mkdir()
        con.execute(
            f"COPY (SELECT 'e' || i AS event_id, {at} AS at_ms, "
            f"CAST(make_timestamp(({at}) * 1000) AS DATE) AS day, {ad}, {extra} "
            f"FROM range({count}) t(i)) TO '{root}/{table}' (FORMAT PARQUET, PARTITION_BY (day))"
        )
    (root / "purchase_lines").mkdir()
    con.execute(
        f"COPY (SELECT 'p' || (i // 2) AS event_id, CAST(i % 2 AS INTEGER) AS line_no, "
        f"'o' || (i // 2) AS order_id, {at} AS at_ms, "
        f"CAST(make_timestamp(({at}) * 1000) AS DATE) AS day, "
        f"'u' || CAST(hash(i * 17) % {USERS} AS BIGINT) AS user_id, "
        f"'SKU-' || CAST(hash(i * 11) % {PRODUCTS} AS BIGINT) "
        f"AS sku, 1 + i % 3 AS quantity, 50000 + i % 100000 AS unit_price_tiyn, "
        f"'store' AS channel, NULL::VARCHAR AS store_code, NULL::VARCHAR AS ivt "
        f"FROM range({lines}) t(i)) TO '{root}/purchase_lines' "
        f"(FORMAT PARQUET, PARTITION_BY (day))"
    )
    con.close()


def main() -> None:
    """Print the timings of one run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    impressions, clicks, lines = (int(n * args.scale) for n in (10_000_000, 1_000_000, 1_000_000))
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "store"
        started = time.perf_counter()
        _generate(root, impressions, clicks, lines)
        generated = time.perf_counter() - started
        store = AnalyticsStore(root)
        started = time.perf_counter()
        credited = attribute(store, AttributionRules(), START, START + dt.timedelta(DAYS - 1))
        attributed = time.perf_counter() - started
        started = time.perf_counter()
        rows = campaign_metrics(store, START, START + dt.timedelta(DAYS - 1))
        measured = time.perf_counter() - started
    print(
        f"{'impressions':>12} {'clicks':>9} {'lines':>9} {'credited':>9} "
        f"{'generate s':>10} {'attribute s':>11} {'metrics s':>9}"
    )
    print(
        f"{impressions:>12} {clicks:>9} {lines:>9} {credited.num_rows:>9} "
        f"{generated:>10.1f} {attributed:>11.1f} {measured:>9.2f}  ({len(rows)} campaigns)"
    )


if __name__ == "__main__":
    main()

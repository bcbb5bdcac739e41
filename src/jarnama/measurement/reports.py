"""Report tables: delivery and closed-loop results grouped by one dimension over a date range.

The SQL is portable (no DuckDB-only syntax), so the same query can run on a distributed
engine over the same Parquet layout. Invalid traffic is left out; spend counts each resolved
bid once. A supplier's rows are limited to its own accounts in the query itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from jarnama.measurement.attribution import ATTRIBUTIONS, connect
from jarnama.measurement.store import AnalyticsStore


class Dimension(enum.StrEnum):
    """What a report's rows are grouped by."""

    DAY = "day"
    CAMPAIGN = "campaign"
    AD_GROUP = "ad_group"
    PRODUCT = "product"
    PLACEMENT = "placement"


_KEY = {
    Dimension.DAY: "day",
    Dimension.CAMPAIGN: "campaign_id",
    Dimension.AD_GROUP: "ad_group_id",
    Dimension.PRODUCT: "product_id",
    Dimension.PLACEMENT: "placement_id",
}
COLUMNS = (
    "impressions",
    "viewable_impressions",
    "clicks",
    "spend_tiyn",
    "sales_sku_tiyn",
    "sales_halo_tiyn",
    "units",
    "orders",
    "new_to_brand_sales_tiyn",
)
REPORT_SCHEMA_TAIL = [
    ("impressions", pa.int64()),
    ("viewable_impressions", pa.int64()),
    ("clicks", pa.int64()),
    ("spend_tiyn", pa.decimal128(20, 3)),
    ("sales_sku_tiyn", pa.int64()),
    ("sales_halo_tiyn", pa.int64()),
    ("units", pa.int64()),
    ("orders", pa.int64()),
    ("new_to_brand_sales_tiyn", pa.int64()),
]


def report_schema(dimension: Dimension) -> pa.Schema:
    """The Arrow schema of a report's rows (the key column first)."""
    key = pa.date32() if dimension is Dimension.DAY else pa.int64()
    return pa.schema([(dimension.value, key), *REPORT_SCHEMA_TAIL])


def report_sql(
    dimension: Dimension, start: dt.date, end: dt.date, account_ids: frozenset[int] | None
) -> str:
    """Portable SQL of one report: rows keyed by `dimension` for days start..end (inclusive)."""
    key = _KEY[dimension]
    days = f"day BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}'"
    scope = ""
    if account_ids is not None:
        scope = f"AND account_id IN ({', '.join(str(int(a)) for a in account_ids) or 'NULL'})"
    return f"""
WITH imp AS (
  SELECT {key} AS k, COUNT(*) AS impressions,
         SUM(CASE WHEN viewable THEN 1 ELSE 0 END) AS viewable
  FROM impressions WHERE ivt IS NULL AND {days} {scope} GROUP BY {key}
),
clk AS (
  SELECT {key} AS k, COUNT(*) AS clicks
  FROM clicks WHERE ivt IS NULL AND campaign_id IS NOT NULL AND {days} {scope} GROUP BY {key}
),
billed AS (
  SELECT bid_id, MIN({key}) AS k, MAX(cost_mtiyn) AS cost_mtiyn FROM (
    SELECT bid_id, {key}, cost_mtiyn, day, account_id FROM impressions WHERE ivt IS NULL
    UNION ALL
    SELECT bid_id, {key}, cost_mtiyn, day, account_id FROM clicks
    WHERE ivt IS NULL AND campaign_id IS NOT NULL
  ) e WHERE {days} {scope} GROUP BY bid_id
),
spend AS (SELECT k, SUM(cost_mtiyn) AS spend_mtiyn FROM billed GROUP BY k),
touches AS (
  SELECT event_id, placement_id FROM impressions
  UNION ALL SELECT event_id, placement_id FROM clicks
),
credited AS (
  SELECT a.*, t.placement_id FROM {ATTRIBUTIONS} a
  LEFT JOIN touches t ON t.event_id = a.touch_id
),
att AS (
  SELECT {key} AS k,
         SUM(CASE WHEN match_level = 'sku' THEN sales_tiyn ELSE 0 END) AS sales_sku,
         SUM(CASE WHEN match_level <> 'sku' THEN sales_tiyn ELSE 0 END) AS sales_halo,
         SUM(quantity) AS units, COUNT(DISTINCT order_id) AS orders,
         SUM(CASE WHEN new_to_brand THEN sales_tiyn ELSE 0 END) AS ntb_sales
  FROM credited WHERE {days} {scope} GROUP BY {key}
),
keys AS (SELECT k FROM imp UNION SELECT k FROM clk UNION SELECT k FROM att)
SELECT keys.k, COALESCE(imp.impressions, 0), COALESCE(imp.viewable, 0),
       COALESCE(clk.clicks, 0), COALESCE(spend.spend_mtiyn, 0), COALESCE(att.sales_sku, 0),
       COALESCE(att.sales_halo, 0), COALESCE(att.units, 0), COALESCE(att.orders, 0),
       COALESCE(att.ntb_sales, 0)
FROM keys
LEFT JOIN imp ON imp.k = keys.k
LEFT JOIN clk ON clk.k = keys.k
LEFT JOIN spend ON spend.k = keys.k
LEFT JOIN att ON att.k = keys.k
ORDER BY keys.k
"""


def run_report(
    store: AnalyticsStore,
    dimension: Dimension,
    start: dt.date,
    end: dt.date,
    account_ids: frozenset[int] | None = None,
) -> pa.Table:
    """The report's rows as an Arrow table (money in tiyn; spend exact to the milli-tiyn)."""
    con = connect(store, ("impressions", "clicks", ATTRIBUTIONS))
    try:
        rows = con.execute(report_sql(dimension, start, end, account_ids)).fetchall()
    finally:
        con.close()
    schema = report_schema(dimension)
    columns: list[list[object]] = [[] for _ in schema]
    for row in rows:
        for index, value in enumerate(row):
            columns[index].append(value)
    # Spend arrives in milli-tiyn: one thousandth of a tiyn, kept exact as a decimal.
    columns[4] = [Decimal(int(str(v))) / 1000 for v in columns[4]]
    return pa.Table.from_arrays(
        [pa.array(col, type=field.type) for col, field in zip(columns, schema, strict=True)],
        schema=schema,
    )


def to_csv(table: pa.Table) -> bytes:
    """The report as UTF-8 CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow(["" if v is None else v for v in row.values()])
    return out.getvalue().encode()


def to_parquet(table: pa.Table) -> bytes:
    """The report as a Parquet file."""
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()

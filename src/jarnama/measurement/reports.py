"""Report tables: delivery and closed-loop results grouped by one dimension over a date range.

The SQL is portable (no DuckDB-only syntax), so the same query can run on a distributed
engine over the same Parquet layout. Invalid traffic is left out; spend counts each resolved
bid once. A supplier's rows are limited to its own accounts in the query itself, and optional
filters (campaigns, ad groups, advertised products, placements) narrow every part of it alike.

Each row carries the additive counts (`COLUMNS`) and the ratios derived from them
(`DERIVED`): total attributed sales, CTR, ROAS, ACoS, CPC and CPM, as exact decimals (None
where the denominator is zero).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from jarnama.measurement.attribution import ATTRIBUTIONS, connect
from jarnama.measurement.store import AnalyticsStore


class Dimension(enum.StrEnum):
    """What a report's rows are grouped by (`campaign_day`: the daily series per campaign)."""

    DAY = "day"
    CAMPAIGN = "campaign"
    AD_GROUP = "ad_group"
    PRODUCT = "product"
    PLACEMENT = "placement"
    CAMPAIGN_DAY = "campaign_day"


# The store columns each dimension groups by, and their names in the report.
_KEYS: dict[Dimension, tuple[tuple[str, str], ...]] = {
    Dimension.DAY: (("day", "day"),),
    Dimension.CAMPAIGN: (("campaign_id", "campaign"),),
    Dimension.AD_GROUP: (("ad_group_id", "ad_group"),),
    Dimension.PRODUCT: (("product_id", "product"),),
    Dimension.PLACEMENT: (("placement_id", "placement"),),
    Dimension.CAMPAIGN_DAY: (("day", "day"), ("campaign_id", "campaign")),
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
DERIVED = ("sales_tiyn", "ctr", "roas", "acos", "cpc_tiyn", "cpm_tiyn")
_RATIO = pa.decimal128(24, 4)
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
    ("sales_tiyn", pa.int64()),
    ("ctr", _RATIO),
    ("roas", _RATIO),
    ("acos", _RATIO),
    ("cpc_tiyn", _RATIO),
    ("cpm_tiyn", _RATIO),
]
_FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """Optional narrowing of a report; None means no limit on that column."""

    campaign_ids: frozenset[int] | None = None
    ad_group_ids: frozenset[int] | None = None
    product_ids: frozenset[int] | None = None  # advertised products
    placement_ids: frozenset[int] | None = None

    def sql(self) -> str:
        """`AND column IN (...)` conditions for a table carrying the ad columns."""
        parts = []
        for column, ids in (
            ("campaign_id", self.campaign_ids),
            ("ad_group_id", self.ad_group_ids),
            ("product_id", self.product_ids),
            ("placement_id", self.placement_ids),
        ):
            if ids is not None:
                parts.append(f"AND {column} IN ({_id_list(ids)})")
        return " ".join(parts)


def _id_list(ids: Iterable[int]) -> str:
    # int() on every id: the SQL is built from integers only, never from caller text.
    return ", ".join(str(int(i)) for i in sorted(ids)) or "NULL"


def key_names(dimension: Dimension) -> list[str]:
    """The report's key columns (the first columns of every row)."""
    return [name for _, name in _KEYS[dimension]]


def report_schema(dimension: Dimension) -> pa.Schema:
    """The Arrow schema of a report's rows (the key columns first)."""
    keys = [(name, pa.date32() if name == "day" else pa.int64()) for name in key_names(dimension)]
    return pa.schema([*keys, *REPORT_SCHEMA_TAIL])


def report_sql(
    dimension: Dimension,
    start: dt.date,
    end: dt.date,
    account_ids: frozenset[int] | None,
    filters: ReportFilters | None = None,
) -> str:
    """Portable SQL of one report: rows keyed by `dimension` for days start..end (inclusive)."""
    columns = [column for column, _ in _KEYS[dimension]]
    n = len(columns)
    select_keys = ", ".join(f"{c} AS k{i}" for i, c in enumerate(columns))
    group = ", ".join(columns)
    ks = ", ".join(f"k{i}" for i in range(n))
    min_keys = ", ".join(f"MIN({c}) AS k{i}" for i, c in enumerate(columns))
    days = f"day BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}'"
    scope = ""
    if account_ids is not None:
        scope = f"AND account_id IN ({_id_list(account_ids)})"
    scope += " " + (filters or ReportFilters()).sql()

    def on(table: str) -> str:
        return " AND ".join(f"{table}.k{i} = keys.k{i}" for i in range(n))

    return f"""
WITH imp AS (
  SELECT {select_keys}, COUNT(*) AS impressions,
         SUM(CASE WHEN viewable THEN 1 ELSE 0 END) AS viewable
  FROM impressions WHERE ivt IS NULL AND {days} {scope} GROUP BY {group}
),
clk AS (
  SELECT {select_keys}, COUNT(*) AS clicks
  FROM clicks WHERE ivt IS NULL AND campaign_id IS NOT NULL AND {days} {scope} GROUP BY {group}
),
billed AS (
  SELECT bid_id, {min_keys}, MAX(cost_mtiyn) AS cost_mtiyn FROM (
    SELECT bid_id, campaign_id, ad_group_id, product_id, placement_id, cost_mtiyn, day,
           account_id
    FROM impressions WHERE ivt IS NULL
    UNION ALL
    SELECT bid_id, campaign_id, ad_group_id, product_id, placement_id, cost_mtiyn, day,
           account_id
    FROM clicks WHERE ivt IS NULL AND campaign_id IS NOT NULL
  ) e WHERE {days} {scope} GROUP BY bid_id
),
spend AS (SELECT {ks}, SUM(cost_mtiyn) AS spend_mtiyn FROM billed GROUP BY {ks}),
touches AS (
  SELECT event_id, placement_id FROM impressions
  UNION ALL SELECT event_id, placement_id FROM clicks
),
credited AS (
  SELECT a.*, t.placement_id FROM {ATTRIBUTIONS} a
  LEFT JOIN touches t ON t.event_id = a.touch_id
),
att AS (
  SELECT {select_keys},
         SUM(CASE WHEN match_level = 'sku' THEN sales_tiyn ELSE 0 END) AS sales_sku,
         SUM(CASE WHEN match_level <> 'sku' THEN sales_tiyn ELSE 0 END) AS sales_halo,
         SUM(quantity) AS units, COUNT(DISTINCT order_id) AS orders,
         SUM(CASE WHEN new_to_brand THEN sales_tiyn ELSE 0 END) AS ntb_sales
  FROM credited WHERE {days} {scope} GROUP BY {group}
),
keys AS (SELECT {ks} FROM imp UNION SELECT {ks} FROM clk UNION SELECT {ks} FROM att)
SELECT {", ".join(f"keys.k{i}" for i in range(n))},
       COALESCE(imp.impressions, 0), COALESCE(imp.viewable, 0),
       COALESCE(clk.clicks, 0), COALESCE(spend.spend_mtiyn, 0), COALESCE(att.sales_sku, 0),
       COALESCE(att.sales_halo, 0), COALESCE(att.units, 0), COALESCE(att.orders, 0),
       COALESCE(att.ntb_sales, 0)
FROM keys
LEFT JOIN imp ON {on("imp")}
LEFT JOIN clk ON {on("clk")}
LEFT JOIN spend ON {on("spend")}
LEFT JOIN att ON {on("att")}
ORDER BY {", ".join(f"keys.k{i}" for i in range(n))}
"""


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    return None if den == 0 else (num / den).quantize(_FOUR_PLACES)


def _derived(
    impressions: int, clicks: int, spend: Decimal, sku: int, halo: int
) -> tuple[int, Decimal | None, Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    """Total sales, CTR, ROAS, ACoS, CPC and CPM (tiyn) of one row."""
    sales = sku + halo
    return (
        sales,
        _ratio(Decimal(clicks), Decimal(impressions)),
        _ratio(Decimal(sales), spend),
        _ratio(spend, Decimal(sales)),
        _ratio(spend, Decimal(clicks)),
        _ratio(spend * 1000, Decimal(impressions)),
    )


def run_report(
    store: AnalyticsStore,
    dimension: Dimension,
    start: dt.date,
    end: dt.date,
    account_ids: frozenset[int] | None = None,
    filters: ReportFilters | None = None,
) -> pa.Table:
    """The report's rows as an Arrow table (money in tiyn; spend exact to the milli-tiyn)."""
    con = connect(store, ("impressions", "clicks", ATTRIBUTIONS))
    try:
        rows = con.execute(report_sql(dimension, start, end, account_ids, filters)).fetchall()
    finally:
        con.close()
    schema = report_schema(dimension)
    n = len(key_names(dimension))
    records: list[tuple[object, ...]] = []
    for row in rows:
        keys, counts = row[:n], row[n:]
        impressions, viewable, clicks, spend_mtiyn, sku, halo, units, orders, ntb = (
            int(str(v)) for v in counts
        )
        # Spend arrives in milli-tiyn: one thousandth of a tiyn, kept exact as a decimal.
        spend = Decimal(spend_mtiyn) / 1000
        base = (impressions, viewable, clicks, spend, sku, halo, units, orders, ntb)
        records.append((*keys, *base, *_derived(impressions, clicks, spend, sku, halo)))
    columns = list(zip(*records, strict=True)) if records else [() for _ in schema]
    return pa.Table.from_arrays(
        [pa.array(list(col), type=field.type) for col, field in zip(columns, schema, strict=True)],
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

"""Attribution of purchase lines to ad clicks and views, and campaign metrics, on DuckDB.

Rules (deterministic): a purchased line gets at most one credit. Candidates are the valid
(non-IVT) clicks and views of the same loyalty user at or before the purchase, within the click
window or the view window (`purchase - touch <= N * 24 h`, both edges inclusive), whose
advertised product matches the line at the configured level (same SKU; or same brand = halo;
or same category). Clicks beat views; then the most recent touch wins; then the closer match
(SKU before brand before category); then the smaller touch id. New-to-brand: the user bought
nothing of the line's brand in the `new_to_brand_days` before the purchase.

Rules per campaign type (`RuleBook`): the windows, match level and viewability rule can
differ for sponsored listings, banners, in-store screens and DOOH. Each touch takes the rules of
its ad group's type (`ad_group_kinds`, from the campaigns; an unknown ad group is a listing when
it has no creative, else a banner), so one purchase line may weigh a 14-day listing click
against a 1-day banner view; the ranking above is unchanged.

The SQL is portable (CTEs, ROW_NUMBER, EXISTS, VALUES, integer epoch-millisecond arithmetic,
DATE literals); only `_bind` (views over Parquet files) is DuckDB's.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import pyarrow as pa

from jarnama.measurement.settings import CampaignType, MeasurementSettings
from jarnama.measurement.store import SCHEMAS, AnalyticsStore

DAY_MS = 86_400_000
ATTRIBUTIONS = "attributions"


@dataclass(frozen=True, slots=True)
class AttributionRules:
    """Windows, match level and new-to-brand horizon of one attribution run."""

    click_window_days: int = 14
    view_window_days: int = 1
    match_level: str = "brand"
    view_requires_viewable: bool = True
    new_to_brand_days: int = 365

    @classmethod
    def from_settings(cls, settings: MeasurementSettings) -> AttributionRules:
        """The network's rules."""
        return cls(
            settings.click_window_days,
            settings.view_window_days,
            settings.match_level,
            settings.view_requires_viewable,
            settings.new_to_brand_days,
        )

    def __post_init__(self) -> None:
        if not (1 <= self.click_window_days <= 30 and 1 <= self.view_window_days <= 30):
            raise ValueError("attribution windows are 1 to 30 days")
        if self.match_level not in _MATCH_RANKS:
            raise ValueError("match level is sku, brand or category")


_MATCH_RANKS = {"sku": 0, "brand": 1, "category": 2}


@dataclass(frozen=True, slots=True)
class RuleBook:
    """The network's rules and their overrides per campaign type (new-to-brand: network's)."""

    network: AttributionRules = field(default_factory=AttributionRules)
    by_type: Mapping[CampaignType, AttributionRules] = field(default_factory=dict)

    def for_type(self, kind: CampaignType) -> AttributionRules:
        """The rules touches of one campaign type are credited by."""
        return self.by_type.get(kind, self.network)

    @property
    def uniform(self) -> bool:
        """Whether every campaign type has the network's rules (the plain SQL then)."""
        return all(self.for_type(kind) == self.network for kind in CampaignType)


def connect(store: AnalyticsStore, tables: tuple[str, ...]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per store table (empty when no files)."""
    con = duckdb.connect()
    for table in tables:
        _bind(con, store, table)
    return con


def _bind(con: duckdb.DuckDBPyConnection, store: AnalyticsStore, table: str) -> None:
    if table == "products":
        files = [store.root / "products.parquet"]
        files = [f for f in files if f.exists()]
    else:
        files = store.files(table)
    if files:
        listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{listing}])")
    else:
        schema = SCHEMAS.get(table) or _ATTRIBUTION_SCHEMA
        con.register(f"{table}_empty", pa.Table.from_pylist([], schema=schema))
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM {table}_empty")


_ATTRIBUTION_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("line_no", pa.int32()),
        ("order_id", pa.string()),
        ("at_ms", pa.int64()),
        ("day", pa.date32()),
        ("user_id", pa.string()),
        ("sku", pa.string()),
        ("quantity", pa.int64()),
        ("sales_tiyn", pa.int64()),
        ("touch", pa.string()),
        ("touch_id", pa.string()),
        ("touch_at_ms", pa.int64()),
        ("campaign_id", pa.int64()),
        ("ad_group_id", pa.int64()),
        ("account_id", pa.int64()),
        ("product_id", pa.int64()),
        ("match_level", pa.string()),
        ("new_to_brand", pa.bool_()),
    ]
)


def attribution_sql(rules: AttributionRules | RuleBook, start_ms: int, end_ms: int) -> str:
    """The portable SQL crediting each purchase line in [start_ms, end_ms) to one touch."""
    if isinstance(rules, RuleBook):
        if not rules.uniform:
            return _typed_sql(rules, start_ms, end_ms)
        rules = rules.network
    click_ms = rules.click_window_days * DAY_MS
    view_ms = rules.view_window_days * DAY_MS
    ntb_ms = rules.new_to_brand_days * DAY_MS
    match = ["ap.sku = l.sku"]
    if rules.match_level in ("brand", "category"):
        match.append("ap.brand_id = l.brand_id")
    if rules.match_level == "category":
        match.append("ap.category_id = l.category_id")
    viewable = "AND i.viewable" if rules.view_requires_viewable else ""
    return f"""
WITH lines AS (
  SELECT l.event_id, l.line_no, l.order_id, l.at_ms, l.day, l.user_id, l.sku, l.quantity,
         l.quantity * l.unit_price_tiyn AS sales_tiyn, p.brand_id, p.category_id
  FROM purchase_lines l LEFT JOIN products p ON p.sku = l.sku
  WHERE l.ivt IS NULL AND l.user_id IS NOT NULL
    AND l.at_ms >= {start_ms} AND l.at_ms < {end_ms}
),
touches AS (
  SELECT 0 AS touch_rank, 'click' AS touch, c.event_id AS touch_id, c.at_ms, c.user_id,
         c.campaign_id, c.ad_group_id, c.account_id, c.product_id
  FROM clicks c
  WHERE c.ivt IS NULL AND c.user_id IS NOT NULL AND c.product_id IS NOT NULL
    AND c.at_ms >= {start_ms - click_ms} AND c.at_ms < {end_ms}
  UNION ALL
  SELECT 1, 'view', i.event_id, i.at_ms, i.user_id,
         i.campaign_id, i.ad_group_id, i.account_id, i.product_id
  FROM impressions i
  WHERE i.ivt IS NULL AND i.user_id IS NOT NULL AND i.product_id IS NOT NULL {viewable}
    AND i.at_ms >= {start_ms - view_ms} AND i.at_ms < {end_ms}
),
candidates AS (
  SELECT l.*, t.touch, t.touch_rank, t.touch_id, t.at_ms AS touch_at_ms, t.campaign_id,
         t.ad_group_id, t.account_id, t.product_id,
         CASE WHEN ap.sku = l.sku THEN 0 WHEN ap.brand_id = l.brand_id THEN 1 ELSE 2 END
           AS match_rank
  FROM lines l
  JOIN touches t ON t.user_id = l.user_id AND t.at_ms <= l.at_ms
   AND l.at_ms - t.at_ms <= CASE WHEN t.touch_rank = 0 THEN {click_ms} ELSE {view_ms} END
  JOIN products ap ON ap.product_id = t.product_id
  WHERE {" OR ".join(match)}
),
{_ranked_sql(ntb_ms)}"""


def _ranked_sql(ntb_ms: int) -> str:
    """The common end: one credit per line (the ranking), with its new-to-brand flag."""
    return f"""ranked AS (
  SELECT c.*, ROW_NUMBER() OVER (
      PARTITION BY c.event_id, c.line_no
      ORDER BY c.touch_rank, c.touch_at_ms DESC, c.match_rank, c.touch_id) AS rn
  FROM candidates c
)
SELECT r.event_id, r.line_no, r.order_id, r.at_ms, r.day, r.user_id, r.sku, r.quantity,
       r.sales_tiyn, r.touch, r.touch_id, r.touch_at_ms, r.campaign_id, r.ad_group_id,
       r.account_id, r.product_id,
       CASE r.match_rank WHEN 0 THEN 'sku' WHEN 1 THEN 'brand' ELSE 'category' END
         AS match_level,
       CASE WHEN r.brand_id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM purchase_lines h JOIN products hp ON hp.sku = h.sku
         WHERE h.user_id = r.user_id AND hp.brand_id = r.brand_id AND h.ivt IS NULL
           AND h.at_ms < r.at_ms AND h.at_ms >= r.at_ms - {ntb_ms}
       ) THEN TRUE ELSE FALSE END AS new_to_brand
FROM ranked r
WHERE r.rn = 1
ORDER BY r.event_id, r.line_no
"""


def _typed_sql(book: RuleBook, start_ms: int, end_ms: int) -> str:
    """The attribution SQL when campaign types differ: each touch joins its type's rules."""
    kinds = list(CampaignType)
    values = ", ".join(
        f"('{kind.value}', {r.click_window_days * DAY_MS}, {r.view_window_days * DAY_MS}, "
        f"{_MATCH_RANKS[r.match_level]}, {'TRUE' if r.view_requires_viewable else 'FALSE'})"
        for kind in kinds
        for r in (book.for_type(kind),)
    )
    click_ms = max(book.for_type(k).click_window_days for k in kinds) * DAY_MS
    view_ms = max(book.for_type(k).view_window_days for k in kinds) * DAY_MS
    ntb_ms = book.network.new_to_brand_days * DAY_MS
    kind_of = (
        "COALESCE(k.kind, CASE WHEN {t}.creative_id IS NULL THEN 'sponsored_listing' "
        "ELSE 'banner' END)"
    )
    return f"""
WITH rules (ctype, click_ms, view_ms, max_match, need_viewable) AS (VALUES {values}),
lines AS (
  SELECT l.event_id, l.line_no, l.order_id, l.at_ms, l.day, l.user_id, l.sku, l.quantity,
         l.quantity * l.unit_price_tiyn AS sales_tiyn, p.brand_id, p.category_id
  FROM purchase_lines l LEFT JOIN products p ON p.sku = l.sku
  WHERE l.ivt IS NULL AND l.user_id IS NOT NULL
    AND l.at_ms >= {start_ms} AND l.at_ms < {end_ms}
),
raw_touches AS (
  SELECT 0 AS touch_rank, 'click' AS touch, c.event_id AS touch_id, c.at_ms, c.user_id,
         c.campaign_id, c.ad_group_id, c.account_id, c.product_id, TRUE AS viewable,
         {kind_of.format(t="c")} AS ctype
  FROM clicks c LEFT JOIN ad_group_kinds k ON k.ad_group_id = c.ad_group_id
  WHERE c.ivt IS NULL AND c.user_id IS NOT NULL AND c.product_id IS NOT NULL
    AND c.at_ms >= {start_ms - click_ms} AND c.at_ms < {end_ms}
  UNION ALL
  SELECT 1, 'view', i.event_id, i.at_ms, i.user_id,
         i.campaign_id, i.ad_group_id, i.account_id, i.product_id, i.viewable,
         {kind_of.format(t="i")}
  FROM impressions i LEFT JOIN ad_group_kinds k ON k.ad_group_id = i.ad_group_id
  WHERE i.ivt IS NULL AND i.user_id IS NOT NULL AND i.product_id IS NOT NULL
    AND i.at_ms >= {start_ms - view_ms} AND i.at_ms < {end_ms}
),
touches AS (
  SELECT t.*, r.click_ms, r.view_ms, r.max_match
  FROM raw_touches t JOIN rules r ON r.ctype = t.ctype
  WHERE t.touch_rank = 0 OR t.viewable OR NOT r.need_viewable
),
candidates AS (
  SELECT l.*, t.touch, t.touch_rank, t.touch_id, t.at_ms AS touch_at_ms, t.campaign_id,
         t.ad_group_id, t.account_id, t.product_id,
         CASE WHEN ap.sku = l.sku THEN 0 WHEN ap.brand_id = l.brand_id THEN 1 ELSE 2 END
           AS match_rank
  FROM lines l
  JOIN touches t ON t.user_id = l.user_id AND t.at_ms <= l.at_ms
   AND l.at_ms - t.at_ms <= CASE WHEN t.touch_rank = 0 THEN t.click_ms ELSE t.view_ms END
  JOIN products ap ON ap.product_id = t.product_id
  WHERE ap.sku = l.sku OR (t.max_match >= 1 AND ap.brand_id = l.brand_id)
     OR (t.max_match >= 2 AND ap.category_id = l.category_id)
),
{_ranked_sql(ntb_ms)}"""


def _ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() * 1000)


_KINDS_SCHEMA = pa.schema([("ad_group_id", pa.int64()), ("kind", pa.string())])


def attribute(
    store: AnalyticsStore,
    rules: AttributionRules | RuleBook,
    start: dt.date,
    end: dt.date,
    ad_group_kinds: Mapping[int, CampaignType] | None = None,
) -> pa.Table:
    """Recompute the credits of purchases on days start..end (inclusive), replacing them.

    `ad_group_kinds` tells each ad group's campaign type, for rules that differ by type.
    """
    con = connect(store, ("purchase_lines", "clicks", "impressions", "products"))
    kinds = [{"ad_group_id": g, "kind": k.value} for g, k in (ad_group_kinds or {}).items()]
    con.register("ad_group_kinds", pa.Table.from_pylist(kinds, schema=_KINDS_SCHEMA))
    try:
        sql = attribution_sql(rules, _ms(start), _ms(end + dt.timedelta(days=1)))
        table = con.sql(sql).to_arrow_table().cast(_ATTRIBUTION_SCHEMA)
    finally:
        con.close()
    day = start
    while day <= end:
        shutil.rmtree(store.day_dir(ATTRIBUTIONS, day), ignore_errors=True)
        day += dt.timedelta(days=1)
    days = table.column("day").to_pylist()
    for value in sorted(set(days)):
        mask = pa.array([d == value for d in days])
        store.write(ATTRIBUTIONS, value, "part-0.parquet", table.filter(mask))
    return table


@dataclass(frozen=True, slots=True)
class CampaignMetrics:
    """One campaign's delivery and closed-loop results over a date range (money in tiyn)."""

    campaign_id: int
    account_id: int
    impressions: int
    viewable_impressions: int
    clicks: int
    spend_tiyn: Decimal
    sales_sku_tiyn: int
    sales_halo_tiyn: int
    units: int
    orders: int
    new_to_brand_sales_tiyn: int

    @property
    def sales_tiyn(self) -> int:
        """Attributed sales, same SKU and halo."""
        return self.sales_sku_tiyn + self.sales_halo_tiyn

    @property
    def ctr(self) -> Decimal | None:
        """Clicks per impression."""
        return _ratio(Decimal(self.clicks), Decimal(self.impressions))

    @property
    def roas(self) -> Decimal | None:
        """Attributed sales per tenge spent."""
        return _ratio(Decimal(self.sales_tiyn), self.spend_tiyn)

    @property
    def acos(self) -> Decimal | None:
        """Spend per tenge of attributed sales."""
        return _ratio(self.spend_tiyn, Decimal(self.sales_tiyn))

    @property
    def cpc_tiyn(self) -> Decimal | None:
        """Spend per click."""
        return _ratio(self.spend_tiyn, Decimal(self.clicks))

    @property
    def cpm_tiyn(self) -> Decimal | None:
        """Spend per thousand impressions."""
        return _ratio(self.spend_tiyn * 1000, Decimal(self.impressions))


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    return None if den == 0 else (num / den).quantize(Decimal("0.0001"))


def metrics_sql(start: dt.date, end: dt.date, account_ids: frozenset[int] | None) -> str:
    """Portable SQL of per-campaign metrics for days start..end (inclusive)."""
    days = f"day BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}'"
    scope = ""
    if account_ids is not None:
        scope = f"AND account_id IN ({', '.join(str(int(a)) for a in account_ids) or 'NULL'})"
    return f"""
WITH imp AS (
  SELECT campaign_id, account_id, COUNT(*) AS impressions,
         SUM(CASE WHEN viewable THEN 1 ELSE 0 END) AS viewable
  FROM impressions WHERE ivt IS NULL AND {days} {scope} GROUP BY campaign_id, account_id
),
clk AS (
  SELECT campaign_id, account_id, COUNT(*) AS clicks
  FROM clicks WHERE ivt IS NULL AND campaign_id IS NOT NULL AND {days} {scope}
  GROUP BY campaign_id, account_id
),
billed AS (
  SELECT bid_id, campaign_id, account_id, MAX(cost_mtiyn) AS cost_mtiyn FROM (
    SELECT bid_id, campaign_id, account_id, cost_mtiyn, day FROM impressions WHERE ivt IS NULL
    UNION ALL
    SELECT bid_id, campaign_id, account_id, cost_mtiyn, day FROM clicks
    WHERE ivt IS NULL AND campaign_id IS NOT NULL
  ) e WHERE {days} {scope} GROUP BY bid_id, campaign_id, account_id
),
spend AS (
  SELECT campaign_id, account_id, SUM(cost_mtiyn) AS spend_mtiyn
  FROM billed GROUP BY campaign_id, account_id
),
att AS (
  SELECT campaign_id, account_id,
         SUM(CASE WHEN match_level = 'sku' THEN sales_tiyn ELSE 0 END) AS sales_sku,
         SUM(CASE WHEN match_level <> 'sku' THEN sales_tiyn ELSE 0 END) AS sales_halo,
         SUM(quantity) AS units, COUNT(DISTINCT order_id) AS orders,
         SUM(CASE WHEN new_to_brand THEN sales_tiyn ELSE 0 END) AS ntb_sales
  FROM attributions WHERE {days} {scope} GROUP BY campaign_id, account_id
),
keys AS (
  SELECT campaign_id, account_id FROM imp UNION SELECT campaign_id, account_id FROM clk
  UNION SELECT campaign_id, account_id FROM att
)
SELECT k.campaign_id, k.account_id, COALESCE(imp.impressions, 0), COALESCE(imp.viewable, 0),
       COALESCE(clk.clicks, 0), COALESCE(spend.spend_mtiyn, 0), COALESCE(att.sales_sku, 0),
       COALESCE(att.sales_halo, 0), COALESCE(att.units, 0), COALESCE(att.orders, 0),
       COALESCE(att.ntb_sales, 0)
FROM keys k
LEFT JOIN imp ON imp.campaign_id = k.campaign_id AND imp.account_id = k.account_id
LEFT JOIN clk ON clk.campaign_id = k.campaign_id AND clk.account_id = k.account_id
LEFT JOIN spend ON spend.campaign_id = k.campaign_id AND spend.account_id = k.account_id
LEFT JOIN att ON att.campaign_id = k.campaign_id AND att.account_id = k.account_id
ORDER BY k.campaign_id
"""


def campaign_metrics(
    store: AnalyticsStore,
    start: dt.date,
    end: dt.date,
    account_ids: frozenset[int] | None = None,
) -> list[CampaignMetrics]:
    """Per-campaign metrics for days start..end; only `account_ids`' campaigns when given."""
    con = connect(store, ("impressions", "clicks", ATTRIBUTIONS))
    try:
        rows = con.execute(metrics_sql(start, end, account_ids)).fetchall()
    finally:
        con.close()
    return [
        CampaignMetrics(
            campaign_id=int(r[0]),
            account_id=int(r[1]),
            impressions=int(r[2]),
            viewable_impressions=int(r[3]),
            clicks=int(r[4]),
            spend_tiyn=Decimal(int(r[5])) / 1000,
            sales_sku_tiyn=int(r[6]),
            sales_halo_tiyn=int(r[7]),
            units=int(r[8]),
            orders=int(r[9]),
            new_to_brand_sales_tiyn=int(r[10]),
        )
        for r in rows
    ]

"""A campaign's lift from its ghost-ads holdout, read from the analytics store.

Who (Johnson, Lewis & Nubbemeyer 2017): both groups are defined by the same decision-time
event — "this decision placed, or would have placed, the campaign's ad for this user". Treated
users have a `served` record (logged by the decision for every ad of a campaign with a
holdout), held-out users a ghost. Random assignment by hash makes the two groups comparable, so
the difference of their means is the effect of being served on that population, whether or not
the page then rendered the ad. Grouping treated users by rendered impressions instead
(`exposure="rendered"`, a secondary view) compares a selected group — users whose pages
rendered, e.g. the app's heavy buyers — with every ghosted user, and is biased when rendering
goes with buying. A user in both groups (the share changed mid-period) is left out.

What: each user's sales of the target SKUs (the promoted SKUs, or every SKU of their brands)
from the user's first served (or ghost) record to the end of the period. Optionally CUPED
uses the same SKUs' sales in the `pre_days` before the period as the covariate.

The SQL is portable (CTEs, NOT EXISTS, CASE); the target SKUs are a registered table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.campaigns.models import AdGroup, AdGroupProduct
from jarnama.catalog.models import Brand, Product
from jarnama.core.errors import InvalidInput
from jarnama.measurement.attribution import DAY_MS, connect
from jarnama.measurement.incrementality import Lift, cuped, estimate_lift
from jarnama.measurement.rules import campaign_for, holdout_share
from jarnama.measurement.settings import MeasurementSettings
from jarnama.measurement.store import AnalyticsStore
from jarnama.tenancy.principal import Principal

Target = Literal["sku", "brand"]
Exposure = Literal["served", "rendered"]
# The table whose users form the treated group: decision-time records, or rendered impressions.
TREATED_TABLE: dict[Exposure, str] = {"served": "served", "rendered": "impressions"}
MAX_DAYS = 366
_SKUS = pa.schema([("sku", pa.string())])


@dataclass(frozen=True, slots=True)
class UserOutcome:
    """One user of the experiment: treated or not, sales after exposure and before the period."""

    user_id: str
    treated: bool
    sales_tiyn: int
    pre_sales_tiyn: int


@dataclass(frozen=True, slots=True)
class LiftReport:
    """A campaign's incrementality over a period (money in tiyn)."""

    campaign_id: int
    start: dt.date
    end: dt.date
    holdout_share: Decimal
    target: Target
    exposure: Exposure
    target_skus: int
    exposed_users: int
    control_users: int
    spend_tiyn: Decimal
    lift: Lift | None  # None when either group has fewer than two users
    cuped: bool
    theta: Decimal | None
    variance_reduction: Decimal | None  # 1 - var(adjusted) / var(raw)


def _ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() * 1000)


def outcomes_sql(
    campaign_id: int, start_ms: int, end_ms: int, pre_start_ms: int, treated: str = "served"
) -> str:
    """Portable SQL of every treated and ghosted user's sales after exposure and before."""
    cid = int(campaign_id)
    if treated not in TREATED_TABLE.values():
        raise ValueError(f"no treated group from table {treated!r}")
    exposed = f"""SELECT user_id, MIN(at_ms) AS first_ms FROM {{table}}
  WHERE ivt IS NULL AND campaign_id = {cid} AND user_id IS NOT NULL
    AND at_ms >= {start_ms} AND at_ms < {end_ms}
  GROUP BY user_id"""
    return f"""
WITH exposed AS ({exposed.format(table=treated)}),
ghosted AS ({exposed.format(table="ghosts")}),
users AS (
  SELECT e.user_id, e.first_ms, 1 AS treated FROM exposed e
  WHERE NOT EXISTS (SELECT 1 FROM ghosted g WHERE g.user_id = e.user_id)
  UNION ALL
  SELECT g.user_id, g.first_ms, 0 FROM ghosted g
  WHERE NOT EXISTS (SELECT 1 FROM exposed e WHERE e.user_id = g.user_id)
),
sales AS (
  SELECT l.user_id, l.at_ms, l.quantity * l.unit_price_tiyn AS tiyn
  FROM purchase_lines l JOIN target_skus s ON s.sku = l.sku
  WHERE l.ivt IS NULL AND l.user_id IS NOT NULL
    AND l.at_ms >= {pre_start_ms} AND l.at_ms < {end_ms}
)
SELECT u.user_id, u.treated,
       COALESCE(SUM(CASE WHEN s.at_ms >= u.first_ms THEN s.tiyn ELSE 0 END), 0) AS sales,
       COALESCE(SUM(CASE WHEN s.at_ms < {start_ms} THEN s.tiyn ELSE 0 END), 0) AS pre_sales
FROM users u LEFT JOIN sales s ON s.user_id = u.user_id
GROUP BY u.user_id, u.treated
ORDER BY u.user_id
"""


def spend_sql(campaign_id: int, start_ms: int, end_ms: int) -> str:
    """Portable SQL of a campaign's spend in milli-tiyn (each resolved bid billed once)."""
    cid = int(campaign_id)
    where = f"ivt IS NULL AND campaign_id = {cid} AND at_ms >= {start_ms} AND at_ms < {end_ms}"
    return f"""
SELECT COALESCE(SUM(cost_mtiyn), 0) FROM (
  SELECT bid_id, MAX(cost_mtiyn) AS cost_mtiyn FROM (
    SELECT bid_id, cost_mtiyn FROM impressions WHERE {where}
    UNION ALL SELECT bid_id, cost_mtiyn FROM clicks WHERE {where}
  ) e GROUP BY bid_id
) b
"""


def read_outcomes(
    store: AnalyticsStore,
    campaign_id: int,
    skus: frozenset[str],
    start: dt.date,
    end: dt.date,
    pre_days: int,
    exposure: Exposure = "served",
) -> tuple[list[UserOutcome], int]:
    """Every user of the campaign's experiment in start..end, and its spend in milli-tiyn."""
    start_ms, end_ms = _ms(start), _ms(end + dt.timedelta(days=1))
    con = connect(store, ("impressions", "clicks", "ghosts", "served", "purchase_lines"))
    try:
        targets = pa.Table.from_pylist([{"sku": s} for s in sorted(skus)], schema=_SKUS)
        con.register("target_skus", targets)
        pre_ms = start_ms - pre_days * DAY_MS
        sql = outcomes_sql(campaign_id, start_ms, end_ms, pre_ms, TREATED_TABLE[exposure])
        rows = con.execute(sql).fetchall()
        spent = con.execute(spend_sql(campaign_id, start_ms, end_ms)).fetchone()
    finally:
        con.close()
    users = [UserOutcome(str(r[0]), bool(r[1]), int(r[2]), int(r[3])) for r in rows]
    return users, int(spent[0]) if spent else 0


def estimate(
    users: list[UserOutcome], spend_mtiyn: int, *, use_cuped: bool
) -> tuple[Lift | None, Decimal | None, Decimal | None]:
    """The lift (None below two users a group), CUPED's theta and its variance reduction."""
    treated = [u.treated for u in users]
    if sum(treated) < 2 or len(users) - sum(treated) < 2:
        return None, None, None
    outcomes = [Decimal(u.sales_tiyn) for u in users]
    theta = reduction = None
    if use_cuped:
        adjusted, theta = cuped(outcomes, [Decimal(u.pre_sales_tiyn) for u in users])
        raw_var, adj_var = _variance(outcomes), _variance(adjusted)
        reduction = Decimal(0) if raw_var == 0 else 1 - adj_var / raw_var
        outcomes = adjusted
    exposed = [y for y, t in zip(outcomes, treated, strict=True) if t]
    control = [y for y, t in zip(outcomes, treated, strict=True) if not t]
    return estimate_lift(exposed, control, Decimal(spend_mtiyn) / 1000), theta, reduction


def _variance(values: list[Decimal]) -> Decimal:
    mean = sum(values, start=Decimal(0)) / len(values)
    return sum(((v - mean) ** 2 for v in values), start=Decimal(0)) / (len(values) - 1)


def target_skus(session: Session, campaign_id: int, account_id: int, target: Target) -> set[str]:
    """The SKUs whose sales measure the campaign: promoted ones, or all of their brands'.

    A campaign promoting no products (banners, screens) is measured on its advertiser's brands.
    """
    promoted = select(Product.sku, Product.brand_id).join(
        AdGroupProduct, AdGroupProduct.product_id == Product.id
    )
    promoted = promoted.join(AdGroup, AdGroup.id == AdGroupProduct.ad_group_id).where(
        AdGroup.campaign_id == campaign_id
    )
    rows = session.execute(promoted).all()
    if target == "sku":
        if not rows:
            raise InvalidInput(
                "the campaign promotes no products; use target=brand", field="target"
            )
        return {sku for sku, _ in rows}
    brands = {brand for _, brand in rows if brand is not None}
    if not rows:
        owned = select(Brand.id).where(Brand.owner_account_id == account_id)
        brands = set(session.scalars(owned))
    if not brands:
        return {sku for sku, _ in rows}
    return set(session.scalars(select(Product.sku).where(Product.brand_id.in_(brands))))


def campaign_lift(
    session: Session,
    principal: Principal,
    store: AnalyticsStore,
    defaults: MeasurementSettings,
    campaign_id: int,
    start: dt.date,
    end: dt.date,
    *,
    target: Target = "brand",
    use_cuped: bool = False,
    pre_days: int = 28,
    exposure: Exposure = "served",
) -> LiftReport:
    """The campaign's lift over start..end (404 when the caller may not see the campaign)."""
    principal.ensure_can_read()
    campaign = campaign_for(session, principal, campaign_id)
    if end < start:
        raise InvalidInput("until is before since", field="until")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(f"at most {MAX_DAYS} days", field="until")
    skus = frozenset(target_skus(session, campaign.id, campaign.account_id, target))
    users, spend_mtiyn = read_outcomes(store, campaign.id, skus, start, end, pre_days, exposure)
    lift, theta, reduction = estimate(users, spend_mtiyn, use_cuped=use_cuped)
    treated = sum(u.treated for u in users)
    return LiftReport(
        campaign_id=campaign.id,
        start=start,
        end=end,
        holdout_share=holdout_share(session, campaign.id, defaults),
        target=target,
        exposure=exposure,
        target_skus=len(skus),
        exposed_users=treated,
        control_users=len(users) - treated,
        spend_tiyn=Decimal(spend_mtiyn) / 1000,
        lift=lift,
        cuped=use_cuped,
        theta=theta,
        variance_reduction=reduction,
    )

"""The demo's simulated shoppers give a supplier a report with attributed sales of its own."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.campaigns.models import Campaign
from jarnama.config import Settings
from jarnama.core.time import utcnow
from jarnama.demo.seed import seed_demo
from jarnama.demo.shoppers import simulate_shoppers
from jarnama.measurement.pipeline import refresh, store_lock
from jarnama.measurement.reports import Dimension, run_report
from jarnama.measurement.store import AnalyticsStore


def test_a_supplier_report_has_attributed_sales_from_the_demo_shoppers(
    session: Session, settings: Settings
) -> None:
    seeded = seed_demo(session, settings, products=1_500)
    activity = simulate_shoppers(session, settings, utcnow(), seed=2026, shoppers=150)
    assert activity.impressions > activity.clicks > 0
    assert activity.purchases > 0
    store = AnalyticsStore(settings.measurement.store_dir)
    with store_lock(store):
        done = refresh(session, settings, store, activity.start, activity.end)
    assert done.products == seeded.products
    assert done.credited > 0

    mine = frozenset({seeded.advertiser_account_id})
    rows = run_report(store, Dimension.CAMPAIGN, activity.start, activity.end, mine).to_pylist()
    own = set(
        session.scalars(
            select(Campaign.id).where(Campaign.account_id == seeded.advertiser_account_id)
        )
    )
    assert rows
    assert {row["campaign"] for row in rows} <= own
    assert sum(row["sales_tiyn"] for row in rows) > 0
    assert sum(row["clicks"] for row in rows) > 0
    assert sum((row["spend_tiyn"] for row in rows), Decimal(0)) > 0
    # The whole network has more campaigns than Food Master's: the scope did narrow it.
    everyone = run_report(store, Dimension.CAMPAIGN, activity.start, activity.end).to_pylist()
    assert {row["campaign"] for row in everyone} - own

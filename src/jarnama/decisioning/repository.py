"""SQL of the decisioning domain: whole-table reads for the snapshot compiler, and the ledger.

The compiler's reads are one Core `SELECT` of plain columns per table (no ORM objects: the
demo catalog has 20,000 products) and run only when the snapshot is rebuilt, never per
decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Row, case, delete, func, select
from sqlalchemy.orm import Session

from jarnama.campaigns.models import Campaign
from jarnama.catalog.models import (
    Brand,
    Category,
    CategoryMinBid,
    Placement,
    Product,
    ProductStock,
    Store,
)
from jarnama.decisioning.models import PendingSpend, SpendEntry
from jarnama.decisioning.state import CampaignSpend, LedgerSpend


def categories(session: Session) -> list[Row[Any]]:
    """Every category: id, parent id and names."""
    return list(
        session.execute(
            select(
                Category.id,
                Category.parent_id,
                Category.name_kk,
                Category.name_ru,
                Category.name_en,
            )
        )
    )


def brand_names(session: Session) -> dict[int, str]:
    """Brand id → name."""
    return {row.id: row.name for row in session.execute(select(Brand.id, Brand.name))}


def products(session: Session) -> Iterator[Row[Any]]:
    """Every product with what the auction reads (streamed in id order)."""
    return iter(
        session.execute(
            select(
                Product.id,
                Product.sku,
                Product.brand_id,
                Product.category_id,
                Product.name_kk,
                Product.name_ru,
                Product.name_en,
                Product.price_tiyn,
                Product.stock_total,
                Product.active,
            )
            .order_by(Product.id)
            .execution_options(yield_per=5000)
        )
    )


def stocked_stores(session: Session) -> dict[int, list[int]]:
    """Product id → stores of active stores holding it (quantity > 0)."""
    found: dict[int, list[int]] = {}
    rows = session.execute(
        select(ProductStock.product_id, ProductStock.store_id)
        .join(Store, Store.id == ProductStock.store_id)
        .where(ProductStock.quantity > 0, Store.active.is_(True))
    )
    for product_id, store_id in rows:
        found.setdefault(product_id, []).append(store_id)
    return found


def stores(session: Session) -> list[Row[Any]]:
    """Every store: id, code, city and whether it is active."""
    return list(session.execute(select(Store.id, Store.code, Store.city, Store.active)))


def placements(session: Session) -> list[Row[Any]]:
    """Every placement."""
    return list(
        session.execute(
            select(
                Placement.id,
                Placement.code,
                Placement.kind,
                Placement.channel,
                Placement.slots,
                Placement.width,
                Placement.height,
                Placement.min_bid_tiyn,
                Placement.active,
            )
        )
    )


def category_min_bids(session: Session) -> list[Row[Any]]:
    """Every per-category minimum bid: placement id, category id, tiyn."""
    return list(
        session.execute(
            select(
                CategoryMinBid.placement_id, CategoryMinBid.category_id, CategoryMinBid.min_bid_tiyn
            )
        )
    )


def catalog_fingerprint(session: Session) -> tuple[Any, ...]:
    """A cheap value that changes when products, placements or minimum bids change."""
    product_part = session.execute(select(func.count(), func.max(Product.updated_at))).one()
    placement_part = session.execute(
        select(
            func.count(),
            func.sum(Placement.min_bid_tiyn),
            func.sum(Placement.slots),
            func.sum(case((Placement.active.is_(True), 1), else_=0)),
        )
    ).one()
    min_bid_part = session.execute(
        select(func.count(), func.sum(CategoryMinBid.min_bid_tiyn))
    ).one()
    return (*product_part, *placement_part, *min_bid_part)


# --- spend ledger --------------------------------------------------------------------------


def campaign_budgets(session: Session, campaign_id: int) -> tuple[int | None, int | None] | None:
    """A campaign's (daily, total) budgets in tiyn, or None if it does not exist."""
    row = session.execute(
        select(Campaign.daily_budget_tiyn, Campaign.total_budget_tiyn).where(
            Campaign.id == campaign_id
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def ledger_has(session: Session, bid_id: str) -> bool:
    """Whether a bid has been billed already."""
    return session.scalar(select(SpendEntry.id).where(SpendEntry.bid_id == bid_id)) is not None


def add_spend(session: Session, entry: SpendEntry) -> None:
    """Insert one ledger row (the unique `bid_id` refuses a second one)."""
    session.add(entry)
    session.flush()


def spend_totals(session: Session, day: dt.date) -> list[tuple[int, int, int]]:
    """Per campaign: (campaign id, milli-tiyn spent on `day`, milli-tiyn spent in total)."""
    today = func.sum(case((SpendEntry.business_day == day, SpendEntry.amount_mtiyn), else_=0))
    rows = session.execute(
        select(SpendEntry.campaign_id, today, func.sum(SpendEntry.amount_mtiyn)).group_by(
            SpendEntry.campaign_id
        )
    )
    return [(int(c), int(d or 0), int(t or 0)) for c, d, t in rows]


def spend_entries(session: Session, campaign_id: int) -> list[SpendEntry]:
    """A campaign's ledger rows, oldest first."""
    return list(
        session.scalars(
            select(SpendEntry).where(SpendEntry.campaign_id == campaign_id).order_by(SpendEntry.id)
        )
    )


def ledger_spend(session: Session, day: dt.date) -> LedgerSpend:
    """Every campaign's ledger spend (on `day`, in total) with its budgets, and the bid ids of
    ledger rows still waiting to reach the shared state (to restore a flushed Redis)."""
    today = func.sum(case((SpendEntry.business_day == day, SpendEntry.amount_mtiyn), else_=0))
    rows = session.execute(
        select(
            SpendEntry.campaign_id,
            today,
            func.sum(SpendEntry.amount_mtiyn),
            Campaign.daily_budget_tiyn,
            Campaign.total_budget_tiyn,
        )
        .join(Campaign, Campaign.id == SpendEntry.campaign_id)
        .group_by(SpendEntry.campaign_id, Campaign.daily_budget_tiyn, Campaign.total_budget_tiyn)
    )
    campaigns = [
        CampaignSpend(int(c), int(d or 0), int(t or 0), daily_budget, total_budget)
        for c, d, t, daily_budget, total_budget in rows
    ]
    pending = session.scalars(
        select(SpendEntry.bid_id).join(PendingSpend, PendingSpend.entry_id == SpendEntry.id)
    )
    return LedgerSpend(campaigns, list(pending))


def campaign_spend(session: Session, campaign_id: int, day: dt.date) -> tuple[int, int]:
    """One campaign's ledger spend in milli-tiyn: (on `day`, in total)."""
    today = func.sum(case((SpendEntry.business_day == day, SpendEntry.amount_mtiyn), else_=0))
    row = session.execute(
        select(today, func.sum(SpendEntry.amount_mtiyn)).where(
            SpendEntry.campaign_id == campaign_id
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def add_pending(session: Session, entry: SpendEntry) -> None:
    """Mark a ledger row as not yet in the shared state store."""
    session.add(PendingSpend(entry_id=entry.id))
    session.flush()


def pending_spend(session: Session, limit: int) -> list[SpendEntry]:
    """Ledger rows waiting to reach the shared state, oldest first (at most `limit`)."""
    return list(
        session.scalars(
            select(SpendEntry)
            .join(PendingSpend, PendingSpend.entry_id == SpendEntry.id)
            .order_by(SpendEntry.id)
            .limit(limit)
        )
    )


def clear_pending(session: Session, entry_ids: list[int]) -> None:
    """Forget that these ledger rows wait for the shared state (they reached it)."""
    if entry_ids:
        session.execute(delete(PendingSpend).where(PendingSpend.entry_id.in_(entry_ids)))

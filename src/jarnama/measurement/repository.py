"""All SQL of measurement against the operational database: report jobs and the product list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from jarnama.campaigns.models import AdGroup, Campaign
from jarnama.catalog.models import Brand, Category, Product
from jarnama.measurement.models import ReportJob, ReportStatus


def report_job(session: Session, job_id: int) -> ReportJob | None:
    """One report job by id (None when there is none)."""
    return session.get(ReportJob, job_id)


def claimable_job(session: Session, now: dt.datetime) -> ReportJob | None:
    """The oldest job that is queued or whose worker's lease ran out, locked for this worker.

    `FOR UPDATE SKIP LOCKED` on PostgreSQL: several server processes never take the same job.
    """
    query = (
        select(ReportJob)
        .where(
            or_(
                ReportJob.status == ReportStatus.QUEUED,
                and_(ReportJob.status == ReportStatus.RUNNING, ReportJob.lease_until < now),
            )
        )
        .order_by(ReportJob.created_at, ReportJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).first()


def campaign_accounts(session: Session, campaign_ids: frozenset[int]) -> dict[int, int]:
    """The owning account of each existing campaign among `campaign_ids`."""
    rows = session.execute(
        select(Campaign.id, Campaign.account_id).where(Campaign.id.in_(campaign_ids))
    )
    return {campaign_id: account_id for campaign_id, account_id in rows}


def ad_group_accounts(session: Session, ad_group_ids: frozenset[int]) -> dict[int, int]:
    """The owning account of each existing ad group among `ad_group_ids`."""
    rows = session.execute(
        select(AdGroup.id, AdGroup.account_id).where(AdGroup.id.in_(ad_group_ids))
    )
    return {ad_group_id: account_id for ad_group_id, account_id in rows}


ProductRow = tuple[int, str, int | None, int | None, str, str, str | None, str | None, int, bool]


def product_rows(session: Session, batch: int = 10_000) -> Iterator[list[ProductRow]]:
    """The catalog's products with brand and category names, `batch` rows at a time by id."""
    last = 0
    while True:
        rows = session.execute(
            select(
                Product.id,
                Product.sku,
                Product.brand_id,
                Product.category_id,
                Product.name_ru,
                Product.name_kk,
                Brand.name,
                Category.path,
                Product.price_tiyn,
                Product.active,
            )
            .outerjoin(Brand, Brand.id == Product.brand_id)
            .outerjoin(Category, Category.id == Product.category_id)
            .where(Product.id > last)
            .order_by(Product.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield [tuple(row) for row in rows]
        last = rows[-1][0]

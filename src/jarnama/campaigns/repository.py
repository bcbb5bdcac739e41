"""SQL of the campaigns domain (services call these; nothing else here touches the database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from jarnama.campaigns.models import (
    SCHEDULE_ENDS,
    AdGroup,
    AdGroupProduct,
    AdGroupStatus,
    AudienceSegment,
    AudienceSegmentMember,
    Campaign,
    CampaignStatus,
    Creative,
    CreativeStatus,
)
from jarnama.catalog.models import Brand, Category, CategoryMinBid, Placement, Product, Store
from jarnama.tenancy.models import Account

# Keeps every IN (...) list well below SQLite's 32k bound-parameter limit.
CHUNK = 900


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


# --- accounts ------------------------------------------------------------------------------


def account_by_id(session: Session, account_id: int) -> Account | None:
    """An account by id."""
    return session.get(Account, account_id)


# --- campaigns -----------------------------------------------------------------------------


def campaign_by_id(session: Session, campaign_id: int) -> Campaign | None:
    """A campaign by id (no tenant check: the service makes it)."""
    return session.get(Campaign, campaign_id)


def campaigns(
    account_ids: Collection[int] | None,
    *,
    now: dt.datetime,
    account_id: int | None = None,
    status: CampaignStatus | None = None,
) -> Select[Any]:
    """Campaigns of the given accounts (None: every account), optionally filtered.

    `status` filters by the status shown at `now` (`Campaign.status_at`): an active or paused
    campaign whose ends_at has passed is `ended`, not `active` or `paused`.
    """
    stmt = select(Campaign)
    if account_ids is not None:
        stmt = stmt.where(Campaign.account_id.in_(account_ids))
    if account_id is not None:
        stmt = stmt.where(Campaign.account_id == account_id)
    if status is None:
        return stmt
    over = and_(Campaign.ends_at.is_not(None), Campaign.ends_at <= now)
    if status is CampaignStatus.ENDED:
        return stmt.where(
            or_(
                Campaign.status == CampaignStatus.ENDED,
                and_(Campaign.status.in_(sorted(SCHEDULE_ENDS)), over),
            )
        )
    if status in SCHEDULE_ENDS:
        running = or_(Campaign.ends_at.is_(None), Campaign.ends_at > now)
        return stmt.where(Campaign.status == status).where(running)
    return stmt.where(Campaign.status == status)


# --- ad groups -----------------------------------------------------------------------------


def ad_group_by_id(session: Session, ad_group_id: int) -> AdGroup | None:
    """An ad group by id (no tenant check: the service makes it)."""
    return session.get(AdGroup, ad_group_id)


def ad_groups(
    account_ids: Collection[int] | None,
    *,
    campaign_id: int | None = None,
    status: AdGroupStatus | None = None,
) -> Select[Any]:
    """Ad groups of the given accounts (None: every account), optionally filtered."""
    stmt = select(AdGroup)
    if account_ids is not None:
        stmt = stmt.where(AdGroup.account_id.in_(account_ids))
    if campaign_id is not None:
        stmt = stmt.where(AdGroup.campaign_id == campaign_id)
    if status is not None:
        stmt = stmt.where(AdGroup.status == status)
    return stmt


def product_ids_of(session: Session, ad_group_ids: Collection[int]) -> dict[int, list[int]]:
    """The promoted product ids of each ad group, in id order."""
    result: dict[int, list[int]] = {ad_group_id: [] for ad_group_id in ad_group_ids}
    ids = sorted(ad_group_ids)
    for chunk in _chunks(ids):
        rows = session.execute(
            select(AdGroupProduct.ad_group_id, AdGroupProduct.product_id)
            .where(AdGroupProduct.ad_group_id.in_(chunk))
            .order_by(AdGroupProduct.ad_group_id, AdGroupProduct.product_id)
        )
        for ad_group_id, product_id in rows:
            result[ad_group_id].append(product_id)
    return result


def owned_product_ids_of(session: Session, ad_group_ids: Collection[int]) -> dict[int, list[int]]:
    """The promoted products of each ad group whose brand its advertiser still owns, in id order.

    A brand can change hands after an ad group was made (`PATCH /api/v1/catalog/brands/{id}`):
    the former owner must stop promoting its products at once, not at the next edit.
    """
    result: dict[int, list[int]] = {ad_group_id: [] for ad_group_id in ad_group_ids}
    for chunk in _chunks(sorted(ad_group_ids)):
        rows = session.execute(
            select(AdGroupProduct.ad_group_id, AdGroupProduct.product_id)
            .join(AdGroup, AdGroup.id == AdGroupProduct.ad_group_id)
            .join(Product, Product.id == AdGroupProduct.product_id)
            .join(Brand, Brand.id == Product.brand_id)
            .where(AdGroupProduct.ad_group_id.in_(chunk))
            .where(Brand.owner_account_id == AdGroup.account_id)
            .order_by(AdGroupProduct.ad_group_id, AdGroupProduct.product_id)
        )
        for ad_group_id, product_id in rows:
            result[ad_group_id].append(product_id)
    return result


def replace_products(session: Session, ad_group_id: int, product_ids: Sequence[int]) -> None:
    """Make `product_ids` the ad group's promoted products."""
    session.execute(delete(AdGroupProduct).where(AdGroupProduct.ad_group_id == ad_group_id))
    if product_ids:
        session.execute(
            insert(AdGroupProduct),
            [{"ad_group_id": ad_group_id, "product_id": pid} for pid in product_ids],
        )


# --- catalog look-ups used by validation ---------------------------------------------------


class ProductOwnership(NamedTuple):
    """What validation needs to know about a promoted product."""

    id: int
    sku: str
    active: bool
    category_id: int | None
    brand_owner_account_id: int | None


def product_ownership(session: Session, product_ids: Sequence[int]) -> dict[int, ProductOwnership]:
    """Activity, category and brand owner of each existing product among `product_ids`."""
    found: dict[int, ProductOwnership] = {}
    for chunk in _chunks(product_ids):
        rows = session.execute(
            select(
                Product.id,
                Product.sku,
                Product.active,
                Product.category_id,
                Brand.owner_account_id,
            )
            .outerjoin(Brand, Brand.id == Product.brand_id)
            .where(Product.id.in_(chunk))
        )
        for row in rows:
            found[row[0]] = ProductOwnership(*row)
    return found


def placements(session: Session, *, active_only: bool = True) -> list[Placement]:
    """Every placement of the network, by code."""
    stmt = select(Placement).order_by(Placement.code)
    if active_only:
        stmt = stmt.where(Placement.active.is_(True))
    return list(session.scalars(stmt))


def category_paths(session: Session, category_ids: Collection[int]) -> dict[int, str]:
    """The path of each existing category among `category_ids`."""
    ids = sorted(category_ids)
    found: dict[int, str] = {}
    for chunk in _chunks(ids):
        found.update(
            {
                key: value
                for key, value in session.execute(
                    select(Category.id, Category.path).where(Category.id.in_(chunk))
                )
            }
        )
    return found


def category_ids_by_path(session: Session, paths: Collection[str]) -> dict[str, int]:
    """The id of each existing category among `paths`."""
    wanted = sorted(paths)
    found: dict[str, int] = {}
    for chunk in _chunks(wanted):
        found.update(
            {
                key: value
                for key, value in session.execute(
                    select(Category.path, Category.id).where(Category.path.in_(chunk))
                )
            }
        )
    return found


def category_min_bids(
    session: Session, placement_ids: Collection[int], category_ids: Collection[int]
) -> dict[tuple[int, int], int]:
    """Minimum bids by (placement id, category id) for the given placements and categories."""
    if not placement_ids or not category_ids:
        return {}
    rows = session.execute(
        select(CategoryMinBid.placement_id, CategoryMinBid.category_id, CategoryMinBid.min_bid_tiyn)
        .where(CategoryMinBid.placement_id.in_(sorted(placement_ids)))
        .where(CategoryMinBid.category_id.in_(sorted(category_ids)))
    )
    return {(placement_id, category_id): bid for placement_id, category_id, bid in rows}


def existing_store_ids(session: Session, store_ids: Collection[int]) -> set[int]:
    """The ids among `store_ids` that name a store."""
    ids = sorted(store_ids)
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(session.scalars(select(Store.id).where(Store.id.in_(chunk))))
    return found


def store_cities(session: Session) -> list[str]:
    """Every city the retailer has a store in, as the stores spell it (sorted, distinct)."""
    return list(session.scalars(select(Store.city).distinct().order_by(Store.city)))


def existing_segment_ids(session: Session, segment_ids: Collection[int]) -> set[int]:
    """The ids among `segment_ids` that name an audience segment."""
    ids = sorted(segment_ids)
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(
            session.scalars(select(AudienceSegment.id).where(AudienceSegment.id.in_(chunk)))
        )
    return found


# --- creatives -----------------------------------------------------------------------------


def creative_by_id(session: Session, creative_id: int) -> Creative | None:
    """A creative by id (no tenant check: the service makes it)."""
    return session.get(Creative, creative_id)


def creatives(
    account_ids: Collection[int] | None,
    *,
    ad_group_id: int | None = None,
    status: CreativeStatus | None = None,
) -> Select[Any]:
    """Creatives of the given accounts (None: every account), optionally filtered."""
    stmt = select(Creative)
    if account_ids is not None:
        stmt = stmt.where(Creative.account_id.in_(account_ids))
    if ad_group_id is not None:
        stmt = stmt.where(Creative.ad_group_id == ad_group_id)
    if status is not None:
        stmt = stmt.where(Creative.status == status)
    return stmt


# --- audience segments ---------------------------------------------------------------------


def segment_by_id(session: Session, segment_id: int) -> AudienceSegment | None:
    """An audience segment by id."""
    return session.get(AudienceSegment, segment_id)


def segment_by_code(session: Session, code: str) -> AudienceSegment | None:
    """An audience segment by its code."""
    return session.scalars(select(AudienceSegment).where(AudienceSegment.code == code)).first()


def segments() -> Select[Any]:
    """Every audience segment."""
    return select(AudienceSegment)


def segments_by_code(session: Session) -> dict[str, AudienceSegment]:
    """Every audience segment, keyed by code."""
    return {segment.code: segment for segment in session.scalars(select(AudienceSegment))}


def member_counts(session: Session, segment_ids: Collection[int]) -> dict[int, int]:
    """How many shoppers each segment holds."""
    if not segment_ids:
        return {}
    rows = session.execute(
        select(AudienceSegmentMember.segment_id, func.count())
        .where(AudienceSegmentMember.segment_id.in_(sorted(segment_ids)))
        .group_by(AudienceSegmentMember.segment_id)
    )
    return {segment_id: count for segment_id, count in rows}


def existing_members(session: Session, segment_id: int, user_hashes: Sequence[str]) -> set[str]:
    """The hashes among `user_hashes` already in the segment."""
    found: set[str] = set()
    for chunk in _chunks(user_hashes):
        found.update(
            session.scalars(
                select(AudienceSegmentMember.user_hash)
                .where(AudienceSegmentMember.segment_id == segment_id)
                .where(AudienceSegmentMember.user_hash.in_(chunk))
            )
        )
    return found


def add_members(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new segment memberships (callers leave out the ones already there)."""
    for chunk in _chunks(rows):
        session.execute(insert(AudienceSegmentMember), list(chunk))


def members_of(session: Session, segment_ids: Collection[int]) -> dict[int, frozenset[str]]:
    """The member hashes of each segment."""
    result: dict[int, set[str]] = {segment_id: set() for segment_id in segment_ids}
    if segment_ids:
        rows = session.execute(
            select(AudienceSegmentMember.segment_id, AudienceSegmentMember.user_hash).where(
                AudienceSegmentMember.segment_id.in_(sorted(segment_ids))
            )
        )
        for segment_id, user_hash in rows:
            result[segment_id].add(user_hash)
    return {segment_id: frozenset(hashes) for segment_id, hashes in result.items()}


# --- serving state -------------------------------------------------------------------------


def serving_campaigns(session: Session, now: dt.datetime) -> list[Campaign]:
    """Active campaigns that have not ended by `now` (ones starting later are included)."""
    return list(
        session.scalars(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.ACTIVE)
            .where(or_(Campaign.ends_at.is_(None), Campaign.ends_at > now))
            .order_by(Campaign.id)
        )
    )


def serving_ad_groups(session: Session, campaign_ids: Collection[int]) -> list[AdGroup]:
    """Active ad groups of the given campaigns."""
    found: list[AdGroup] = []
    for chunk in _chunks(sorted(campaign_ids)):
        found.extend(
            session.scalars(
                select(AdGroup)
                .where(AdGroup.campaign_id.in_(chunk))
                .where(AdGroup.status == AdGroupStatus.ACTIVE)
                .order_by(AdGroup.id)
            )
        )
    return found


def approved_creatives(session: Session, ad_group_ids: Collection[int]) -> list[Creative]:
    """Approved creatives of the given ad groups."""
    found: list[Creative] = []
    for chunk in _chunks(sorted(ad_group_ids)):
        found.extend(
            session.scalars(
                select(Creative)
                .where(Creative.ad_group_id.in_(chunk))
                .where(Creative.status == CreativeStatus.APPROVED)
                .order_by(Creative.id)
            )
        )
    return found


def serving_fingerprint(session: Session) -> tuple[Any, ...]:
    """A cheap value that changes whenever anything the serving state holds changes."""
    parts: list[Any] = []
    for model in (Campaign, AdGroup, Creative, AudienceSegment):
        parts.extend(session.execute(select(func.count(), func.max(model.updated_at))).one())
    parts.extend(
        session.execute(select(func.count(), func.max(AudienceSegmentMember.added_at))).one()
    )
    # The promoted products, and how many of them their ad group's advertiser still owns:
    # a brand changing hands changes the second number, so serving drops them at once.
    owned = case((Brand.owner_account_id == AdGroup.account_id, 1), else_=0)
    parts.extend(
        session.execute(
            select(func.count(), func.coalesce(func.sum(owned), 0))
            .select_from(AdGroupProduct)
            .join(AdGroup, AdGroup.id == AdGroupProduct.ad_group_id)
            .join(Product, Product.id == AdGroupProduct.product_id)
            .outerjoin(Brand, Brand.id == Product.brand_id)
        ).one()
    )
    return tuple(parts)

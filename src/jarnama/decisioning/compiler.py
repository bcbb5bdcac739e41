"""From the database to a `ServingNetwork`: the engine's snapshot plus the look-ups the API needs.

One read per table (catalog tables through `decisioning.repository`, campaigns through
`campaigns.serving.list_serving_state`), then `compile_snapshot`. It runs when the serving
fingerprint changes, never per decision. Besides the snapshot the service needs SKU ↔ id,
store codes, creatives by id and an index from a hashed opaque user id to its audience
segments; they are compiled here too, so a decision touches no database.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from jarnama.campaigns.serving import (
    ServingAdGroup,
    ServingKeyword,
    list_serving_state,
    serving_fingerprint,
)
from jarnama.core.time import utcnow
from jarnama.decisioning import repository
from jarnama.decisioning.skus import SkuIndex
from jarnama.decisioning.snapshot import (
    AdGroupSpec,
    AdKind,
    AuctionRules,
    CampaignSpec,
    CampaignStatus,
    Channel,
    CreativeSpec,
    DaypartWindow,
    DecisionSnapshot,
    KeywordSpec,
    PacingMode,
    PlacementKind,
    PlacementSpec,
    ProductSpec,
    Targeting,
    compile_snapshot,
)
from jarnama.decisioning.text import MatchType


@dataclass(frozen=True, slots=True)
class ServingNetwork:
    """One compiled, immutable view of the network: the snapshot and the API's look-ups."""

    snapshot: DecisionSnapshot
    fingerprint: tuple[Any, ...]
    sku_by_product: Mapping[int, str]
    skus: SkuIndex  # SKU → product id
    store_by_code: Mapping[str, int]
    creatives: Mapping[int, CreativeSpec]
    # SHA-256 hex of an opaque user id → the targeted audience segments it belongs to.
    segments_by_user_hash: Mapping[str, frozenset[int]]
    compiled_at: dt.datetime
    compile_seconds: float

    @property
    def version(self) -> int:
        """The snapshot version (increases with every rebuild in this process)."""
        return self.snapshot.version


def empty_network(rules: AuctionRules | None = None) -> ServingNetwork:
    """A network with nothing to serve (before the first compile succeeds)."""
    snapshot = compile_snapshot(products=(), campaigns=(), ad_groups=(), placements=(), rules=rules)
    return ServingNetwork(snapshot, (), {}, SkuIndex({}), {}, {}, {}, utcnow(), 0.0)


def fingerprint(session: Session) -> tuple[Any, ...]:
    """What changes whenever a rebuild would: the campaigns' and the catalog's fingerprints."""
    return (*serving_fingerprint(session), *repository.catalog_fingerprint(session))


def compile_network(
    session: Session, *, rules: AuctionRules, version: int, now: dt.datetime | None = None
) -> ServingNetwork:
    """Read the catalog and the serving campaigns and compile them into a `ServingNetwork`."""
    started = time.perf_counter()
    now = now or utcnow()
    current_fingerprint = fingerprint(session)
    serving = list_serving_state(session, now)

    category_rows = repository.categories(session)
    parents = {row.id: row.parent_id for row in category_rows}
    category_names = {
        row.id: " ".join(n for n in (row.name_kk, row.name_ru, row.name_en) if n)
        for row in category_rows
    }
    paths = {category_id: _path(category_id, parents) for category_id in parents}
    brands = repository.brand_names(session)
    stocked = repository.stocked_stores(session)
    store_rows = repository.stores(session)

    products: list[ProductSpec] = []
    sku_by_product: dict[int, str] = {}
    for row in repository.products(session):
        path = paths.get(row.category_id, ()) if row.category_id is not None else ()
        words = [row.name_kk, row.name_ru, row.name_en]
        if row.brand_id is not None:
            words.append(brands.get(row.brand_id, ""))
        if row.category_id is not None:
            words.append(category_names.get(row.category_id, ""))
        products.append(
            ProductSpec(
                id=row.id,
                brand_id=row.brand_id,
                category_path=path,
                price_tiyn=row.price_tiyn,
                in_stock=row.stock_total > 0,
                active=bool(row.active),
                store_ids=frozenset(stocked.get(row.id, ())),
                search_text=" ".join(w for w in words if w),
            )
        )
        sku_by_product[row.id] = row.sku

    min_bids: dict[int, dict[int, int]] = defaultdict(dict)
    for min_bid in repository.category_min_bids(session):
        min_bids[min_bid.placement_id][min_bid.category_id] = min_bid.min_bid_tiyn
    placements = [
        PlacementSpec(
            id=row.id,
            code=row.code,
            kind=PlacementKind(str(row.kind)),
            channel=Channel(str(row.channel)),
            slots=row.slots,
            min_bid_tiyn=row.min_bid_tiyn,
            category_min_bids=min_bids.get(row.id, {}),
            width=row.width,
            height=row.height,
            active=bool(row.active),
        )
        for row in repository.placements(session)
    ]

    creatives = [
        CreativeSpec(
            id=c.id,
            ad_group_id=c.ad_group_id,
            width=c.width,
            height=c.height,
            approved=c.approved,
            asset_url=c.asset_url,
            landing_url=c.landing_url,
        )
        for c in serving.creatives
    ]
    campaigns = [
        CampaignSpec(
            id=c.id,
            advertiser_id=c.advertiser_id,
            status=CampaignStatus(c.status),
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            daily_budget_tiyn=c.daily_budget_tiyn,
            total_budget_tiyn=c.total_budget_tiyn,
            pacing=PacingMode(c.pacing.value),
            dayparts=tuple(DaypartWindow(d.weekday, d.start_hour, d.end_hour) for d in c.dayparts),
        )
        for c in serving.campaigns
    ]
    snapshot = compile_snapshot(
        products=products,
        campaigns=campaigns,
        ad_groups=[_ad_group(g) for g in serving.ad_groups],
        creatives=creatives,
        placements=placements,
        store_cities={row.id: row.city for row in store_rows},
        category_paths=paths.values(),
        rules=rules,
        version=version,
    )

    segments: dict[str, set[int]] = defaultdict(set)
    for segment_id, members in serving.segment_members.items():
        for user_hash in members:
            segments[user_hash].add(segment_id)
    return ServingNetwork(
        snapshot=snapshot,
        fingerprint=current_fingerprint,
        sku_by_product=sku_by_product,
        skus=SkuIndex({sku: pid for pid, sku in sku_by_product.items()}),
        store_by_code={row.code: row.id for row in store_rows if row.active},
        creatives={c.id: c for c in creatives},
        segments_by_user_hash={h: frozenset(s) for h, s in segments.items()},
        compiled_at=now,
        compile_seconds=time.perf_counter() - started,
    )


def _path(category_id: int, parents: Mapping[int, int | None]) -> tuple[int, ...]:
    """Root → leaf ids; a cycle in bad data stops at the first repeat."""
    path: list[int] = []
    current: int | None = category_id
    while current is not None and current not in path:
        path.append(current)
        current = parents.get(current)
    return tuple(reversed(path))


def _keywords(keywords: tuple[ServingKeyword, ...]) -> tuple[KeywordSpec, ...]:
    return tuple(KeywordSpec(k.text, MatchType(k.match)) for k in keywords)


def _ad_group(group: ServingAdGroup) -> AdGroupSpec:
    targeting = group.targeting
    return AdGroupSpec(
        id=group.id,
        campaign_id=group.campaign_id,
        kind=AdKind(group.kind.value),
        bid_tiyn=group.bid_tiyn,
        product_ids=group.product_ids,
        targeting=Targeting(
            keywords=_keywords(targeting.keywords),
            negative_keywords=_keywords(targeting.negative_keywords),
            category_ids=targeting.category_ids,
            automatic=targeting.automatic,
            segment_ids=targeting.segment_ids,
            placement_codes=targeting.placement_codes,
            cities=targeting.cities,
            store_ids=targeting.store_ids,
            channels=frozenset(Channel(c) for c in targeting.channels),
        ),
        bid_multipliers=group.bid_multipliers,
        frequency_cap_day=group.frequency_cap_day,
        frequency_cap_week=group.frequency_cap_week,
        active=group.active,
    )

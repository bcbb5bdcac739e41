"""Small builders for decisioning tests: a dairy aisle with three placements."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from jarnama.decisioning.auction import AuctionDeps, DecisionRequest, PlacementRequest
from jarnama.decisioning.ranking import Ranker
from jarnama.decisioning.snapshot import (
    AdGroupSpec,
    AdKind,
    CampaignSpec,
    CampaignStatus,
    Channel,
    CreativeSpec,
    DecisionSnapshot,
    KeywordSpec,
    PlacementKind,
    PlacementSpec,
    ProductSpec,
    Targeting,
    compile_snapshot,
)
from jarnama.decisioning.state import InProcessStateStore, ServingState
from jarnama.decisioning.text import MatchType

# Wednesday 12 March 2025, 12:00 in Almaty (UTC+5 since March 2024).
AT = dt.datetime(2025, 3, 12, 7, 0, tzinfo=dt.UTC)
DAIRY, MILK, KEFIR, BAKERY = 10, 11, 12, 20
ALMATY_STORE, ASTANA_STORE = 1, 2
SEARCH = PlacementSpec(
    id=1,
    code="search-top",
    kind=PlacementKind.SEARCH,
    channel=Channel.APP,
    slots=3,
    min_bid_tiyn=50,
    category_min_bids={MILK: 80},
)
HOME = PlacementSpec(
    id=2,
    code="home-banner",
    kind=PlacementKind.HOME_BANNER,
    channel=Channel.WEB,
    min_bid_tiyn=5_000,
    width=1200,
    height=300,
)
SCREEN = PlacementSpec(
    id=3,
    code="store-screen",
    kind=PlacementKind.IN_STORE_SCREEN,
    channel=Channel.IN_STORE,
    min_bid_tiyn=3_000,
)
PLACEMENTS = (SEARCH, HOME, SCREEN)


def product(
    product_id: int,
    *,
    brand: int = 1,
    path: tuple[int, ...] = (DAIRY, MILK),
    active: bool = True,
    in_stock: bool = True,
    stores: Iterable[int] = (ALMATY_STORE, ASTANA_STORE),
    text: str = "",
) -> ProductSpec:
    """A product in the milk category, active and in stock in both stores by default."""
    return ProductSpec(
        id=product_id,
        brand_id=brand,
        category_path=path,
        price_tiyn=59_900,
        in_stock=in_stock,
        active=active,
        store_ids=frozenset(stores),
        search_text=text,
    )


def campaign(campaign_id: int, *, advertiser: int | None = None, **fields: Any) -> CampaignSpec:
    """An active campaign that started ten days before `AT` (advertiser defaults to its id)."""
    defaults: dict[str, Any] = {
        "status": CampaignStatus.ACTIVE,
        "starts_at": AT - dt.timedelta(days=10),
    }
    defaults.update(fields)
    return CampaignSpec(
        id=campaign_id,
        advertiser_id=campaign_id if advertiser is None else advertiser,
        **defaults,
    )


def listing(
    group_id: int,
    *,
    campaign_id: int | None = None,
    bid: int = 100,
    products: Iterable[int] = (),
    multipliers: Mapping[str, Decimal] | None = None,
    **targeting: Any,
) -> AdGroupSpec:
    """A sponsored-listing ad group (campaign defaults to its own id)."""
    return AdGroupSpec(
        id=group_id,
        campaign_id=group_id if campaign_id is None else campaign_id,
        kind=AdKind.SPONSORED_LISTING,
        bid_tiyn=bid,
        product_ids=tuple(products),
        targeting=Targeting(**targeting),
        bid_multipliers=dict(multipliers or {}),
    )


def banner(
    group_id: int, *, bid: int, kind: AdKind = AdKind.BANNER, **targeting: Any
) -> AdGroupSpec:
    """A CPM banner (or screen) ad group whose campaign has its own id."""
    return AdGroupSpec(
        id=group_id,
        campaign_id=group_id,
        kind=kind,
        bid_tiyn=bid,
        targeting=Targeting(**targeting),
    )


def creative(
    creative_id: int, group_id: int, *, approved: bool = True, size: tuple[int, int] = (1200, 300)
) -> CreativeSpec:
    """A creative of an ad group."""
    return CreativeSpec(
        id=creative_id, ad_group_id=group_id, width=size[0], height=size[1], approved=approved
    )


def kw(text: str, match: MatchType = MatchType.BROAD) -> KeywordSpec:
    """A keyword."""
    return KeywordSpec(text, match)


def build(
    products: Iterable[ProductSpec],
    campaigns: Iterable[CampaignSpec],
    ad_groups: Iterable[AdGroupSpec],
    *,
    creatives: Iterable[CreativeSpec] = (),
    placements: Iterable[PlacementSpec] = PLACEMENTS,
    **kwargs: Any,
) -> DecisionSnapshot:
    """Compile a snapshot with the three standard placements and two stores."""
    kwargs.setdefault("store_cities", {ALMATY_STORE: "Алматы", ASTANA_STORE: "Астана"})
    return compile_snapshot(
        products=products,
        campaigns=campaigns,
        ad_groups=ad_groups,
        creatives=creatives,
        placements=placements,
        **kwargs,
    )


class FixedRanker:
    """Quality from a table (default 1 %), so tests can set scores exactly."""

    def __init__(self, products: Mapping[int, int] | None = None, default: int = 10_000) -> None:
        """A ranker answering `products[id]` or `default` (ppm)."""
        self.products = dict(products or {})
        self.default = default

    def product_quality(self, placement_id: int, product_id: int, category_id: int | None) -> int:
        """The table's quality for the product."""
        return self.products.get(product_id, self.default)

    def product_quality_table(self, placement_id: int) -> Mapping[int, int]:
        """The table itself (a product missing from it gets `default` by `product_quality`)."""
        return self.products

    def creative_quality(self, placement_id: int, creative_id: int) -> int:
        """The table's quality for the creative."""
        return self.products.get(creative_id, self.default)


def counter_ids() -> Callable[[], str]:
    """Deterministic resolved bid ids for tests: rb-1, rb-2, ..."""
    numbers = itertools.count(1)
    return lambda: f"rb-{next(numbers)}"


def deps(
    state: ServingState | None = None,
    ranker: Ranker | None = None,
    coin: float = 0.0,
) -> AuctionDeps:
    """Collaborators with a fresh in-process state, a fixed ranker and a fixed pacing coin."""
    return AuctionDeps(
        state=state if state is not None else InProcessStateStore(),
        ranker=ranker if ranker is not None else FixedRanker(),
        random=lambda: coin,
        new_bid_id=counter_ids(),
    )


def request(
    placement: PlacementSpec = SEARCH,
    *,
    at: dt.datetime = AT,
    query: str | None = None,
    category_id: int | None = None,
    product_ids: Iterable[int] | None = None,
    quality_scores: Iterable[float] | None = None,
    slots: int | None = None,
    **context: Any,
) -> DecisionRequest:
    """A one-placement decision request."""
    return DecisionRequest(
        at=at,
        placements=(
            PlacementRequest(
                placement_id=placement.id,
                slots=slots,
                query=query,
                category_id=category_id,
                product_ids=None if product_ids is None else tuple(product_ids),
                quality_scores=None if quality_scores is None else tuple(quality_scores),
            ),
        ),
        **context,
    )

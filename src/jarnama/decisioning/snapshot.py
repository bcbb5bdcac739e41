"""The immutable in-memory snapshot the auction runs on, and `compile_snapshot` that builds it.

The inputs (`*Spec`) are plain frozen dataclasses, so the compiler from the database (next
issue step) only has to fill them. `compile_snapshot` resolves placement codes to ids, turns
Decimal bid multipliers into exact integer per-mille, precomputes effective bids per
placement and reserves per (placement, category), compiles keywords, and builds the indexes
the hot path reads (keyword term, product, category and placement → ad groups). Problems in
the inputs never raise: the offending ad group or keyword is left out and a `CompileIssue`
says why. The snapshot is read-only by contract (Mapping-typed; not copied, for speed).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from jarnama.decisioning.text import KeywordRule, MatchType, compile_keyword, terms

if TYPE_CHECKING:
    from jarnama.decisioning.listing import ListingArrays

PERMILLE = 1000
HOURS_PER_WEEK = 7 * 24


class AdKind(enum.StrEnum):
    """What an ad group sells (the values the campaigns domain stores)."""

    SPONSORED_LISTING = "sponsored_listing"
    BANNER = "banner"
    IN_STORE_SCREEN = "in_store_screen"


class CampaignStatus(enum.StrEnum):
    """A campaign's state; only `active` campaigns are compiled into the snapshot."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    ARCHIVED = "archived"


class PacingMode(enum.StrEnum):
    """Even (throttled to the day's traffic curve) or as fast as possible."""

    EVEN = "even"
    ASAP = "asap"


class PricingRule(enum.StrEnum):
    """How a network prices winners."""

    SECOND_PRICE = "second_price"
    FIRST_PRICE = "first_price"


class Channel(enum.StrEnum):
    """The surface a request comes from (same values as the catalog's Channel)."""

    APP = "app"
    WEB = "web"
    IN_STORE = "in_store"


class PlacementKind(enum.StrEnum):
    """Where an ad appears (same values as the catalog's PlacementKind)."""

    SEARCH = "search"
    CATEGORY = "category"
    HOME_BANNER = "home_banner"
    PRODUCT_PAGE = "product_page"
    IN_STORE_SCREEN = "in_store_screen"


# The ad kind a placement sells unless its spec says otherwise: CPC listings and CPM banners
# never share one auction, their scores are in different units.
DEFAULT_AD_KIND = {
    PlacementKind.SEARCH: AdKind.SPONSORED_LISTING,
    PlacementKind.CATEGORY: AdKind.SPONSORED_LISTING,
    PlacementKind.PRODUCT_PAGE: AdKind.SPONSORED_LISTING,
    PlacementKind.HOME_BANNER: AdKind.BANNER,
    PlacementKind.IN_STORE_SCREEN: AdKind.IN_STORE_SCREEN,
}


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A catalog product as the auction sees it; `category_path` runs root → leaf."""

    id: int
    brand_id: int | None
    category_path: tuple[int, ...]
    price_tiyn: int
    in_stock: bool
    active: bool
    store_ids: frozenset[int] = frozenset()
    # Names (kk/ru/en), brand and category names: what automatic targeting matches queries on.
    search_text: str = ""

    @property
    def category_id(self) -> int | None:
        """The leaf category, if any."""
        return self.category_path[-1] if self.category_path else None


@dataclass(frozen=True, slots=True)
class DaypartWindow:
    """Hours [start_hour, end_hour) on one weekday (0 = Monday) in Almaty time."""

    weekday: int
    start_hour: int
    end_hour: int


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    """A campaign: owner, budgets in tiyn, schedule (UTC instants), dayparting, pacing."""

    id: int
    advertiser_id: int
    status: CampaignStatus
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    daily_budget_tiyn: int | None = None
    total_budget_tiyn: int | None = None
    pacing: PacingMode = PacingMode.EVEN
    # Empty: every hour of the week.
    dayparts: tuple[DaypartWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class KeywordSpec:
    """A keyword as the advertiser typed it, with its match type."""

    text: str
    match: MatchType = MatchType.BROAD


@dataclass(frozen=True, slots=True)
class Targeting:
    """Who and where an ad group serves; an empty set means "any"."""

    keywords: tuple[KeywordSpec, ...] = ()
    negative_keywords: tuple[KeywordSpec, ...] = ()
    category_ids: frozenset[int] = frozenset()
    automatic: bool = False
    segment_ids: frozenset[int] = frozenset()
    placement_codes: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    store_ids: frozenset[int] = frozenset()
    channels: frozenset[Channel] = frozenset()


@dataclass(frozen=True, slots=True)
class AdGroupSpec:
    """A bid (tiyn per click, or per thousand impressions for CPM kinds) and its targeting."""

    id: int
    campaign_id: int
    kind: AdKind
    bid_tiyn: int
    product_ids: tuple[int, ...] = ()
    targeting: Targeting = field(default_factory=Targeting)
    # Placement code → multiplier, e.g. Decimal("1.25"); at most 3 decimal places (per-mille).
    bid_multipliers: Mapping[str, Decimal] = field(default_factory=dict)
    frequency_cap_day: int | None = None
    frequency_cap_week: int | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class CreativeSpec:
    """A banner or screen creative of an ad group; only approved ones are compiled."""

    id: int
    ad_group_id: int
    width: int
    height: int
    approved: bool
    asset_url: str = ""
    landing_url: str | None = None


@dataclass(frozen=True, slots=True)
class PlacementSpec:
    """A slot group the retailer sells, with its minimum bids (per category overrides)."""

    id: int
    code: str
    kind: PlacementKind
    channel: Channel
    slots: int = 1
    min_bid_tiyn: int = 0
    category_min_bids: Mapping[int, int] = field(default_factory=dict)
    width: int | None = None
    height: int | None = None
    active: bool = True
    ad_kind: AdKind | None = None
    # One ad per product and per advertiser in this slot group unless configured otherwise.
    one_per_product: bool = True
    one_per_advertiser: bool = True


@dataclass(frozen=True, slots=True)
class AuctionRules:
    """Network-wide auction settings."""

    pricing: PricingRule = PricingRule.SECOND_PRICE
    max_candidates: int = 500
    max_slots: int = 50


@dataclass(frozen=True, slots=True)
class CompileIssue:
    """Something in the inputs the compiler left out, and why."""

    entity: str
    entity_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class CompiledCampaign:
    """A campaign ready for the hot path (daypart as a 168-bit hour-of-week mask)."""

    spec: CampaignSpec
    id: int
    advertiser_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    daypart_mask: int
    daily_budget_tiyn: int | None
    total_budget_tiyn: int | None
    even_pacing: bool


@dataclass(frozen=True, slots=True)
class CompiledAdGroup:
    """An ad group ready for the hot path: effective bids per placement id, compiled rules."""

    spec: AdGroupSpec
    id: int
    campaign: CompiledCampaign
    kind: AdKind
    bid_tiyn: int
    product_ids: frozenset[int]
    creatives: tuple[CreativeSpec, ...]
    keywords: tuple[KeywordRule, ...]
    negatives: tuple[KeywordRule, ...]
    category_ids: frozenset[int]
    automatic: bool
    segment_ids: frozenset[int]
    cities: frozenset[str]
    store_ids: frozenset[int]
    channels: frozenset[Channel]
    # placement id → bid * multiplier, floored to whole tiyn; absent = not servable there.
    effective_bids: Mapping[int, int]
    cap_day: int | None
    cap_week: int | None
    # Any of channels, cities, stores, segments or caps set (the hot path skips them if not).
    has_filters: bool
    # Keywords or categories set: without automatic targeting it then needs a matching context.
    has_context_targeting: bool


@dataclass(frozen=True, slots=True)
class CompiledPlacement:
    """A placement ready for the hot path: the reserve for each leaf category precomputed."""

    spec: PlacementSpec
    id: int
    ad_kind: AdKind
    slots: int
    min_bid_tiyn: int
    reserve_by_category: Mapping[int, int]
    one_per_product: bool
    one_per_advertiser: bool


# What the listing auction reads per candidate, precomputed per placement, flat so the hot
# loop unpacks it without attribute look-ups: the reserve there, None if the product can serve
# or why not (a `RejectionReason` value), the ad groups allowed on the placement as (id,
# effective bid, group), the product's stores, its category path and leaf category.
ListingSlot = tuple[
    int,
    str | None,
    tuple[tuple[int, int, "CompiledAdGroup"], ...],
    frozenset[int],
    tuple[int, ...],
    int | None,
]

# Bound of each per-snapshot memo (distinct queries, categories, retrievals, hours); a full
# memo is emptied and refilled rather than tracked as an LRU (cheaper on the hot path).
MEMO_LIMIT = 8192
_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class QueryMatch:
    """What one query selects in a snapshot (request-independent, so memoised per snapshot)."""

    terms: tuple[str, ...]
    term_set: frozenset[str]
    keyword_hits: frozenset[int]
    negative_hits: frozenset[int]
    # Products of automatic ad groups whose search text has every query term.
    relevant: frozenset[int]


class SnapshotMemo:
    """Request-independent results computed on first use and kept for the snapshot's life.

    A snapshot is immutable, so anything derived only from it (and the query, category or
    hour) stays valid until the snapshot is replaced; the memo dies with it. Plain dicts:
    reads and writes are atomic under the GIL, a race only computes a value twice.
    """

    __slots__ = (
        "arrays",
        "arrays_built",
        "bid_order",
        "categories",
        "context_defaults",
        "hours",
        "queries",
        "retrievals",
    )

    def __init__(self) -> None:
        """Empty memos."""
        self.queries: dict[str, QueryMatch] = {}
        # category → (its path root → itself, ad groups targeting it or an ancestor).
        self.categories: dict[int, tuple[tuple[int, ...], frozenset[int]]] = {}
        # (placement, query or None, category or None) → retrieved candidates, capped.
        self.retrievals: dict[tuple[int, str | None, int | None], tuple[int, ...]] = {}
        # (UTC hour since the epoch, Almaty hour of week) → campaign → schedule/daypart verdict.
        self.hours: dict[tuple[int, int], dict[int, int]] = {}
        # kind of context (query, category, neither) → ad group → its verdict without a hit.
        self.context_defaults: dict[int, dict[int, int]] = {}
        # listing placement → promoted product → its rank by best effective bid (then id):
        # the retrieval cap keeps the best ranks without scanning each product's ad groups.
        self.bid_order: dict[int, dict[int, int]] = {}
        # The listing pairs as arrays (`jarnama.decisioning.listing`), built on first use.
        self.arrays: ListingArrays | None = None
        self.arrays_built = False


def remember(memo: dict[_K, _V], key: _K, value: _V) -> _V:
    """Store `value` under `key` in a bounded memo (emptied first when full); return it."""
    return remember_bounded(memo, key, value, MEMO_LIMIT)


def remember_bounded(memo: dict[_K, _V], key: _K, value: _V, limit: int) -> _V:
    """Store `value` under `key` in a memo of at most `limit` entries (emptied when full)."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value


@dataclass(frozen=True, slots=True)
class DecisionSnapshot:
    """Everything one decision reads, compiled once; rebuilt (never mutated) on change."""

    version: int
    rules: AuctionRules
    products: Mapping[int, ProductSpec]
    store_cities: Mapping[int, str]
    campaigns: Mapping[int, CompiledCampaign]
    ad_groups: Mapping[int, CompiledAdGroup]
    placements: Mapping[int, CompiledPlacement]
    placement_ids_by_code: Mapping[str, int]
    # first term of a keyword → (rule, ad group) pairs; all terms must match, so one suffices.
    keyword_index: Mapping[str, tuple[tuple[KeywordRule, CompiledAdGroup], ...]]
    negative_index: Mapping[str, tuple[tuple[KeywordRule, CompiledAdGroup], ...]]
    # product → listing ad groups promoting it.
    product_index: Mapping[int, tuple[CompiledAdGroup, ...]]
    # category → ad groups targeting it explicitly (request category in its subtree matches).
    category_index: Mapping[int, tuple[CompiledAdGroup, ...]]
    # category → promoted products anywhere in its subtree (candidates for category pages).
    category_products: Mapping[int, tuple[int, ...]]
    # placement → ad groups that may serve there (kind and placement targeting resolved).
    placement_index: Mapping[int, tuple[CompiledAdGroup, ...]]
    # placement → product → its ListingSlot (listing placements, promoted products only).
    listing_slots: Mapping[int, Mapping[int, ListingSlot]]
    # term → products of automatic ad groups whose search text contains it.
    term_index: Mapping[str, frozenset[int]]
    product_terms: Mapping[int, frozenset[str]]
    # category → its path root → itself (from the products' paths and `category_paths`).
    category_paths: Mapping[int, tuple[int, ...]]
    issues: tuple[CompileIssue, ...] = ()
    memo: SnapshotMemo = field(default_factory=SnapshotMemo, init=False, compare=False, repr=False)

    def placement_by_code(self, code: str) -> CompiledPlacement | None:
        """The compiled placement with this code, if it exists and is active."""
        placement_id = self.placement_ids_by_code.get(code)
        return None if placement_id is None else self.placements.get(placement_id)


def multiplier_permille(value: Decimal) -> int | None:
    """An exact per-mille integer for a multiplier (1.25 → 1250); None if inexact or ≤ 0."""
    scaled = Decimal(value) * PERMILLE
    if not scaled.is_finite() or scaled != scaled.to_integral_value() or scaled <= 0:
        return None
    return int(scaled)


def daypart_mask(windows: Iterable[DaypartWindow]) -> int | None:
    """A 168-bit mask of serving hours of the week (bit = weekday*24 + hour); None if invalid.

    An empty list means every hour.
    """
    mask = 0
    seen = False
    for window in windows:
        seen = True
        if not (0 <= window.weekday <= 6 and 0 <= window.start_hour < window.end_hour <= 24):
            return None
        for hour in range(window.start_hour, window.end_hour):
            mask |= 1 << (window.weekday * 24 + hour)
    return mask if seen else (1 << HOURS_PER_WEEK) - 1


def compile_snapshot(
    *,
    products: Iterable[ProductSpec],
    campaigns: Iterable[CampaignSpec],
    ad_groups: Iterable[AdGroupSpec],
    creatives: Iterable[CreativeSpec] = (),
    placements: Iterable[PlacementSpec],
    store_cities: Mapping[int, str] | None = None,
    category_paths: Iterable[tuple[int, ...]] = (),
    rules: AuctionRules | None = None,
    version: int = 0,
) -> DecisionSnapshot:
    """Build the immutable snapshot and its indexes from plain inputs; bad inputs become issues."""
    issues: list[CompileIssue] = []
    product_map = {p.id: p for p in products}
    category_paths = tuple(category_paths)
    placement_map = _compile_placements(placements, product_map.values(), category_paths)
    codes = {p.spec.code: p.id for p in placement_map.values()}

    campaign_map: dict[int, CompiledCampaign] = {}
    for campaign in campaigns:
        compiled_campaign = _compile_campaign(campaign, issues)
        if compiled_campaign is not None:
            campaign_map[campaign.id] = compiled_campaign

    creatives_by_group: dict[int, list[CreativeSpec]] = defaultdict(list)
    for creative in creatives:
        if creative.approved:
            creatives_by_group[creative.ad_group_id].append(creative)

    group_map: dict[int, CompiledAdGroup] = {}
    for spec in ad_groups:
        compiled = _compile_ad_group(
            spec,
            campaign_map,
            placement_map,
            codes,
            product_map,
            tuple(sorted(creatives_by_group.get(spec.id, ()), key=lambda c: c.id)),
            issues,
        )
        if compiled is not None:
            group_map[spec.id] = compiled

    keyword_index: dict[str, list[tuple[KeywordRule, CompiledAdGroup]]] = defaultdict(list)
    negative_index: dict[str, list[tuple[KeywordRule, CompiledAdGroup]]] = defaultdict(list)
    product_index: dict[int, list[CompiledAdGroup]] = defaultdict(list)
    category_index: dict[int, list[CompiledAdGroup]] = defaultdict(list)
    category_products: dict[int, set[int]] = defaultdict(set)
    placement_index: dict[int, list[CompiledAdGroup]] = defaultdict(list)
    term_index: dict[str, set[int]] = defaultdict(set)
    product_terms: dict[int, frozenset[str]] = {}
    for group in sorted(group_map.values(), key=lambda g: g.id):
        for rule in group.keywords:
            keyword_index[rule.terms[0]].append((rule, group))
        for rule in group.negatives:
            negative_index[rule.terms[0]].append((rule, group))
        for category_id in group.category_ids:
            category_index[category_id].append(group)
        for placement_id in group.effective_bids:
            placement_index[placement_id].append(group)
        for product_id in sorted(group.product_ids):
            product_index[product_id].append(group)
            for category_id in product_map[product_id].category_path:
                category_products[category_id].add(product_id)
            if group.automatic and product_id not in product_terms:
                words = frozenset(terms(product_map[product_id].search_text))
                product_terms[product_id] = words
                for word in words:
                    term_index[word].add(product_id)

    return DecisionSnapshot(
        version=version,
        rules=rules or AuctionRules(),
        products=product_map,
        store_cities=dict(store_cities or {}),
        campaigns=campaign_map,
        ad_groups=group_map,
        placements=placement_map,
        placement_ids_by_code=codes,
        keyword_index={k: tuple(v) for k, v in keyword_index.items()},
        negative_index={k: tuple(v) for k, v in negative_index.items()},
        product_index={k: tuple(v) for k, v in product_index.items()},
        category_index={k: tuple(v) for k, v in category_index.items()},
        category_products={k: tuple(sorted(v)) for k, v in category_products.items()},
        placement_index={k: tuple(v) for k, v in placement_index.items()},
        listing_slots=_listing_slots(placement_map, product_map, product_index),
        term_index={k: frozenset(v) for k, v in term_index.items()},
        product_terms=product_terms,
        category_paths=_category_paths(category_paths, product_map.values()),
        issues=tuple(issues),
    )


def _listing_slots(
    placements: Mapping[int, CompiledPlacement],
    products: Mapping[int, ProductSpec],
    product_index: Mapping[int, list[CompiledAdGroup]],
) -> dict[int, dict[int, ListingSlot]]:
    slots: dict[int, dict[int, ListingSlot]] = {}
    for placement in placements.values():
        if placement.ad_kind is not AdKind.SPONSORED_LISTING:
            continue
        floor = max(placement.min_bid_tiyn, 1)
        per_product: dict[int, ListingSlot] = {}
        for product_id, groups in product_index.items():
            allowed = tuple(
                (g.id, g.effective_bids[placement.id], g)
                for g in groups
                if placement.id in g.effective_bids
            )
            if not allowed:
                continue
            product = products[product_id]
            leaf = product.category_id
            reserve = (
                floor if leaf is None else max(placement.reserve_by_category.get(leaf, floor), 1)
            )
            problem = None
            if not product.active:
                problem = "product_inactive"
            elif not product.in_stock:
                problem = "out_of_stock"
            per_product[product_id] = (
                reserve,
                problem,
                allowed,
                product.store_ids,
                product.category_path,
                leaf,
            )
        slots[placement.id] = per_product
    return slots


def _category_paths(
    explicit: Iterable[tuple[int, ...]], products: Iterable[ProductSpec]
) -> dict[int, tuple[int, ...]]:
    paths: dict[int, tuple[int, ...]] = {}
    for path in [*explicit, *(p.category_path for p in products)]:
        for depth in range(len(path), 0, -1):
            if path[depth - 1] in paths:
                break
            paths[path[depth - 1]] = path[:depth]
    return paths


def _compile_placements(
    placements: Iterable[PlacementSpec],
    products: Iterable[ProductSpec],
    category_paths: Iterable[tuple[int, ...]],
) -> dict[int, CompiledPlacement]:
    paths = {p.category_path for p in products if p.category_path}
    paths.update(path for path in category_paths if path)
    compiled: dict[int, CompiledPlacement] = {}
    for spec in placements:
        if not spec.active:
            continue
        reserves: dict[int, int] = {}
        if spec.category_min_bids:
            for path in paths:
                # The deepest category with an override wins over its ancestors and the placement.
                for category_id in reversed(path):
                    override = spec.category_min_bids.get(category_id)
                    if override is not None:
                        reserves[path[-1]] = max(0, override)
                        break
        compiled[spec.id] = CompiledPlacement(
            spec=spec,
            id=spec.id,
            ad_kind=spec.ad_kind or DEFAULT_AD_KIND[spec.kind],
            slots=max(1, spec.slots),
            min_bid_tiyn=max(0, spec.min_bid_tiyn),
            reserve_by_category=reserves,
            one_per_product=spec.one_per_product,
            one_per_advertiser=spec.one_per_advertiser,
        )
    return compiled


def _compile_campaign(spec: CampaignSpec, issues: list[CompileIssue]) -> CompiledCampaign | None:
    if spec.status is not CampaignStatus.ACTIVE:
        return None
    if spec.starts_at.tzinfo is None or (spec.ends_at is not None and spec.ends_at.tzinfo is None):
        issues.append(CompileIssue("campaign", spec.id, "schedule instants must be timezone-aware"))
        return None
    mask = daypart_mask(spec.dayparts)
    if mask is None:
        issues.append(CompileIssue("campaign", spec.id, "daypart outside weekday 0-6, hours 0-24"))
        return None
    for budget in (spec.daily_budget_tiyn, spec.total_budget_tiyn):
        if budget is not None and budget <= 0:
            issues.append(CompileIssue("campaign", spec.id, "budgets must be positive"))
            return None
    return CompiledCampaign(
        spec=spec,
        id=spec.id,
        advertiser_id=spec.advertiser_id,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        daypart_mask=mask,
        daily_budget_tiyn=spec.daily_budget_tiyn,
        total_budget_tiyn=spec.total_budget_tiyn,
        even_pacing=spec.pacing is PacingMode.EVEN,
    )


def _compile_ad_group(
    spec: AdGroupSpec,
    campaigns: Mapping[int, CompiledCampaign],
    placements: Mapping[int, CompiledPlacement],
    codes: Mapping[str, int],
    products: Mapping[int, ProductSpec],
    creatives: tuple[CreativeSpec, ...],
    issues: list[CompileIssue],
) -> CompiledAdGroup | None:
    def skip(reason: str) -> None:
        issues.append(CompileIssue("ad_group", spec.id, reason))

    campaign = campaigns.get(spec.campaign_id)
    if not spec.active or campaign is None:
        return None
    if spec.bid_tiyn <= 0:
        skip("bid must be positive")
        return None
    targeting = spec.targeting
    unknown = sorted(set(spec.product_ids) - products.keys())
    if unknown:
        skip(f"unknown products left out: {unknown[:10]}")
    product_ids = frozenset(spec.product_ids) & products.keys()
    if spec.kind is AdKind.SPONSORED_LISTING and not product_ids:
        skip("a sponsored listing ad group needs at least one catalog product")
        return None
    if spec.kind is not AdKind.SPONSORED_LISTING and not creatives:
        skip("no approved creative")
        return None

    multipliers: dict[int, int] = {}
    for code, value in spec.bid_multipliers.items():
        permille = multiplier_permille(value)
        if permille is None:
            skip(f"multiplier for {code!r} must be positive with at most 3 decimal places")
            return None
        if code in codes:
            multipliers[codes[code]] = permille
    unknown_codes = sorted(set(targeting.placement_codes) - codes.keys())
    if unknown_codes:
        skip(f"unknown or inactive placements left out: {unknown_codes}")
    effective: dict[int, int] = {}
    for placement in placements.values():
        if placement.ad_kind is not spec.kind:
            continue
        if targeting.placement_codes and placement.spec.code not in targeting.placement_codes:
            continue
        permille = multipliers.get(placement.id, PERMILLE)
        effective[placement.id] = spec.bid_tiyn * permille // PERMILLE
    if not effective:
        skip("no active placement of its kind matches its placement targeting")
        return None

    keywords = _compile_keywords(spec, targeting.keywords, issues)
    return CompiledAdGroup(
        spec=spec,
        id=spec.id,
        campaign=campaign,
        kind=spec.kind,
        bid_tiyn=spec.bid_tiyn,
        product_ids=product_ids,
        creatives=creatives,
        keywords=keywords,
        negatives=_compile_keywords(spec, targeting.negative_keywords, issues),
        category_ids=targeting.category_ids,
        automatic=targeting.automatic,
        segment_ids=targeting.segment_ids,
        cities=frozenset(c.casefold() for c in targeting.cities),
        store_ids=targeting.store_ids,
        channels=targeting.channels,
        effective_bids=effective,
        cap_day=spec.frequency_cap_day,
        cap_week=spec.frequency_cap_week,
        has_filters=bool(
            targeting.channels
            or targeting.cities
            or targeting.store_ids
            or targeting.segment_ids
            or spec.frequency_cap_day is not None
            or spec.frequency_cap_week is not None
        ),
        has_context_targeting=bool(keywords or targeting.category_ids),
    )


def _compile_keywords(
    spec: AdGroupSpec, keywords: tuple[KeywordSpec, ...], issues: list[CompileIssue]
) -> tuple[KeywordRule, ...]:
    rules: list[KeywordRule] = []
    for keyword in keywords:
        rule = compile_keyword(keyword.text, keyword.match)
        if rule is None:
            issues.append(CompileIssue("ad_group", spec.id, f"empty keyword {keyword.text!r}"))
        elif rule not in rules:
            rules.append(rule)
    return tuple(rules)

"""The demo suppliers' running campaigns, created through the campaigns services.

Most suppliers run an evenly paced search campaign: one sponsored-listing ad group per main
product type with Kazakh and Russian keywords (phrase, exact and broad, with negatives), and an
automatic-targeting ad group for the rest of their range; every other supplier also buys the
category pages. A few brands buy the home banner (creatives approved by the network admin, one
still waiting for review) and one buys the in-store screens. Food Master, the supplier whose
key the demo prints, runs an as-fast-as-possible milk launch, so a fresh server shows sponsored
milk at once (evenly paced campaigns start at a low pass-through rate that the pacing
controller raises each minute).

Everything goes through `jarnama.campaigns.service` and `creatives` with each supplier's own
principal, so the demo data obeys the same checks (own brands, minimum bids, placement sizes)
and leaves the same audit trail as the API.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.campaigns import creatives, service
from jarnama.campaigns.models import AdGroupKind, MatchType, PacingMode
from jarnama.campaigns.schemas import (
    AdGroupCreate,
    CampaignCreate,
    CreativeCreate,
    HourRange,
    Keyword,
    Weekday,
)
from jarnama.catalog.models import Brand, Category, Channel, Product
from jarnama.demo.dataset import PRODUCT_TYPES
from jarnama.demo.product_types import ProductType
from jarnama.demo.suppliers import DEMO_ADVERTISER, SUPPLIERS
from jarnama.tenancy.models import Account, Role, Scope
from jarnama.tenancy.principal import Principal

TENGE = 100  # tiyn
# Suppliers without a campaign yet (the demo's "not advertising" accounts).
NOT_ADVERTISING = frozenset({"ahmad-tea", "borjomi", "shin-line"})
KEYWORD_GROUPS = 3
PRODUCTS_PER_GROUP = 15
AUTO_PRODUCTS = 20
# Words shoppers add when they look for something else than a product to buy.
COMMON_NEGATIVES = (("рецепт", MatchType.PHRASE), ("рецепті", MatchType.PHRASE))
TYPE_NEGATIVES: Mapping[str, tuple[str, ...]] = {
    "milk": ("сгущенное", "кокосовое", "қоюлатылған"),
    "kefir": ("маска",),
    "black-tea": ("чайник",),
    "coffee-beans": ("кофемашина",),
    "diapers": ("торт",),
}
# Home banner 1200×300 and in-store screen 1920×1080, as the demo placements declare.
BANNER_SIZE = (1200, 300)
SCREEN_SIZE = (1920, 1080)
ASSETS = "https://media.dastarkhan.example/ads"
LANDING = "https://dastarkhan.example/promo"


@dataclass(frozen=True, slots=True)
class BannerPlan:
    """A supplier's home banner or screen buy: creative names, status and CPM bid (tiyn)."""

    supplier: str
    kind: AdGroupKind
    campaign: str
    creative: str
    slug: str
    bid_tiyn: int
    approve: bool
    pacing: PacingMode = PacingMode.EVEN


BANNERS: tuple[BannerPlan, ...] = (
    BannerPlan(
        "cci-kz", AdGroupKind.BANNER, "Coca-Cola — жаз / лето", "Coca-Cola: салқын жаз",
        "coca-cola-summer", 260_000, True, PacingMode.ASAP,
    ),
    BannerPlan(
        "danone-kz", AdGroupKind.BANNER, "Activia — таңғы ас / завтрак",
        "Activia: күнді жеңіл бастаңыз", "activia-breakfast", 210_000, True,
    ),
    BannerPlan(
        "pepsico-kz", AdGroupKind.BANNER, "Lay's — футбол кеші / вечер футбола",
        "Lay's: футбол кеші", "lays-football", 190_000, False,
    ),
    BannerPlan(
        "rg-brands", AdGroupKind.IN_STORE_SCREEN, "Piala — дүкендегі экрандар / экраны в магазинах",
        "Piala: шай уақыты", "piala-tea-time", 320_000, True,
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ShelfProduct:
    """A promotable product: active, in stock, of a supplier's own brand."""

    id: int
    sku: str
    brand: str
    category_id: int
    type_code: str


@dataclass(frozen=True, slots=True)
class DemoCampaigns:
    """What the campaign seed made, and SKUs for the printed candidate-list example."""

    campaigns: int
    ad_groups: int
    creatives: int
    candidate_skus: tuple[str, ...]


def _principal(account: Account) -> Principal:
    """The supplier's own account admin (what its API key would be)."""
    return Principal(
        actor=f"demo:{account.external_ref}",
        role=Role.ACCOUNT_ADMIN,
        account_id=account.id,
        scopes=frozenset({Scope.READ.value, Scope.MANAGE.value}),
        account_ids=frozenset({account.id}),
    )


def _network_admin() -> Principal:
    return Principal(
        actor="demo",
        role=Role.NETWORK_ADMIN,
        account_id=None,
        scopes=frozenset(s.value for s in Scope),
    )


def _type_code(sku: str) -> str:
    """The product type of a demo SKU: «DM-SOUR-CREAM-02-0007» → «sour-cream»."""
    return sku.removeprefix("DM-").rsplit("-", 2)[0].lower()


def _shelf(session: Session, owners: Mapping[int, str]) -> dict[str, list[ShelfProduct]]:
    """Active, in-stock products of every supplier's brands, by supplier ref, in SKU order."""
    rows = session.execute(
        select(Product.id, Product.sku, Brand.name, Product.category_id, Brand.owner_account_id)
        .join(Brand, Brand.id == Product.brand_id)
        .where(
            Brand.owner_account_id.is_not(None),
            Product.active.is_(True),
            Product.stock_total > 0,
            Product.category_id.is_not(None),
        )
        .order_by(Product.sku)
    ).all()
    shelf: dict[str, list[ShelfProduct]] = defaultdict(list)
    for product_id, sku, brand, category_id, owner in rows:
        ref = None if owner is None else owners.get(owner)
        if ref is not None and category_id is not None:
            product = ShelfProduct(product_id, sku, brand, category_id, _type_code(sku))
            shelf[ref].append(product)
    return shelf


def _keywords(kind: ProductType, brands: Sequence[str]) -> list[Keyword]:
    """Kazakh and Russian names as phrases, brand + name exact and broad."""
    kk, ru = kind.kk.casefold(), kind.ru.casefold()
    found = [Keyword(text=kk, match=MatchType.PHRASE), Keyword(text=ru, match=MatchType.PHRASE)]
    for brand in brands[:2]:
        found.append(Keyword(text=f"{brand} {ru}", match=MatchType.EXACT))
        found.append(Keyword(text=f"{kk} {brand}", match=MatchType.BROAD))
    return found


def _negatives(kind: ProductType) -> list[Keyword]:
    words = [Keyword(text=t, match=m) for t, m in COMMON_NEGATIVES]
    words += [Keyword(text=t, match=MatchType.BROAD) for t in TYPE_NEGATIVES.get(kind.code, ())]
    return words


class _Seeder:
    """Creates one supplier's campaigns after another (the caller owns the transaction)."""

    def __init__(self, session: Session, now: dt.datetime, rng: random.Random) -> None:
        self.session = session
        self.now = now
        self.rng = rng
        self.types = {kind.code: kind for kind in PRODUCT_TYPES}
        self.campaigns = 0
        self.ad_groups = 0
        self.creatives = 0

    def campaign(
        self,
        who: Principal,
        name: str,
        *,
        daily_tenge: int | None,
        total_tenge: int | None,
        days: int | None,
        pacing: PacingMode = PacingMode.EVEN,
        dayparting: dict[Weekday, list[HourRange]] | None = None,
    ) -> int:
        """A campaign that started yesterday, moved to active."""
        body = CampaignCreate(
            name=name,
            daily_budget_tiyn=None if daily_tenge is None else daily_tenge * TENGE,
            total_budget_tiyn=None if total_tenge is None else total_tenge * TENGE,
            starts_at=self.now - dt.timedelta(days=1),
            ends_at=None if days is None else self.now + dt.timedelta(days=days),
            pacing=pacing,
            dayparting=dayparting,
        )
        campaign = service.create_campaign(self.session, who, body)
        service.change_campaign_status(self.session, who, campaign.id, "active")
        self.campaigns += 1
        return campaign.id

    def ad_group(self, who: Principal, **fields: Any) -> int:
        """An active ad group (checked by the service like an API call)."""
        group = service.create_ad_group(self.session, who, AdGroupCreate(**fields))
        self.ad_groups += 1
        return group.id

    def supplier(self, index: int, name: str, who: Principal, products: list[ShelfProduct]) -> None:
        """A search campaign (keyword and automatic groups); every other one buys category pages."""
        by_type: dict[str, list[ShelfProduct]] = defaultdict(list)
        for product in products:
            by_type[product.type_code].append(product)
        ranked = sorted(by_type, key=lambda code: (-len(by_type[code]), code))
        daily = self.rng.choice((8_000, 12_000, 15_000, 20_000, 30_000, 45_000))
        coffee = any(self.types[code].category == "coffee" for code in ranked[:1])
        campaign = self.campaign(
            who,
            f"{name} — іздеу / поиск",
            daily_tenge=daily,
            total_tenge=daily * 30,
            days=None if index % 3 else 60,
            # Coffee sells in the morning: that campaign serves 06:00-12:00 Almaty time only.
            dayparting={day: [HourRange(from_hour=6, to_hour=12)] for day in Weekday}
            if coffee
            else None,
        )
        for code in ranked[:KEYWORD_GROUPS]:
            kind, shelf = self.types[code], by_type[code][:PRODUCTS_PER_GROUP]
            brands = sorted({p.brand for p in shelf})
            self.ad_group(
                who,
                campaign_id=campaign,
                name=f"{kind.kk} / {kind.ru}",
                kind=AdGroupKind.SPONSORED_LISTING,
                bid_tiyn=self.rng.randint(55, 140) * TENGE,
                product_ids=[p.id for p in shelf],
                keywords=_keywords(kind, brands),
                negative_keywords=_negatives(kind),
                bid_multipliers={"search-results": Decimal("1.25")} if index % 4 == 0 else None,
            )
        rest = [p for code in ranked[KEYWORD_GROUPS:] for p in by_type[code]]
        if rest:
            self.ad_group(
                who,
                campaign_id=campaign,
                name="Автоматты / Автоматически",
                kind=AdGroupKind.SPONSORED_LISTING,
                bid_tiyn=self.rng.randint(50, 80) * TENGE,
                product_ids=[p.id for p in rest[:: max(1, len(rest) // AUTO_PRODUCTS)]][
                    :AUTO_PRODUCTS
                ],
                auto_targeting=True,
            )
        if index % 2 == 0:
            shelf = [p for code in ranked[:KEYWORD_GROUPS] for p in by_type[code]]
            pages = self.campaign(
                who,
                f"{name} — санаттар / категории",
                daily_tenge=None,
                total_tenge=self.rng.choice((150_000, 250_000, 400_000)),
                days=30,
            )
            self.ad_group(
                who,
                campaign_id=pages,
                name="Санат беттері / Страницы категорий",
                kind=AdGroupKind.SPONSORED_LISTING,
                bid_tiyn=self.rng.randint(45, 90) * TENGE,
                product_ids=[p.id for p in shelf[:PRODUCTS_PER_GROUP]],
                category_ids=sorted({p.category_id for p in shelf}),
                placement_codes=["category-page"],
                bid_multipliers={"category-page": Decimal("1.2")},
            )

    def milk_launch(self, who: Principal, products: list[ShelfProduct]) -> list[ShelfProduct]:
        """Food Master's as-fast-as-possible milk launch; returns the milk it promotes."""
        milk = [p for p in products if p.type_code == "milk"][:PRODUCTS_PER_GROUP]
        if not milk:
            return []
        campaign = self.campaign(
            who,
            "Food Master сүт — іске қосу / запуск молока",
            daily_tenge=25_000,
            total_tenge=300_000,
            days=14,
            pacing=PacingMode.ASAP,
        )
        self.ad_group(
            who,
            campaign_id=campaign,
            name="Сүт / Молоко — іске қосу",
            kind=AdGroupKind.SPONSORED_LISTING,
            bid_tiyn=150 * TENGE,
            product_ids=[p.id for p in milk],
            keywords=[
                Keyword(text="сүт", match=MatchType.EXACT),
                Keyword(text="молоко", match=MatchType.EXACT),
                Keyword(text="сүт", match=MatchType.PHRASE),
                Keyword(text="молоко", match=MatchType.PHRASE),
                Keyword(text="food master", match=MatchType.BROAD),
            ],
            negative_keywords=_negatives(self.types["milk"]),
            placement_codes=["search-results"],
        )
        return milk

    def banner(
        self, plan: BannerPlan, who: Principal, admin: Principal, categories: list[int]
    ) -> None:
        """A banner or screen campaign with one creative, approved by the admin or pending."""
        screen = plan.kind is AdGroupKind.IN_STORE_SCREEN
        campaign = self.campaign(
            who,
            plan.campaign,
            daily_tenge=40_000 if screen else 60_000,
            total_tenge=1_000_000,
            days=45,
            pacing=plan.pacing,
        )
        group = self.ad_group(
            who,
            campaign_id=campaign,
            name=plan.creative,
            kind=plan.kind,
            bid_tiyn=plan.bid_tiyn,
            category_ids=categories if screen else None,
            channels=[Channel.IN_STORE] if screen else None,
            cities=["Алматы", "Астана"] if screen else None,
            frequency_cap_day=None if screen else 3,
            frequency_cap_week=None if screen else 10,
        )
        width, height = SCREEN_SIZE if screen else BANNER_SIZE
        creative = creatives.create_creative(
            self.session,
            who,
            CreativeCreate(
                ad_group_id=group,
                name=plan.creative,
                asset_url=f"{ASSETS}/{plan.slug}-{width}x{height}.jpg",
                width=width,
                height=height,
                landing_url=None if screen else f"{LANDING}/{plan.slug}",
            ),
        )
        self.creatives += 1
        if plan.approve:
            creatives.approve_creative(self.session, admin, creative.id)


def seed_campaigns(
    session: Session, accounts: Mapping[str, Account], now: dt.datetime, *, seed: int
) -> DemoCampaigns:
    """Create and activate the demo suppliers' campaigns; flushes, never commits."""
    owners = {account.id: ref for ref, account in accounts.items()}
    shelf = _shelf(session, owners)
    seeder = _Seeder(session, now, random.Random(f"campaigns:{seed}"))
    admin = _network_admin()
    milk: list[ShelfProduct] = []
    for index, spec in enumerate(SUPPLIERS):
        products = shelf.get(spec.ref, [])
        if spec.ref in NOT_ADVERTISING or not products:
            continue
        who = _principal(accounts[spec.ref])
        if spec.ref == DEMO_ADVERTISER:
            milk = seeder.milk_launch(who, products)
        seeder.supplier(index, spec.name, who, products)
    drinks = session.scalars(select(Category.id).where(Category.path == "drinks")).all()
    for plan in BANNERS:
        who = _principal(accounts[plan.supplier])
        seeder.banner(plan, who, admin, list(drinks))
    return DemoCampaigns(
        campaigns=seeder.campaigns,
        ad_groups=seeder.ad_groups,
        creatives=seeder.creatives,
        candidate_skus=_candidates(session, milk),
    )


def _candidates(session: Session, promoted: list[ShelfProduct]) -> tuple[str, ...]:
    """A retailer's first page for «молоко»: milk SKUs, some promoted by the launch, most not."""
    milk = session.scalars(
        select(Product.sku)
        .where(Product.sku.like("DM-MILK-%"), Product.active.is_(True))
        .order_by(Product.sku)
    ).all()
    shown = {p.sku for p in promoted}
    others = [sku for sku in milk if _type_code(sku) == "milk" and sku not in shown]
    # Every brand's milk, not just the first brand's: a spread over the SKU order.
    spread = others[:: max(1, len(others) // 9)][:9]
    return tuple([p.sku for p in promoted[:3]] + spread)

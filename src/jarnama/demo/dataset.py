"""The demo catalog as plain rows: deterministic (seeded), no database.

Every product type × brand × variant combination is a candidate (about 45,000); a seeded
round-robin over the shuffled (type, brand) groups picks `count` of them, so a small
catalog still has every brand and type and a large one the full range. SKUs and GTINs
belong to the candidate, so a product keeps them whatever the count or seed; prices,
stock and the inactive few come from the seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import product
from typing import TypedDict

from jarnama.catalog.fields import gtin_with_check_digit
from jarnama.demo.categories import CATEGORY_BY_CODE
from jarnama.demo.network import STORES
from jarnama.demo.product_types import ProductType
from jarnama.demo.products_dairy import DAIRY_BAKERY_TYPES
from jarnama.demo.products_drinks import SWEETS_DRINKS_FROZEN_TYPES
from jarnama.demo.products_fresh import MEAT_FISH_TYPES
from jarnama.demo.products_nonfood import NONFOOD_TYPES
from jarnama.demo.products_pantry import PANTRY_TYPES
from jarnama.demo.products_produce import PRODUCE_TYPES
from jarnama.demo.suppliers import BRAND_PRICE_PCT, brand_owners
from jarnama.demo.vocabulary import Option

DEFAULT_SEED = 2026
DEFAULT_PRODUCTS = 20_000
GS1_KAZAKHSTAN = "487"
PRODUCT_TYPES: tuple[ProductType, ...] = (
    *DAIRY_BAKERY_TYPES,
    *MEAT_FISH_TYPES,
    *PRODUCE_TYPES,
    *PANTRY_TYPES,
    *SWEETS_DRINKS_FROZEN_TYPES,
    *NONFOOD_TYPES,
)
# A bigger pack costs less per unit: price grows as size ** 0.85.
SIZE_ELASTICITY = Decimal("0.85")
# Share of products per store-stock sample: every STORE_STOCK_EVERY-th product by SKU.
STORE_STOCK_EVERY = 20


class ProductRow(TypedDict):
    """One product as `jarnama.catalog.importer.import_products` takes it."""

    sku: str
    gtin: str
    brand: str
    category: str
    name_kk: str
    name_ru: str
    name_en: str
    price: str
    stock: int
    active: bool


class StockRow(TypedDict):
    """Units of one product in one store, as `import_stock` takes them."""

    sku: str
    store: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A product that may be on the shelf: one brand and one variant of one type."""

    kind: ProductType
    brand: str
    variant: tuple[Option, ...]
    sku: str
    gtin: str


@dataclass(frozen=True, slots=True)
class DemoCatalog:
    """The generated products and a per-store stock sample whose sums are the products' stock."""

    products: list[ProductRow]
    store_stock: list[StockRow]


def _name(parts: Iterator[str]) -> str:
    return " ".join(part for part in parts if part)


def product_names(candidate: Candidate) -> tuple[str, str, str]:
    """The Kazakh, Russian and English names: «Сүт Food Master 3,2% 1 л»."""
    kind, variant = candidate.kind, candidate.variant
    brand = candidate.brand if kind.show_brand else ""
    kk = _name(iter((kind.kk, brand, *(o.kk for o in variant))))
    ru = _name(iter((kind.ru, brand, *(o.ru_for(kind.gender) for o in variant))))
    en = _name(iter((brand, kind.en, *(o.en for o in variant))))
    return kk, ru, en


def _company_prefixes() -> dict[str, str]:
    """A 4-digit GS1 company number per brand (after the 487 country prefix)."""
    return {brand: f"{1000 + i:04d}" for i, brand in enumerate(sorted(brand_owners()))}


@cache
def candidates() -> tuple[Candidate, ...]:
    """Every brand × variant combination of every product type, in a fixed order."""
    companies = _company_prefixes()
    next_item: dict[str, int] = {}
    found: list[Candidate] = []
    seen_codes: set[str] = set()
    for kind in PRODUCT_TYPES:
        if kind.code in seen_codes:
            raise ValueError(f"product type code {kind.code!r} is used twice")
        seen_codes.add(kind.code)
        for brand_no, brand in enumerate(kind.brands, 1):
            company = companies[brand]
            for variant_no, variant in enumerate(product(*kind.axes), 1):
                item = next_item.get(brand, 0)
                next_item[brand] = item + 1
                gtin = gtin_with_check_digit(f"{GS1_KAZAKHSTAN}{company}{item:05d}")
                sku = f"DM-{kind.code.upper()}-{brand_no:02d}-{variant_no:04d}"
                found.append(Candidate(kind, brand, variant, sku, gtin))
    return tuple(found)


def _pick(count: int, rng: random.Random) -> list[Candidate]:
    """`count` candidates: round-robin over shuffled (type, brand) groups of shuffled variants."""
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates():
        groups.setdefault((candidate.kind.code, candidate.brand), []).append(candidate)
    order = list(groups.values())
    rng.shuffle(order)
    for group in order:
        rng.shuffle(group)
    picked: list[Candidate] = []
    depth = 0
    while len(picked) < count and order:
        order = [group for group in order if len(group) > depth]
        for group in order:
            picked.append(group[depth])
            if len(picked) == count:
                break
        depth += 1
    return picked


@cache
def _size_factor(size: int, ref: int) -> Decimal:
    """(size / ref) ** SIZE_ELASTICITY to 4 places (a Decimal power is slow; pairs repeat)."""
    return ((Decimal(size) / Decimal(ref)) ** SIZE_ELASTICITY).quantize(Decimal("0.0001"))


def shelf_price(candidate: Candidate, rng: random.Random) -> Decimal:
    """A 2026 Almaty shelf price in tenge, ending like real price tags (…9, …5, …0)."""
    kind = candidate.kind
    price = Decimal(kind.base)
    size = next((o.size for o in reversed(candidate.variant) if o.size is not None), None)
    if size is not None:
        price *= _size_factor(size, kind.ref)
    for option in candidate.variant:
        price = price * option.pct / 100
    price = price * BRAND_PRICE_PCT.get(candidate.brand, 100) / 100
    price = price * rng.randint(92, 108) / 100
    if price < 100:
        return max(price.quantize(Decimal(1), ROUND_HALF_UP), Decimal(25))
    tens = (price / 10).quantize(Decimal(1), ROUND_HALF_UP) * 10
    return tens - rng.choice((0, 1, 1, 5))


def generate_catalog(seed: int = DEFAULT_SEED, count: int = DEFAULT_PRODUCTS) -> DemoCatalog:
    """The demo products (sorted by SKU) and their per-store stock sample; same seed, same data."""
    if count < 1:
        raise ValueError("count must be at least 1")
    universe = candidates()
    if count > len(universe):
        raise ValueError(f"the demo catalog has at most {len(universe)} products")
    picked = sorted(_pick(count, random.Random(f"pick:{seed}")), key=lambda c: c.sku)
    prices = random.Random(f"price:{seed}")
    stock = random.Random(f"stock:{seed}")
    store_codes = [store.code for store in STORES]
    rows: list[ProductRow] = []
    store_stock: list[StockRow] = []
    for index, candidate in enumerate(picked):
        kk, ru, en = product_names(candidate)
        roll = stock.random()
        active = roll >= 0.02
        units = 0 if roll < 0.05 else stock.randint(6, 900)
        if active and units and index % STORE_STOCK_EVERY == 0:
            stores = stock.sample(
                store_codes, stock.randint(len(store_codes) // 3, len(store_codes))
            )
            per_store = [stock.randint(0, 40) for _ in stores]
            store_stock.extend(
                StockRow(sku=candidate.sku, store=code, quantity=quantity)
                for code, quantity in zip(sorted(stores), per_store, strict=True)
            )
            units = sum(per_store)
        rows.append(
            ProductRow(
                sku=candidate.sku,
                gtin=candidate.gtin,
                brand=candidate.brand,
                category=CATEGORY_BY_CODE[candidate.kind.category].path,
                name_kk=kk,
                name_ru=ru,
                name_en=en,
                price=f"{shelf_price(candidate, prices):.2f}",
                stock=units,
                active=active,
            )
        )
    return DemoCatalog(products=rows, store_stock=store_stock)


def generate_products(seed: int = DEFAULT_SEED, count: int = DEFAULT_PRODUCTS) -> list[ProductRow]:
    """The demo products as import rows (see `generate_catalog`)."""
    return generate_catalog(seed, count).products

"""The demo catalog generator: deterministic, big enough, valid codes, correct Kazakh."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from decimal import Decimal

import pytest

from jarnama.catalog.fields import gtin_problem, parse_price_tiyn
from jarnama.demo.categories import CATEGORIES, CATEGORY_BY_CODE
from jarnama.demo.dataset import (
    DEFAULT_PRODUCTS,
    PRODUCT_TYPES,
    ProductRow,
    candidates,
    generate_catalog,
    generate_products,
)
from jarnama.demo.network import CATEGORY_MIN_BIDS, CITY_BOUNDS, PLACEMENTS, STORES
from jarnama.demo.suppliers import SUPPLIERS, brand_owners

KAZAKH_LETTERS = frozenset("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
CYRILLIC = "А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
MIXED_SCRIPT_WORD = re.compile(rf"[{CYRILLIC}][A-Za-z]|[A-Za-z][{CYRILLIC}]")
# «Russified» misspellings: a Kazakh letter replaced by its Russian look-alike.
RUSSIFIED = re.compile(
    r"\b(Сут|Каймак|Иримшик|Ірімшик|Тауык|Балык|Жумыртка|Шужык|Кумыс|Шубат|Кара шай"
    r"|Коксерке|Курт)\b",
    re.IGNORECASE,
)
# Product type code → the Kazakh word its name must start with.
KAZAKH_NAMES = {
    "MILK": "Сүт ",
    "AYRAN": "Айран ",
    "SOUR-CREAM": "Қаймақ ",
    "CHEESE": "Ірімшік ",
    "COTTAGE-CHEESE": "Сүзбе ",
    "BUTTER": "Сары май ",
    "KUMYS": "Қымыз ",
    "EGGS": "Тауық жұмыртқасы ",
    "WHITE-BREAD": "Ақ нан ",
    "BEEF": "Сиыр еті ",
    "CHICKEN-FILLET": "Тауық филесі ",
    "BOILED-SAUSAGE": "Қайнатылған шұжық ",
    "SALMON": "Албырт ",
    "APPLES": "Алма ",
    "POTATOES": "Картоп ",
    "CARROTS": "Сәбіз ",
    "WHEAT-FLOUR": "Бидай ұны ",
    "RICE": "Күріш ",
    "BLACK-TEA": "Қара шай ",
    "GREEN-TEA": "Көк шай ",
    "WATER": "Су ",
    "JUICE": "Шырын ",
    "ICE-CREAM": "Балмұздақ ",
    "PELMENI": "Тұшпара ",
    "SHAMPOO": "Сусабын ",
    "DRY-CAT-FOOD": "Мысықтарға арналған құрғақ азық ",
}


@pytest.fixture(scope="module")
def rows() -> list[ProductRow]:
    """The default demo catalog (generated once for the module)."""
    return generate_products()


def _type_code(row: ProductRow) -> str:
    return row["sku"].split("-", 1)[1].rsplit("-", 2)[0]


def test_same_seed_gives_same_rows(rows: list[ProductRow]) -> None:
    """The generator is deterministic: same seed, same rows; another seed, other prices."""
    assert generate_products() == rows
    other = generate_products(seed=7)
    assert other != rows
    assert generate_catalog(seed=7) == generate_catalog(seed=7)


def test_at_least_20000_unique_skus_and_names(rows: list[ProductRow]) -> None:
    """20,000 products by default, every SKU and every name unique."""
    assert len(rows) == DEFAULT_PRODUCTS >= 20_000
    assert len({row["sku"] for row in rows}) == len(rows)
    for language in ("name_kk", "name_ru", "name_en"):
        assert len({row[language] for row in rows}) == len(rows), language
    assert len(candidates()) > DEFAULT_PRODUCTS


def test_rows_have_exactly_the_importer_keys(rows: list[ProductRow]) -> None:
    """Each row carries exactly the keys import_products takes, with the right types."""
    keys = {"sku", "gtin", "brand", "category", "name_kk", "name_ru", "name_en"}
    keys |= {"price", "stock", "active"}
    for row in rows[:50]:
        assert set(row) == keys
        assert isinstance(row["stock"], int)
        assert isinstance(row["active"], bool)


def test_gtins_are_valid_kazakh_gtin13(rows: list[ProductRow]) -> None:
    """GTIN-13 with the 487 (Kazakhstan) prefix, a correct check digit, no duplicates."""
    gtins = [row["gtin"] for row in rows]
    assert len(set(gtins)) == len(gtins)
    for gtin in gtins:
        assert len(gtin) == 13
        assert gtin.startswith("487")
        assert gtin_problem(gtin) is None, gtin


def test_every_product_is_named_in_kazakh_and_russian(rows: list[ProductRow]) -> None:
    """Kazakh and Russian names are present, differ for most products, use Kazakh letters."""
    for row in rows:
        assert row["name_kk"].strip()
        assert row["name_ru"].strip()
        assert row["name_en"].strip()
    differ = sum(row["name_kk"] != row["name_ru"] for row in rows)
    assert differ / len(rows) > 0.9
    with_kazakh_letters = sum(bool(KAZAKH_LETTERS & set(row["name_kk"])) for row in rows)
    assert with_kazakh_letters / len(rows) > 0.6
    # Russian names use no Kazakh letters, except in a trademark («Сарыағаш» stays registered).
    russian = "".join(row["name_ru"].replace(row["brand"], "") for row in rows)
    assert not KAZAKH_LETTERS & set(russian)


def test_kazakh_words_are_spelled_with_kazakh_letters(rows: list[ProductRow]) -> None:
    """«Сүт», not «Сут»: the words that need Kazakh letters have them, no Russified forms."""
    seen: set[str] = set()
    for row in rows:
        code = _type_code(row)
        expected = KAZAKH_NAMES.get(code)
        if expected is not None:
            seen.add(code)
            assert row["name_kk"].startswith(expected), row["name_kk"]
        assert RUSSIFIED.search(row["name_kk"]) is None, row["name_kk"]
        for word in row["name_kk"].split():
            assert MIXED_SCRIPT_WORD.search(word) is None, row["name_kk"]
    assert seen == set(KAZAKH_NAMES)


def test_names_show_numbers_the_local_way(rows: list[ProductRow]) -> None:
    """Decimal comma in Kazakh and Russian («3,2%», «1,5 л»), point in English."""
    milk = [row for row in rows if _type_code(row) == "MILK" and "3,2%" in row["name_ru"]]
    assert milk
    for row in milk:
        assert "3,2%" in row["name_kk"]
        assert "3.2%" in row["name_en"]
    assert any(row["name_kk"].endswith(" 1,5 л") for row in rows)
    tea = [row for row in rows if _type_code(row) == "BLACK-TEA" and "100 пакет" in row["name_kk"]]
    assert tea
    assert all("100 пакетиков" in row["name_ru"] for row in tea)
    assert all("100 bags" in row["name_en"] for row in tea)
    assert not any(re.search(r" - |\s-$", row["name_ru"]) for row in rows)


def test_prices_are_positive_tenge_and_realistic(rows: list[ProductRow]) -> None:
    """Prices are tenge strings with 2 decimals; a litre of milk costs about 650-900 ₸."""
    for row in rows:
        assert re.fullmatch(r"\d+\.\d{2}", row["price"]), row["price"]
        assert parse_price_tiyn(row["price"]) > 0
    litre = [
        Decimal(row["price"])
        for row in rows
        if _type_code(row) == "MILK" and row["name_ru"].endswith(" 1 л")
    ]
    assert len(litre) > 20
    assert 650 <= statistics.median(litre) <= 900
    water = [Decimal(r["price"]) for r in rows if r["name_ru"].startswith("Вода Tassay")]
    assert water
    assert max(water) < 5000


def test_some_products_are_inactive_or_out_of_stock(rows: list[ProductRow]) -> None:
    """A few products are inactive and a few have no stock; most are on sale."""
    inactive = sum(not row["active"] for row in rows)
    empty = sum(row["stock"] == 0 for row in rows)
    assert 0 < inactive < len(rows) * 0.05
    assert 0 < empty < len(rows) * 0.1


def test_store_stock_sums_to_product_stock() -> None:
    """The per-store sample covers real stores and adds up to each product's stock."""
    catalog = generate_catalog(count=2000)
    stores = {store.code for store in STORES}
    totals: Counter[str] = Counter()
    for stock in catalog.store_stock:
        assert stock["store"] in stores
        totals[stock["sku"]] += stock["quantity"]
    assert totals
    by_sku = {row["sku"]: row for row in catalog.products}
    for sku, total in totals.items():
        assert by_sku[sku]["stock"] == total


def test_categories_and_brands_are_known(rows: list[ProductRow]) -> None:
    """Every row's category path is in the tree and every brand in the brand list."""
    paths = {category.path for category in CATEGORIES}
    owners = brand_owners()
    for row in rows:
        assert row["category"] in paths
        assert row["brand"] in owners
    assert {row["category"].split("/")[0] for row in rows} == {
        c.path for c in CATEGORIES if c.parent_path is None
    }


def test_category_tree_is_consistent() -> None:
    """Codes are unique, parents come first, names exist in three languages."""
    codes = [c.code for c in CATEGORIES]
    assert len(codes) == len(set(codes))
    seen: set[str] = set()
    for category in CATEGORIES:
        assert category.parent_path is None or category.parent_path in seen
        seen.add(category.path)
        assert category.name_kk
        assert category.name_ru
        assert category.name_en
    assert max(c.path.count("/") for c in CATEGORIES) == 2
    assert all(kind.category in CATEGORY_BY_CODE for kind in PRODUCT_TYPES)


def test_small_catalog_still_covers_every_brand_and_type() -> None:
    """Once the count reaches the number of (type, brand) pairs, every pair has a product."""
    pairs = {(kind.code.upper(), brand) for kind in PRODUCT_TYPES for brand in kind.brands}
    small = generate_products(count=len(pairs))
    assert {(_type_code(row), row["brand"]) for row in small} == pairs
    assert small == generate_products(count=len(pairs))
    with pytest.raises(ValueError, match="at least 1"):
        generate_products(count=0)


def test_suppliers_stores_and_placements() -> None:
    """About 30 suppliers owning their brands, ~50 stores inside their cities, 5 placements."""
    assert 28 <= len(SUPPLIERS) <= 40
    owners = brand_owners()
    food_master = next(s for s in SUPPLIERS if s.ref == "food-master")
    assert owners["Food Master"] == food_master.ref
    assert owners["Coca-Cola"] == owners["Fanta"] == owners["Sprite"] == owners["Bonaqua"]
    assert len(STORES) == 50
    assert {store.city for store in STORES} == {"Алматы", "Астана"}
    for store in STORES:
        south, north, west, east = CITY_BOUNDS[store.city]
        assert south < store.lat < north, store
        assert west < store.lon < east, store
    placements = {p.code for p in PLACEMENTS}
    for placement, category, tiyn in CATEGORY_MIN_BIDS:
        assert placement in placements
        assert category in CATEGORY_BY_CODE
        assert tiyn > 0
    kinds = {p.kind.value for p in PLACEMENTS}
    assert kinds == {"search", "category", "home_banner", "product_page", "in_store_screen"}
    assert {(p.width, p.height) for p in PLACEMENTS if p.width} == {(1200, 300), (1920, 1080)}

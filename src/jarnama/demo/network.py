"""Stores and ad placements of the demo retailer.

Street names are real streets of Almaty and Astana; the coordinates are points on or near
them (good to a few hundred metres, enough for geo targeting demos), the house numbers and
the stores are invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from jarnama.catalog.models import Channel, PlacementKind
from jarnama.demo.suppliers import RETAILER_NAME


@dataclass(frozen=True, slots=True)
class StoreSpec:
    """One store: code, city, address and position."""

    code: str
    city: str
    street: str
    house: str
    lat: float
    lon: float

    @property
    def name(self) -> str:
        """Shop sign name: «Дастархан Маркет — Абая 52»."""
        short = self.street.replace("проспект ", "").replace("улица ", "").replace("мкр ", "")
        return f"{RETAILER_NAME} — {short} {self.house}"

    @property
    def address(self) -> str:
        """Postal-style address in Russian, as on the store's signboard."""
        return f"{self.city}, {self.street}, {self.house}"


_ALMATY = (
    ("проспект Абая", "52", 43.2405, 76.9170),
    ("проспект Достык", "91", 43.2330, 76.9560),
    ("проспект Аль-Фараби", "77", 43.2183, 76.9280),
    ("улица Толе би", "189", 43.2520, 76.8810),
    ("проспект Райымбека", "348", 43.2640, 76.8600),
    ("улица Сатпаева", "30", 43.2340, 76.9320),
    ("улица Жандосова", "58", 43.2200, 76.8900),
    ("проспект Сейфуллина", "498", 43.2450, 76.9380),
    ("улица Розыбакиева", "247", 43.2290, 76.8870),
    ("улица Тимирязева", "42", 43.2265, 76.9010),
    ("улица Жибек Жолы", "115", 43.2600, 76.9340),
    ("улица Гоголя", "86", 43.2570, 76.9300),
    ("улица Богенбай батыра", "150", 43.2470, 76.9300),
    ("улица Кабанбай батыра", "83", 43.2450, 76.9400),
    ("улица Шевченко", "165", 43.2420, 76.8980),
    ("улица Момышулы", "12", 43.2300, 76.8470),
    ("улица Саина", "16", 43.2400, 76.8560),
    ("проспект Рыскулова", "103", 43.2800, 76.9100),
    ("мкр Аксай-4", "68", 43.2350, 76.8360),
    ("мкр Орбита-2", "19", 43.2040, 76.8950),
    ("мкр Самал-2", "58", 43.2320, 76.9540),
    ("улица Навои", "208", 43.2090, 76.8940),
    ("проспект Суюнбая", "89", 43.2750, 76.9500),
    ("улица Макатаева", "127", 43.2620, 76.9200),
    ("улица Торайгырова", "19", 43.2140, 76.9010),
    ("улица Утеген батыра", "62", 43.2350, 76.8700),
    ("улица Байзакова", "280", 43.2300, 76.9080),
    ("улица Мынбаева", "46", 43.2300, 76.9150),
    ("мкр Коктем-1", "15", 43.2230, 76.9260),
    ("улица Кунаева", "21", 43.2600, 76.9480),
)

_ASTANA = (
    ("проспект Республики", "34", 51.1690, 71.4310),
    ("проспект Кабанбай батыра", "21", 51.1230, 71.4250),
    ("проспект Туран", "37", 51.1280, 71.4120),
    ("улица Сыганак", "60", 51.1200, 71.4370),
    ("проспект Мангилик Ел", "55", 51.1050, 71.4400),
    ("улица Кенесары", "40", 51.1650, 71.4200),
    ("проспект Абая", "46", 51.1650, 71.4450),
    ("проспект Сарыарка", "15", 51.1720, 71.4080),
    ("улица Бейбитшилик", "25", 51.1700, 71.4200),
    ("проспект Богенбай батыра", "56", 51.1780, 71.4350),
    ("улица Сейфуллина", "31", 51.1740, 71.4400),
    ("проспект Тауелсиздик", "34", 51.1380, 71.4700),
    ("улица Момышулы", "6", 51.1450, 71.4850),
    ("проспект Улы Дала", "7", 51.1150, 71.4050),
    ("улица Достык", "5", 51.1260, 71.4300),
    ("улица Иманова", "19", 51.1650, 71.4400),
    ("проспект Женис", "15", 51.1800, 71.4280),
    ("улица Кошкарбаева", "30", 51.1470, 71.4700),
    ("проспект Кудайбердиулы", "25", 51.1500, 71.4800),
    ("улица Бокейхана", "10", 51.1100, 71.4200),
)

STORES: tuple[StoreSpec, ...] = (
    *(
        StoreSpec(f"ALA-{i:02d}", "Алматы", street, house, lat, lon)
        for i, (street, house, lat, lon) in enumerate(_ALMATY, 1)
    ),
    *(
        StoreSpec(f"AST-{i:02d}", "Астана", street, house, lat, lon)
        for i, (street, house, lat, lon) in enumerate(_ASTANA, 1)
    ),
)

# City bounds the coordinates must fall in (checked by the tests).
CITY_BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "Алматы": (43.15, 43.36, 76.75, 77.10),
    "Астана": (51.05, 51.25, 71.30, 71.60),
}


@dataclass(frozen=True, slots=True)
class PlacementSpec:
    """An ad slot group; the minimum bid is per click (listings) or per 1,000 plays (screens)."""

    code: str
    name: str
    kind: PlacementKind
    channel: Channel
    slots: int
    width: int | None
    height: int | None
    min_bid_tiyn: int


PLACEMENTS: tuple[PlacementSpec, ...] = (
    PlacementSpec(
        "search-results", "Поиск: спонсорские товары", PlacementKind.SEARCH, Channel.APP,
        4, None, None, 3_000,
    ),
    PlacementSpec(
        "category-page", "Категория: спонсорские товары", PlacementKind.CATEGORY, Channel.WEB,
        3, None, None, 2_500,
    ),
    PlacementSpec(
        "home-banner", "Главная: баннер 1200×300", PlacementKind.HOME_BANNER, Channel.WEB,
        1, 1200, 300, 150_000,
    ),
    PlacementSpec(
        "product-page", "Карточка товара: похожие товары", PlacementKind.PRODUCT_PAGE,
        Channel.APP, 2, None, None, 2_000,
    ),
    PlacementSpec(
        "in-store-screen", "Экран в магазине 1920×1080", PlacementKind.IN_STORE_SCREEN,
        Channel.IN_STORE, 1, 1920, 1080, 200_000,
    ),
)  # fmt: skip

# (placement code, category code, minimum bid in tiyn): dearer shelves cost more.
CATEGORY_MIN_BIDS: tuple[tuple[str, str, int], ...] = (
    ("search-results", "baby", 5_000),
    ("search-results", "coffee", 4_500),
    ("search-results", "personal-care", 4_000),
    ("search-results", "non-alcoholic", 4_000),
    ("category-page", "dairy", 3_500),
    ("category-page", "sweets", 3_000),
    ("in-store-screen", "drinks", 250_000),
)

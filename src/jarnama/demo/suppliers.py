"""Supplier accounts of the demo network and the brands each one owns.

The brands are ones sold in Kazakhstan's grocery stores; which demo account owns which brand
is part of the invented demo, not a statement about the real companies.
"""

from __future__ import annotations

from dataclasses import dataclass

RETAILER_NAME = "Дастархан Маркет"
PRIVATE_LABEL = "Дастархан"


@dataclass(frozen=True, slots=True)
class SupplierSpec:
    """An advertiser account (a supplier) and the brands it owns."""

    ref: str
    name: str
    brands: tuple[str, ...]


SUPPLIERS: tuple[SupplierSpec, ...] = (
    SupplierSpec("food-master", "Food Master", ("Food Master",)),
    SupplierSpec("adal", "Adal", ("Adal",)),
    SupplierSpec("emil", "Эмиль", ("Emil",)),
    SupplierSpec("lactalis-kz", "Lactalis Kazakhstan", ("Lactel", "President")),
    SupplierSpec("danone-kz", "Danone Kazakhstan", ("Danone", "Activia", "Простоквашино")),
    SupplierSpec("savushkin", "Савушкин продукт", ("Савушкин",)),
    SupplierSpec("kublei", "Кублей", ("Kublei",)),
    SupplierSpec("alel", "Alel Agro", ("Alel",)),
    SupplierSpec("rakhat", "Рахат", ("Рахат",)),
    SupplierSpec("bayan-sulu", "Баян Сулу", ("Баян Сулу",)),
    SupplierSpec(
        "mondelez-kz", "Mondelēz Kazakhstan", ("Alpen Gold", "Milka", "Oreo", "Юбилейное")
    ),
    SupplierSpec(
        "mars-kz",
        "Mars Kazakhstan",
        ("Snickers", "Twix", "Mars", "Whiskas", "Kitekat", "Pedigree", "Chappi", "Royal Canin"),
    ),
    SupplierSpec(
        "nestle-kz",
        "Nestlé Kazakhstan",
        (
            "Nestlé",
            "Nescafé",
            "KitKat",
            "Nesquik",
            "NAN",
            "Nestogen",
            "Purina ONE",
            "Friskies",
            "Felix",
        ),
    ),
    SupplierSpec("ferrero", "Ferrero", ("Kinder", "Ferrero Rocher", "Raffaello")),
    SupplierSpec("rg-brands", "RG Brands", ("Piala", "Piko", "Gracio", "Asu", "Maxi Chai")),
    SupplierSpec("may-tea", "Компания Май", ("Richard", "Curtis")),
    SupplierSpec("orimi", "Orimi", ("Greenfield", "Tess", "Jardin", "Принцесса Нури")),
    SupplierSpec("ahmad-tea", "Ahmad Tea", ("Ahmad Tea",)),
    SupplierSpec(
        "unilever-kz",
        "Unilever Kazakhstan",
        (
            "Lipton",
            "Calve",
            "Dove",
            "Rexona",
            "Axe",
            "Clear",
            "Domestos",
            "Магнат",
            "Cornetto",
            "Чистая линия",
        ),
    ),
    SupplierSpec(
        "pg-kz",
        "Procter & Gamble Kazakhstan",
        (
            "Ariel",
            "Tide",
            "Fairy",
            "Lenor",
            "Mr. Proper",
            "Comet",
            "Head & Shoulders",
            "Pantene",
            "Blend-a-med",
            "Oral-B",
            "Gillette",
            "Pampers",
            "Safeguard",
        ),
    ),
    SupplierSpec("beiersdorf", "Beiersdorf Kazakhstan", ("Nivea",)),
    SupplierSpec("henkel", "Henkel Kazakhstan", ("Persil", "Schauma", "Vernel")),
    SupplierSpec("colgate", "Colgate-Palmolive", ("Colgate", "Palmolive")),
    SupplierSpec("tassay", "Tassay", ("Tassay",)),
    SupplierSpec(
        "cci-kz",
        "Coca-Cola Içecek Kazakhstan",
        ("Coca-Cola", "Fanta", "Sprite", "Bonaqua", "Rich", "Fuse Tea"),
    ),
    SupplierSpec("pepsico-kz", "PepsiCo Kazakhstan", ("Pepsi", "7Up", "Mirinda", "Lay's")),
    SupplierSpec("borjomi", "IDS Borjomi", ("Borjomi",)),
    SupplierSpec("tsesna", "Цесна", ("Цесна",)),
    SupplierSpec("sultan", "Султан", ("Султан",)),
    SupplierSpec("shedevr", "Шедевр", ("Шедевр",)),
    SupplierSpec("jde", "JDE Kazakhstan", ("Jacobs", "Carte Noire")),
    SupplierSpec("kimberly-clark", "Kimberly-Clark", ("Huggies", "Kleenex")),
    SupplierSpec("essity", "Essity", ("Zewa", "Libero")),
    SupplierSpec("shin-line", "Шин-Лайн", ("Шин-Лайн",)),
    SupplierSpec("makheev", "Махеевъ", ("Махеевъ",)),
)

# The supplier whose API key the demo prints, and the agency acting for a few suppliers.
DEMO_ADVERTISER = "food-master"
AGENCY_REF = "qazaq-media"
AGENCY_NAME = "Qazaq Media Agency"
AGENCY_CLIENTS: tuple[str, ...] = ("rakhat", "bayan-sulu", "tassay", "shedevr", "tsesna")

# Brands on the shelf whose makers have no account in the network (yet).
UNOWNED_BRANDS: tuple[str, ...] = (
    PRIVATE_LABEL,
    "Аксай Нан",
    "Saumal",
    "Hochland",
    "Viola",
    "Первомайские деликатесы",
    "Русское море",
    "Балтийский берег",
    "Вкусные консервы",
    "Vici",
    "Mistral",
    "Увелка",
    "Макфа",
    "Barilla",
    "Аралтуз",
    "Золотая семечка",
    "Borges",
    "Filippo Berio",
    "Heinz",
    "Kikkoman",
    "Bonduelle",
    "Kotányi",
    "Lavazza",
    "Paulig",
    "MacCoffee",
    "Beta Tea",
    "Akbar",
    "Ritter Sport",
    "Lindt",
    "Bounty",
    "Haribo",
    "Barni",
    "Pringles",
    "От Мартина",
    "Сарыағаш",
    "Ессентуки",
    "Red Bull",
    "Monster",
    "Burn",
    "Gorilla",
    "Очаковский",
    "Heineken",
    "Bavaria",
    "Балтика",
    "Сибирская коллекция",
    "Цезарь",
    "Hortex",
    "4 сезона",
    "Nutrilon",
    "Similac",
    "ФрутоНяня",
    "Агуша",
    "HiPP",
    "Gerber",
    "AOS",
    "Sorti",
    "Finish",
    "Papia",
    "Paclan",
    "Лесной бальзам",
    "Garnier",
    "Бархатные ручки",
    "Arko",
    "Barsik",
    "Cat Step",
)

# Price level of a brand against the shelf average, in percent (default 100).
BRAND_PRICE_PCT: dict[str, int] = {
    PRIVATE_LABEL: 84,
    "Аксай Нан": 92,
    "Food Master": 100,
    "Adal": 96,
    "Emil": 94,
    "Lactel": 112,
    "President": 128,
    "Danone": 110,
    "Activia": 115,
    "Hochland": 125,
    "Viola": 130,
    "Piala": 90,
    "Richard": 112,
    "Greenfield": 115,
    "Ahmad Tea": 120,
    "Lipton": 108,
    "Barilla": 160,
    "Lavazza": 150,
    "Carte Noire": 130,
    "Paulig": 125,
    "Lindt": 190,
    "Ritter Sport": 150,
    "Ferrero Rocher": 170,
    "Raffaello": 160,
    "Royal Canin": 180,
    "Purina ONE": 140,
    "Pampers": 120,
    "HiPP": 140,
    "Nutrilon": 125,
    "Similac": 130,
    "Borjomi": 130,
    "Filippo Berio": 115,
    "Шедевр": 95,
    "Цесна": 95,
    "Султан": 90,
    "Tassay": 105,
    "Kublei": 105,
    "Рахат": 100,
    "Баян Сулу": 90,
}


def brand_owners() -> dict[str, str | None]:
    """Every brand of the demo with the ref of the supplier that owns it (None: unowned)."""
    owners: dict[str, str | None] = {brand: None for brand in UNOWNED_BRANDS}
    for supplier in SUPPLIERS:
        for brand in supplier.brands:
            owners[brand] = supplier.ref
    return owners

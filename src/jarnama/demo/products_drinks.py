"""Sweets, snacks, drinks and frozen food of the demo catalog."""

from __future__ import annotations

from jarnama.demo.product_types import FROZEN, LINES, ProductType, kind
from jarnama.demo.suppliers import PRIVATE_LABEL as DL
from jarnama.demo.vocabulary import (
    PL,
    F,
    M,
    N,
    Option,
    adj,
    flavours,
    from_meat,
    grams,
    ml,
    multipack,
    opt,
    percents,
    with_,
)

SUGAR_FREE = opt("қантсыз", "без сахара", "zero sugar")
CLASSIC = opt("", "", "")


def _pack(
    kk: str, ru: str, en: str, volumes: tuple[int, ...], pct: int = 100
) -> tuple[Option, ...]:
    """Sizes in one kind of package: «0,5 л шыны бөтелке»."""
    return tuple(
        Option(f"{v.kk} {kk}".strip(), f"{v.ru} {ru}".strip(), f"{v.en} {en}".strip(), pct, v.size)
        for v in ml(*volumes)
    )


PET = ml(500, 1000, 1500, 2000)
CAN = _pack("қаңылтыр банка", "ж/б", "can", (330, 450, 500), 115)
GLASS = _pack("шыны бөтелке", "стекло", "glass bottle", (250, 330, 500, 1000), 125)
SOFT_DRINK_PACKS = (*PET, *CAN, *GLASS[:2], multipack(6, PET[0]), multipack(6, CAN[0]))


SWEETS_TYPES: tuple[ProductType, ...] = (
    kind(
        "milk-chocolate",
        "chocolate",
        ("Сүтті шоколад", "Шоколад молочный", "Milk chocolate"),
        M,
        ("Рахат", "Баян Сулу", "Alpen Gold", "Milka", "Ritter Sport", DL),
        (650, 90),
        LINES,
        (
            CLASSIC,
            *with_("hazelnut", "raisin", "almond", "cookie", "caramel", "strawberry", pct=110),
        ),
        grams(80, 90, 100, 200, 300),
    ),
    kind(
        "dark-chocolate",
        "chocolate",
        ("Қара шоколад", "Шоколад тёмный", "Dark chocolate"),
        M,
        ("Рахат", "Alpen Gold", "Ritter Sport", "Lindt", DL),
        (750, 90),
        percents("56", "70", "85", "99", step_pct=8),
        grams(80, 90, 100, 200),
    ),
    kind(
        "chocolate-bar",
        "chocolate",
        ("Шоколадты батончик", "Шоколадный батончик", "Chocolate bar"),
        M,
        ("Snickers", "Twix", "Mars", "KitKat", "Bounty", "Рахат"),
        (420, 50),
        (CLASSIC, opt("Super", "Super", "Super", 105), opt("мини", "мини", "mini")),
        (*grams(40, 50, 80), multipack(4, grams(40)[0])),
    ),
    kind(
        "chocolate-sweets",
        "candy",
        ("Шоколад кәмпиттері", "Конфеты шоколадные", "Chocolate sweets"),
        PL,
        ("Рахат", "Баян Сулу", "Ferrero Rocher", "Raffaello", "Kinder", DL),
        (2200, 200),
        LINES,
        flavours("hazelnut", "almond", "coconut", "caramel", "cherry", "pistachio", "prune"),
        grams(150, 200, 250, 300, 500, 1000),
    ),
    kind(
        "caramel-sweets",
        "candy",
        ("Карамель", "Карамель", "Hard candy"),
        F,
        ("Рахат", "Баян Сулу", DL),
        (1900, 500),
        LINES,
        flavours("mint", "lemon", "strawberry", "cherry", "multifruit", "caramel"),
        grams(250, 500, 1000),
    ),
    kind(
        "marshmallow",
        "candy",
        ("Зефир", "Зефир", "Marshmallow"),
        M,
        ("Баян Сулу", "Рахат", DL),
        (1300, 300),
        flavours("vanilla", "chocolate", "apple", "strawberry"),
        grams(250, 300, 500),
    ),
    kind(
        "jelly-sweets",
        "candy",
        ("Мармелад", "Мармелад", "Jelly sweets"),
        M,
        ("Haribo", "Баян Сулу", DL),
        (900, 200),
        flavours("multifruit", "strawberry", "cherry", "orange", "apple"),
        grams(80, 150, 200, 500),
    ),
    kind(
        "cookies",
        "cookies",
        ("Печенье", "Печенье", "Biscuits"),
        N,
        ("Юбилейное", "Oreo", "Barni", "Баян Сулу", "Рахат", DL),
        (650, 200),
        LINES,
        (
            opt("сүтті", "молочное", "milk"),
            *flavours("chocolate", "coconut", "honey", "vanilla", "hazelnut"),
            opt("сұлы", "овсяное", "oat"),
        ),
        grams(100, 112, 150, 200, 300, 400),
    ),
    kind(
        "wafers",
        "cookies",
        ("Вафли", "Вафли", "Wafers"),
        PL,
        ("Баян Сулу", "Рахат", DL),
        (700, 200),
        flavours("chocolate", "lemon", "hazelnut", "vanilla", "strawberry"),
        grams(100, 200, 300, 450),
    ),
    kind(
        "halva",
        "oriental",
        ("Халуа", "Халва", "Halva"),
        F,
        ("Рахат", "Баян Сулу", DL),
        (1300, 350),
        (
            adj("күнбағыс", ("подсолнечный", "подсолнечная", "-", "-"), "sunflower"),
            adj("күнжіт", ("кунжутный", "кунжутная", "-", "-"), "sesame", 130),
            adj("жержаңғақ", ("арахисовый", "арахисовая", "-", "-"), "peanut", 115),
        ),
        (CLASSIC, *with_("chocolate", "raisin", pct=110)),
        grams(250, 350, 500, 1000),
    ),
    kind(
        "crisps",
        "snacks",
        ("Чипсы", "Чипсы", "Crisps"),
        PL,
        ("Lay's", "Pringles", DL),
        (900, 140),
        flavours(
            "salt", "cheese", "sour_cream_onion", "paprika", "mushroom", "red_caviar", "shashlik"
        ),
        grams(50, 80, 90, 140, 165, 225),
    ),
    kind(
        "popcorn",
        "snacks",
        ("Попкорн", "Попкорн", "Popcorn"),
        M,
        (DL,),
        (600, 100),
        (
            opt("тұзды", "солёный", "salted"),
            opt("карамельді", "карамельный", "caramel"),
            opt("ірімшікті", "сырный", "cheese"),
        ),
        grams(50, 100, 150),
    ),
    kind(
        "sunflower-seeds",
        "snacks",
        ("Күнбағыс дәні", "Семечки подсолнечника", "Sunflower seeds"),
        PL,
        ("От Мартина", DL),
        (450, 100),
        (
            opt("қуырылған", "жареные", "roasted"),
            opt("қуырылған, тұзды", "жареные солёные", "roasted & salted"),
            opt("аршылған", "очищенные", "shelled", 140),
        ),
        grams(70, 100, 200, 300, 500),
    ),
)

NO_SUGAR_ADDED = (CLASSIC, opt("қант қосылмаған", "без добавления сахара", "no added sugar", 108))
_JUICE_FLAVOURS = flavours(
    "apple",
    "orange",
    "multifruit",
    "tomato",
    "grape",
    "cherry",
    "peach",
    "pineapple",
    "apricot",
    "pomegranate",
    "pear",
    "mango",
)

DRINKS_TYPES: tuple[ProductType, ...] = (
    kind(
        "water",
        "water",
        ("Су", "Вода", "Water"),
        F,
        ("Tassay", "Bonaqua", "Asu", DL),
        (280, 1500),
        (
            adj("газсыз", ("-", "негазированная", "-", "-"), "still"),
            adj("газдалған", ("-", "газированная", "-", "-"), "sparkling"),
        ),
        (
            *ml(330, 500, 1000, 1500, 5000, 10000),
            multipack(6, ml(500)[0]),
            multipack(6, ml(1500)[0]),
        ),
    ),
    kind(
        "mineral-water",
        "mineral-water",
        ("Минералды су", "Вода минеральная", "Mineral water"),
        F,
        ("Borjomi", "Сарыағаш", "Ессентуки"),
        (600, 500),
        (
            adj("газдалған", ("-", "газированная", "-", "-"), "sparkling"),
            adj("газсыз", ("-", "негазированная", "-", "-"), "still"),
        ),
        (*ml(500, 1000, 1500), *GLASS, *CAN[:1]),
    ),
    *(
        kind(
            f"soft-{brand.lower().replace(' ', '-')}",
            "soft-drinks",
            ("Газдалған сусын", "Напиток газированный", "Soft drink"),
            M,
            (brand,),
            (600, 1000),
            variants,
            SOFT_DRINK_PACKS,
        )
        for brand, variants in (
            ("Coca-Cola", (CLASSIC, SUGAR_FREE, *flavours("vanilla", "cherry"))),
            ("Pepsi", (CLASSIC, SUGAR_FREE, *flavours("lime"))),
            ("Fanta", flavours("orange", "grape", "pineapple", "mango")),
            ("Sprite", (CLASSIC, SUGAR_FREE)),
            ("7Up", (CLASSIC, SUGAR_FREE)),
            ("Mirinda", flavours("orange", "mango")),
        )
    ),
    kind(
        "kvass",
        "non-alcoholic",
        ("Квас", "Квас", "Kvass"),
        M,
        ("Очаковский", DL),
        (520, 1000),
        (opt("нан квасы", "хлебный", "bread"), opt("ақ квас", "белый", "white")),
        ml(500, 1000, 1500, 2000),
    ),
    kind(
        "juice",
        "juice",
        ("Шырын", "Сок", "Juice"),
        M,
        ("Piko", "Rich", "Gracio", DL),
        (850, 1000),
        _JUICE_FLAVOURS,
        NO_SUGAR_ADDED,
        ml(200, 950, 1000, 2000),
    ),
    kind(
        "nectar",
        "juice",
        ("Нектар", "Нектар", "Nectar"),
        M,
        ("Piko", "Rich", "Gracio", DL),
        (700, 1000),
        _JUICE_FLAVOURS,
        NO_SUGAR_ADDED,
        ml(200, 950, 1000, 2000),
    ),
    kind(
        "iced-tea",
        "iced-tea",
        ("Салқын шай", "Холодный чай", "Iced tea"),
        M,
        ("Fuse Tea", "Lipton", "Maxi Chai"),
        (520, 1000),
        flavours("lemon", "peach", "green_tea", "mango", "raspberry"),
        ml(500, 1000, 1500),
    ),
    kind(
        "energy-drink",
        "energy",
        ("Энергетикалық сусын", "Энергетический напиток", "Energy drink"),
        M,
        ("Red Bull", "Monster", "Burn", "Gorilla"),
        (750, 450),
        (CLASSIC, SUGAR_FREE, *flavours("mango", "cherry")),
        ml(250, 355, 449, 500),
    ),
    kind(
        "alcohol-free-beer",
        "non-alcoholic",
        ("Алкогольсіз сыра", "Пиво безалкогольное", "Alcohol-free beer"),
        N,
        ("Heineken", "Bavaria", "Балтика"),
        (650, 500),
        (
            adj("ашық", ("светлый", "светлая", "светлое", "светлые"), "lager"),
            adj("қою", ("тёмный", "тёмная", "тёмное", "тёмные"), "dark", 105),
            opt("лимон дәмімен", "со вкусом лимона", "lemon", 102),
        ),
        (*CAN, *GLASS[1:3]),
    ),
)

FROZEN_TYPES: tuple[ProductType, ...] = (
    kind(
        "pelmeni",
        "dumplings",
        ("Тұшпара", "Пельмени", "Pelmeni"),
        PL,
        ("Сибирская коллекция", "Цезарь", DL),
        (2600, 800),
        with_("beef", "chicken", "lamb", "turkey"),
        grams(400, 500, 800, 900, 1000),
    ),
    kind(
        "manty",
        "dumplings",
        ("Манты", "Манты", "Manty"),
        PL,
        ("Цезарь", DL),
        (3600, 1000),
        with_("beef", "lamb", "pumpkin", "potato"),
        grams(500, 800, 1000),
    ),
    kind(
        "pancakes",
        "ready-meals",
        ("Құймақ", "Блинчики", "Pancakes"),
        PL,
        ("Цезарь", DL),
        (1500, 420),
        (CLASSIC, *with_("meat", "curd", "jam", "chicken")),
        grams(360, 420, 900),
    ),
    kind(
        "cutlets",
        "ready-meals",
        ("Котлет", "Котлеты", "Cutlets"),
        PL,
        ("Alel", DL),
        (2400, 500),
        from_meat("beef", "chicken", "turkey"),
        grams(300, 500, 1000),
    ),
    kind(
        "nuggets",
        "ready-meals",
        ("Наггетс", "Наггетсы", "Nuggets"),
        PL,
        ("Alel", DL),
        (2200, 500),
        (CLASSIC, *flavours("cheese", "paprika")),
        grams(250, 300, 500, 1000),
    ),
    *(
        kind(
            code,
            "frozen-veg",
            names,
            gender,
            ("Hortex", "4 сезона", "Bonduelle", DL),
            (price, 400),
            *axes,
            grams(300, 400, 500, 1000),
        )
        for code, names, gender, price, axes in (
            (
                "frozen-broccoli",
                ("Мұздатылған брокколи", "Брокколи замороженная", "Frozen broccoli"),
                F,
                1100,
                (),
            ),
            (
                "frozen-peas",
                ("Мұздатылған жасыл бұршақ", "Горошек зелёный замороженный", "Frozen green peas"),
                M,
                850,
                (),
            ),
            (
                "vegetable-mix",
                ("Көкөніс қоспасы", "Овощная смесь", "Vegetable mix"),
                F,
                950,
                (
                    (
                        opt("мексикалық", "мексиканская", "Mexican"),
                        opt("гавайлық", "гавайская", "Hawaiian"),
                        opt("палауға арналған", "для плова", "for plov"),
                        opt("көктемгі", "весенняя", "spring"),
                    ),
                ),
            ),
            (
                "frozen-berries",
                ("Мұздатылған жидектер", "Ягоды замороженные", "Frozen berries"),
                PL,
                1600,
                (flavours("strawberry", "raspberry", "cherry", "currant", "bilberry"),),
            ),
        )
    ),
    kind(
        "ice-cream",
        "ice-cream",
        ("Балмұздақ", "Мороженое", "Ice cream"),
        N,
        ("Шин-Лайн", "Магнат", "Cornetto", "Emil", DL),
        (450, 80),
        (
            opt("пломбир", "пломбир", "plombir"),
            opt("шоколадты", "шоколадное", "chocolate"),
            *flavours("strawberry", "vanilla", "caramel", "pistachio"),
        ),
        (
            Option("эскимо 70 г", "эскимо 70 г", "stick 70 g", 100, 70),
            Option("стақанша 90 г", "стаканчик 90 г", "cup 90 g", 100, 90),
            Option("рожок 110 г", "рожок 110 г", "cone 110 g", 110, 110),
            Option("брикет 250 г", "брикет 250 г", "brick 250 g", 95, 250),
            Option("шелек 450 г", "ведёрко 450 г", "tub 450 g", 95, 450),
            Option("шелек 1 кг", "ведёрко 1 кг", "tub 1 kg", 90, 1000),
        ),
    ),
    kind(
        "frozen-fish-fingers",
        "ready-meals",
        ("Балық таяқшалары", "Рыбные палочки", "Fish fingers"),
        PL,
        ("Русское море", DL),
        (1900, 300),
        (FROZEN,),
        grams(250, 300, 500),
    ),
)


SWEETS_DRINKS_FROZEN_TYPES: tuple[ProductType, ...] = (*SWEETS_TYPES, *DRINKS_TYPES, *FROZEN_TYPES)

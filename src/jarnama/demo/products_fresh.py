"""Meat, poultry, fish and seafood of the demo catalog."""

from __future__ import annotations

from jarnama.demo.product_types import CHILLED, FROZEN, SMOKED, ProductType, kind
from jarnama.demo.suppliers import PRIVATE_LABEL as DL
from jarnama.demo.vocabulary import (
    PL,
    F,
    M,
    N,
    Option,
    adj,
    from_meat,
    grams,
    opt,
)

SAUSAGE_MAKERS = ("Kublei", "Первомайские деликатесы", DL)
FISH_BRANDS = ("Русское море", "Балтийский берег", DL)

_CUTS = {
    "brisket": ("төс еті", "грудинка", "brisket", 95),
    "shoulder": ("жауырын", "лопатка", "shoulder", 100),
    "boneless": ("сүйексіз ет", "мякоть", "boneless", 125),
    "ribs": ("қабырға", "рёбра", "ribs", 90),
    "soup": ("сорпалық ет", "суповой набор", "soup set", 70),
    "steak": ("стейк", "стейк", "steak", 150),
    "leg": ("сан еті", "окорок", "leg", 110),
}


def _cuts(*codes: str) -> tuple[Option, ...]:
    return tuple(opt(*_CUTS[code]) for code in codes)


MEAT_TYPES: tuple[ProductType, ...] = (
    kind(
        "beef",
        "red-meat",
        ("Сиыр еті", "Говядина", "Beef"),
        F,
        ("Kublei", DL),
        (5200, 1000),
        _cuts("brisket", "shoulder", "boneless", "ribs", "soup", "steak"),
        (CHILLED, FROZEN),
        grams(500, 1000),
    ),
    kind(
        "lamb",
        "red-meat",
        ("Қой еті", "Баранина", "Lamb"),
        F,
        (DL,),
        (5400, 1000),
        _cuts("shoulder", "ribs", "boneless", "leg", "soup"),
        (CHILLED, FROZEN),
        grams(500, 1000),
    ),
    kind(
        "horse-meat",
        "red-meat",
        ("Жылқы еті", "Конина", "Horse meat"),
        F,
        ("Kublei", DL),
        (5600, 1000),
        _cuts("boneless", "ribs", "soup"),
        (CHILLED, FROZEN),
        grams(500, 1000),
    ),
    *(
        kind(
            code,
            "poultry",
            names,
            gender,
            ("Alel", DL),
            (price, 1000),
            (CHILLED, FROZEN),
            grams(500, 800, 1000, 2000),
        )
        for code, names, gender, price in (
            ("chicken-fillet", ("Тауық филесі", "Филе куриное", "Chicken fillet"), N, 2700),
            ("chicken-breast", ("Тауық төсі", "Грудка куриная", "Chicken breast"), F, 2300),
            ("chicken-thigh", ("Тауық саны", "Бедро куриное", "Chicken thigh"), N, 1900),
            ("chicken-drumstick", ("Тауық сирағы", "Голень куриная", "Chicken drumstick"), F, 1800),
            ("chicken-wings", ("Тауық қанаттары", "Крылья куриные", "Chicken wings"), PL, 1700),
            ("whole-chicken", ("Тауық ұшасы", "Тушка цыплёнка", "Whole chicken"), F, 1650),
            ("turkey-fillet", ("Күркетауық филесі", "Филе индейки", "Turkey fillet"), N, 3900),
        )
    ),
    kind(
        "kazy",
        "sausages",
        ("Қазы", "Казы", "Kazy"),
        N,
        SAUSAGE_MAKERS,
        (12500, 1000),
        (opt("", "", ""), SMOKED),
        grams(300, 500, 1000),
    ),
    kind(
        "horse-sausage",
        "sausages",
        ("Жылқы шұжығы", "Колбаса из конины", "Horse sausage"),
        F,
        SAUSAGE_MAKERS,
        (7800, 1000),
        (opt("", "", ""), SMOKED),
        grams(300, 400, 500),
    ),
    *(
        kind(
            code,
            "sausages",
            names,
            gender,
            SAUSAGE_MAKERS,
            (price, 1000),
            from_meat("beef", "chicken", "horse", "turkey"),
            grams(*sizes),
        )
        for code, names, gender, price, sizes in (
            (
                "boiled-sausage",
                ("Қайнатылған шұжық", "Колбаса варёная", "Boiled sausage"),
                F,
                3600,
                (300, 400, 500, 800, 1000),
            ),
            (
                "smoked-sausage",
                ("Ысталған шұжық", "Колбаса копчёная", "Smoked sausage"),
                F,
                6200,
                (250, 300, 400),
            ),
            (
                "frankfurters",
                ("Сосиска", "Сосиски", "Frankfurters"),
                PL,
                3400,
                (300, 400, 500, 1000),
            ),
            ("wieners", ("Сарделька", "Сардельки", "Wieners"), PL, 3500, (400, 500, 1000)),
            ("ham", ("Ветчина", "Ветчина", "Ham"), F, 4600, (200, 300, 400)),
        )
    ),
    kind(
        "mince",
        "mince",
        ("Тартылған ет", "Фарш", "Mince"),
        M,
        ("Alel", DL),
        (4200, 1000),
        from_meat("beef", "chicken", "lamb", "turkey"),
        (CHILLED, FROZEN),
        grams(400, 500, 800, 1000),
    ),
)

_FRESH_FISH = (
    ("carp", ("Сазан", "Сазан", "Carp"), 2300),
    ("pike", ("Шортан", "Щука", "Pike"), 2600),
    ("zander", ("Көксерке", "Судак", "Zander"), 3600),
    ("trout", ("Форель", "Форель", "Trout"), 7800),
    ("hake", ("Хек", "Хек", "Hake"), 2900),
    ("pollock", ("Минтай", "Минтай", "Pollock"), 2200),
)

FISH_TYPES: tuple[ProductType, ...] = (
    *(
        kind(
            code,
            "fresh-fish",
            names,
            M,
            ("Русское море", DL),
            (price, 1000),
            (
                opt("бүтін", "целый", "whole"),
                opt("филе", "филе", "fillet", 150),
                opt("стейк", "стейк", "steak", 130),
            ),
            (CHILLED, FROZEN),
            grams(500, 1000),
        )
        for code, names, price in _FRESH_FISH
    ),
    kind(
        "salmon",
        "salted-fish",
        ("Албырт", "Лосось", "Salmon"),
        M,
        FISH_BRANDS,
        (14500, 1000),
        (
            opt("филе", "филе", "fillet"),
            opt("стейк", "стейк", "steak"),
            adj(
                "аздап тұздалған",
                ("слабосолёный", "слабосолёная", "слабосолёное", "слабосолёные"),
                "lightly salted",
                110,
            ),
            SMOKED,
        ),
        grams(150, 200, 300, 500, 1000),
    ),
    *(
        kind(
            code,
            "salted-fish",
            names,
            F,
            FISH_BRANDS,
            (price, 1000),
            (
                adj("тұздалған", ("солёный", "солёная", "солёное", "солёные"), "salted"),
                opt("майдағы филе", "филе в масле", "fillet in oil", 130),
                SMOKED,
            ),
            grams(250, 300, 500, 1000),
        )
        for code, names, price in (
            ("herring", ("Майшабақ", "Сельдь", "Herring"), 2600),
            ("mackerel", ("Скумбрия", "Скумбрия", "Mackerel"), 3200),
        )
    ),
    *(
        kind(
            code,
            "canned-fish",
            names,
            gender,
            ("Вкусные консервы", "Русское море", DL),
            (price, 185),
            (
                opt("өз шырынында", "в собственном соку", "in own juice"),
                opt("майда", "в масле", "in oil", 105),
            ),
            grams(160, 185, 240, 250),
        )
        for code, names, gender, price in (
            ("tuna", ("Тунец", "Тунец", "Tuna"), M, 1250),
            ("saury", ("Сайра", "Сайра", "Saury"), F, 850),
            ("sprats", ("Шпроттар", "Шпроты", "Sprats"), PL, 950),
            (
                "canned-mackerel",
                ("Скумбрия консервісі", "Скумбрия консервированная", "Canned mackerel"),
                F,
                800,
            ),
        )
    ),
    kind(
        "shrimp",
        "seafood",
        ("Асшаян", "Креветки", "Shrimp"),
        PL,
        ("Русское море", "Vici", DL),
        (4800, 500),
        (
            opt("қабығы аршылған", "очищенные", "peeled", 130),
            opt("қабығымен", "неочищенные", "shell-on"),
            opt("корольдік", "королевские", "king", 160),
        ),
        grams(200, 250, 500, 1000),
    ),
    kind(
        "crab-sticks",
        "seafood",
        ("Краб таяқшалары", "Крабовые палочки", "Crab sticks"),
        PL,
        ("Vici", "Русское море", DL),
        (700, 200),
        (opt("", "", ""), CHILLED, FROZEN),
        grams(100, 200, 250, 500),
    ),
    kind(
        "squid",
        "seafood",
        ("Кальмар", "Кальмар", "Squid"),
        M,
        ("Русское море", DL),
        (3600, 1000),
        (opt("ұшасы", "тушка", "tube"), opt("сақиналар", "кольца", "rings", 120)),
        grams(300, 500, 1000),
    ),
    kind(
        "mussels",
        "seafood",
        ("Мидиялар", "Мидии", "Mussels"),
        PL,
        ("Vici", "Русское море", DL),
        (3400, 500),
        (opt("тұздықта", "в соусе", "in sauce", 110), FROZEN),
        grams(200, 300, 500),
    ),
    kind(
        "red-caviar",
        "seafood",
        ("Қызыл уылдырық", "Икра красная", "Red caviar"),
        F,
        ("Русское море", DL),
        (5200, 100),
        grams(60, 95, 100, 140, 250),
    ),
)


MEAT_FISH_TYPES: tuple[ProductType, ...] = (*MEAT_TYPES, *FISH_TYPES)

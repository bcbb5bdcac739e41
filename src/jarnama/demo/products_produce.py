"""Fruit, vegetables, herbs, dried fruit and nuts of the demo catalog."""

from __future__ import annotations

from jarnama.demo.product_types import ProductType, kind
from jarnama.demo.suppliers import PRIVATE_LABEL as DL
from jarnama.demo.vocabulary import (
    PL,
    M,
    Option,
    adj,
    grams,
    opt,
    origins,
    sorts,
)

RED = adj("қызыл", ("красный", "красная", "красное", "красные"), "red")


def _produce(
    code: str,
    category: str,
    names: tuple[str, str, str],
    price: int,
    varieties: tuple[Option, ...],
    countries: tuple[str, ...],
    packs: tuple[int, ...] = (1000,),
    gender: int = PL,
) -> ProductType:
    """Fruit or vegetables sold by weight under the retailer's own label."""
    axes = (varieties,) if varieties else ()
    return kind(
        code,
        category,
        names,
        gender,
        (DL,),
        (price, 1000),
        *axes,
        origins(*countries),
        grams(*packs),
        show_brand=False,
    )


PRODUCE_TYPES: tuple[ProductType, ...] = (
    _produce(
        "apples",
        "fruit",
        ("Алма", "Яблоки", "Apples"),
        750,
        sorts(
            "Апорт/Aport",
            "Гренни Смит/Granny Smith",
            "Голден/Golden",
            "Ред Делишес/Red Delicious",
            "Фуджи/Fuji",
            "Гала/Gala",
            "Семеренко/Semerenko",
        ),
        ("kz", "uz", "kg", "cn", "ir", "pl"),
        (1000, 2000),
    ),
    _produce(
        "pears",
        "fruit",
        ("Алмұрт", "Груши", "Pears"),
        1250,
        sorts("Конференция/Conference", "Вильямс/Williams", "Пакхам/Packham", "Дюшес/Duchess"),
        ("kz", "tr", "cn", "za"),
    ),
    _produce("bananas", "fruit", ("Банан", "Бананы", "Bananas"), 950, (), ("ec", "co"), (1000,)),
    _produce(
        "oranges",
        "fruit",
        ("Апельсин", "Апельсины", "Oranges"),
        1100,
        (),
        ("eg", "ma", "tr", "za", "es"),
        (1000, 2000),
    ),
    _produce(
        "mandarins",
        "fruit",
        ("Мандарин", "Мандарины", "Mandarins"),
        1200,
        (),
        ("tr", "ma", "cn", "pk"),
        (1000, 2000),
    ),
    _produce("lemons", "fruit", ("Лимон", "Лимоны", "Lemons"), 1500, (), ("tr", "za", "ar")),
    _produce(
        "grapes",
        "fruit",
        ("Жүзім", "Виноград", "Grapes"),
        1900,
        sorts(
            "Кишмиш/Kishmish",
            "Ризамат/Rizamat",
            "Тайфи/Taifi",
            "Хусайни/Husaini",
            "Изабелла/Isabella",
        ),
        ("uz", "kz", "tr", "cn"),
        (500, 1000),
    ),
    _produce("apricots", "fruit", ("Өрік", "Абрикосы", "Apricots"), 1600, (), ("uz", "kz", "tj")),
    _produce("peaches", "fruit", ("Шабдалы", "Персики", "Peaches"), 1700, (), ("uz", "tr", "kz")),
    _produce(
        "nectarines", "fruit", ("Нектарин", "Нектарины", "Nectarines"), 1900, (), ("uz", "tr")
    ),
    _produce("watermelon", "fruit", ("Қарбыз", "Арбуз", "Watermelon"), 260, (), ("kz", "uz")),
    _produce(
        "melon",
        "fruit",
        ("Қауын", "Дыня", "Melon"),
        420,
        sorts("Торпеда/Torpedo", "Гуляби/Gulyabi", "Ананасная/Pineapple"),
        ("kz", "uz"),
    ),
    _produce("kiwi", "fruit", ("Киви", "Киви", "Kiwi"), 1600, (), ("ir", "tr", "it")),
    _produce(
        "pomegranates",
        "fruit",
        ("Анар", "Гранат", "Pomegranates"),
        1900,
        (),
        ("az", "tr", "uz", "tj"),
    ),
    _produce("persimmons", "fruit", ("Хурма", "Хурма", "Persimmons"), 1500, (), ("uz", "az")),
    _produce(
        "strawberries",
        "berries",
        ("Құлпынай", "Клубника", "Strawberries"),
        3200,
        (),
        ("kz", "tr", "eg"),
        (250, 500, 1000),
    ),
    _produce(
        "raspberries",
        "berries",
        ("Таңқурай", "Малина", "Raspberries"),
        5200,
        (),
        ("kz", "ru"),
        (125, 250, 500),
    ),
    _produce(
        "bilberries",
        "berries",
        ("Қаражидек", "Черника", "Bilberries"),
        6200,
        (),
        ("ru", "kz"),
        (125, 250, 500),
    ),
    _produce(
        "cherries", "berries", ("Шие", "Вишня", "Cherries"), 2600, (), ("kz", "uz"), (500, 1000)
    ),
    _produce(
        "potatoes",
        "vegetables",
        ("Картоп", "Картофель", "Potatoes"),
        260,
        (
            adj("жас", ("молодой", "молодая", "молодое", "молодые"), "new", 130),
            adj("ақ", ("белый", "белая", "белое", "белые"), "white"),
            RED,
        ),
        ("kz", "kg"),
        (1000, 2500, 5000),
        M,
    ),
    _produce(
        "onions",
        "vegetables",
        ("Пияз", "Лук репчатый", "Onions"),
        220,
        (),
        ("kz", "uz"),
        (1000, 2000),
    ),
    _produce(
        "red-onions",
        "vegetables",
        ("Қызыл пияз", "Лук красный", "Red onions"),
        420,
        (),
        ("kz", "uz"),
    ),
    _produce(
        "carrots",
        "vegetables",
        ("Сәбіз", "Морковь", "Carrots"),
        260,
        (),
        ("kz", "uz"),
        (1000, 2000),
    ),
    _produce("beetroot", "vegetables", ("Қызылша", "Свёкла", "Beetroot"), 260, (), ("kz",)),
    _produce(
        "cabbage",
        "vegetables",
        ("Қырыққабат", "Капуста белокочанная", "White cabbage"),
        220,
        (),
        ("kz",),
    ),
    _produce(
        "cucumbers",
        "vegetables",
        ("Қияр", "Огурцы", "Cucumbers"),
        950,
        (),
        ("kz", "uz", "tr"),
        (500, 1000),
    ),
    _produce(
        "tomatoes",
        "vegetables",
        ("Қызанақ", "Помидоры", "Tomatoes"),
        1250,
        (
            RED,
            adj("қызғылт", ("розовый", "розовая", "розовое", "розовые"), "pink", 115),
            opt("черри", "черри", "cherry", 160),
        ),
        ("kz", "uz", "tr", "az"),
        (500, 1000),
    ),
    _produce(
        "sweet-peppers",
        "vegetables",
        ("Тәтті бұрыш", "Перец сладкий", "Sweet peppers"),
        1500,
        (
            RED,
            adj("сары", ("жёлтый", "жёлтая", "жёлтое", "жёлтые"), "yellow"),
            adj("жасыл", ("зелёный", "зелёная", "зелёное", "зелёные"), "green", 85),
        ),
        ("kz", "tr", "uz"),
        (1000,),
        M,
    ),
    _produce(
        "garlic",
        "vegetables",
        ("Сарымсақ", "Чеснок", "Garlic"),
        2500,
        (),
        ("kz", "cn"),
        (100, 250, 1000),
    ),
    _produce("courgettes", "vegetables", ("Кәді", "Кабачки", "Courgettes"), 800, (), ("kz", "uz")),
    _produce(
        "aubergines", "vegetables", ("Баклажан", "Баклажаны", "Aubergines"), 950, (), ("kz", "uz")
    ),
    _produce("pumpkin", "vegetables", ("Асқабақ", "Тыква", "Pumpkin"), 400, (), ("kz",)),
    _produce(
        "cauliflower",
        "vegetables",
        ("Гүлді қырыққабат", "Капуста цветная", "Cauliflower"),
        1300,
        (),
        ("kz", "cn"),
    ),
    _produce(
        "broccoli", "vegetables", ("Брокколи", "Брокколи", "Broccoli"), 1900, (), ("kz", "cn")
    ),
    _produce(
        "mushrooms",
        "vegetables",
        ("Саңырауқұлақ", "Шампиньоны", "Champignons"),
        2200,
        (),
        ("kz", "ru"),
        (250, 400, 1000),
    ),
    _produce(
        "ginger", "vegetables", ("Зімбір", "Имбирь", "Ginger"), 2900, (), ("cn",), (100, 1000)
    ),
    _produce("dill", "herbs", ("Аскөк", "Укроп", "Dill"), 4000, (), ("kz",), (50, 100)),
    _produce("parsley", "herbs", ("Ақжелкен", "Петрушка", "Parsley"), 4000, (), ("kz",), (50, 100)),
    _produce(
        "spring-onions",
        "herbs",
        ("Көк пияз", "Лук зелёный", "Spring onions"),
        3600,
        (),
        ("kz",),
        (50, 100),
    ),
    _produce(
        "lettuce",
        "herbs",
        ("Жапырақ салат", "Салат листовой", "Lettuce"),
        4500,
        (),
        ("kz",),
        (100, 150),
    ),
    *(
        kind(
            code,
            category,
            names,
            PL,
            (DL,),
            (price, 1000),
            origins(*countries),
            grams(100, 200, 500, 1000),
            show_brand=False,
        )
        for code, category, names, price, countries in (
            ("dates", "dried-fruit", ("Құрма", "Финики", "Dates"), 3200, ("ir", "sa")),
            ("raisins", "dried-fruit", ("Мейіз", "Изюм", "Raisins"), 2600, ("uz", "ir")),
            (
                "dried-apricots",
                "dried-fruit",
                ("Кептірілген өрік", "Курага", "Dried apricots"),
                3400,
                ("uz", "tj", "tr"),
            ),
            ("prunes", "dried-fruit", ("Қара өрік", "Чернослив", "Prunes"), 3300, ("uz", "ar")),
        )
    ),
    *(
        kind(
            code,
            "nuts",
            names,
            gender,
            (DL,),
            (price, 1000),
            (
                adj("шикі", ("сырой", "сырая", "сырое", "сырые"), "raw"),
                adj("қуырылған", ("жареный", "жареная", "жареное", "жареные"), "roasted", 108),
                adj("тұздалған", ("солёный", "солёная", "солёное", "солёные"), "salted", 110),
            ),
            grams(100, 150, 200, 500, 1000),
            show_brand=False,
        )
        for code, names, gender, price in (
            ("walnuts", ("Грек жаңғағы", "Грецкий орех", "Walnuts"), M, 4200),
            ("almonds", ("Бадам", "Миндаль", "Almonds"), M, 6500),
            ("peanuts", ("Жержаңғақ", "Арахис", "Peanuts"), M, 2200),
            ("cashews", ("Кешью", "Кешью", "Cashews"), M, 8500),
            ("pistachios", ("Пісте", "Фисташки", "Pistachios"), PL, 9500),
            ("hazelnuts", ("Орман жаңғағы", "Фундук", "Hazelnuts"), M, 7000),
        )
    ),
)

"""Grocery staples, tea and coffee of the demo catalog."""

from __future__ import annotations

from jarnama.demo.product_types import LINES, ProductType, kind
from jarnama.demo.suppliers import PRIVATE_LABEL as DL
from jarnama.demo.vocabulary import (
    PL,
    F,
    M,
    N,
    adj,
    bags,
    combine,
    flavours,
    grams,
    ml,
    opt,
    percents,
    sorts,
    with_,
)

GRAINS = ("Mistral", "Увелка", DL)
CLASSIC = opt("", "", "")

GROCERY_TYPES: tuple[ProductType, ...] = (
    kind(
        "wheat-flour",
        "flour",
        ("Бидай ұны", "Мука пшеничная", "Wheat flour"),
        F,
        ("Цесна", "Макфа", DL),
        (700, 2000),
        (
            opt("жоғары сұрып", "высший сорт", "premium grade", 110),
            opt("бірінші сұрып", "первый сорт", "first grade"),
        ),
        grams(1000, 2000, 5000, 10000, 25000),
    ),
    kind(
        "special-flour",
        "flour",
        ("Ұн", "Мука", "Flour"),
        F,
        ("Цесна", "Макфа", DL),
        (650, 1000),
        (
            opt("құймаққа арналған", "блинная", "for pancakes", 120),
            opt("бәлішке арналған", "для выпечки", "for baking", 115),
            opt("қара бидай", "ржаная", "rye", 110),
            opt("жүгері", "кукурузная", "corn", 130),
        ),
        grams(500, 1000, 2000),
    ),
    kind(
        "rice",
        "rice",
        ("Күріш", "Рис", "Rice"),
        M,
        (*GRAINS, "Султан"),
        (750, 1000),
        (
            adj("ұзын дәнді", ("длиннозёрный", "-", "-", "-"), "long-grain"),
            adj("дөңгелек дәнді", ("круглозёрный", "-", "-", "-"), "round-grain", 90),
            adj("буланған", ("пропаренный", "-", "-", "-"), "parboiled", 110),
            *sorts("Басмати/Basmati", "Жасмин/Jasmine", "Лазер/Lazer", "Девзира/Devzira"),
        ),
        grams(500, 800, 900, 1000, 5000),
    ),
    kind(
        "buckwheat",
        "buckwheat",
        ("Қарақұмық", "Гречка", "Buckwheat"),
        F,
        GRAINS,
        (700, 800),
        (
            opt("", "", ""),
            opt("қайнатуға арналған пакеттерде", "в пакетиках для варки", "boil-in-bag", 120),
        ),
        grams(400, 800, 900, 1000, 3000),
    ),
    *(
        kind(code, "other-grains", names, gender, GRAINS, (price, 800), grams(400, 500, 800, 1000))
        for code, names, gender, price in (
            ("millet", ("Тары", "Пшено", "Millet"), N, 450),
            ("pearl-barley", ("Арпа жармасы", "Перловая крупа", "Pearl barley"), F, 400),
            ("semolina", ("Манна жармасы", "Манная крупа", "Semolina"), F, 450),
            ("wheat-groats", ("Бидай жармасы", "Пшеничная крупа", "Wheat groats"), F, 420),
            ("chickpeas", ("Ноқат", "Нут", "Chickpeas"), M, 850),
            ("split-peas", ("Бұршақ", "Горох колотый", "Split peas"), M, 420),
        )
    ),
    kind(
        "lentils",
        "other-grains",
        ("Жасымық", "Чечевица", "Lentils"),
        F,
        GRAINS,
        (900, 800),
        (
            adj("қызыл", ("красный", "красная", "красное", "красные"), "red"),
            adj("жасыл", ("зелёный", "зелёная", "зелёное", "зелёные"), "green"),
        ),
        grams(400, 800, 1000),
    ),
    kind(
        "oat-flakes",
        "other-grains",
        ("Сұлы жармасы", "Овсяные хлопья", "Rolled oats"),
        PL,
        ("Увелка", "Nesquik", DL),
        (500, 400),
        (
            opt("", "", ""),
            opt("тез пісетін", "быстрого приготовления", "quick-cook", 110),
        ),
        grams(350, 400, 500, 800, 1000),
    ),
    kind(
        "pasta",
        "pasta",
        ("Макарон", "Макароны", "Pasta"),
        PL,
        ("Султан", "Цесна", "Макфа", "Barilla", DL),
        (420, 400),
        LINES,
        sorts(
            "спагетти/spaghetti",
            "пенне/penne",
            "фузилли/fusilli",
            "фарфалле/farfalle",
            "тальятелле/tagliatelle",
            "конкилье/conchiglie",
            "лингвини/linguine",
            "вермишель/vermicelli",
        ),
        grams(400, 450, 500, 800, 1000, 3000),
    ),
    kind(
        "noodles",
        "pasta",
        ("Кеспе", "Лапша", "Noodles"),
        F,
        ("Султан", "Цесна", DL),
        (480, 400),
        (opt("", "", ""), opt("лағманға арналған", "для лагмана", "for lagman", 115)),
        grams(300, 400, 500, 1000),
    ),
    kind(
        "sugar",
        "sugar-salt",
        ("Қант", "Сахар", "Sugar"),
        M,
        (DL,),
        (520, 1000),
        (
            opt("ақ", "белый", "white"),
            opt("қоңыр", "коричневый", "brown", 180),
            opt("кесек", "кусковой", "cubes", 140),
        ),
        grams(500, 900, 1000, 2000, 5000, 10000),
    ),
    kind(
        "salt",
        "sugar-salt",
        ("Ас тұзы", "Соль поваренная", "Table salt"),
        F,
        ("Аралтуз", DL),
        (120, 1000),
        (
            adj("йодталған", ("йодированный", "йодированная", "-", "-"), "iodised"),
            opt("теңіз", "морская", "sea", 250),
            opt("майда", "мелкая", "fine"),
        ),
        grams(500, 1000, 1500),
    ),
    kind(
        "sunflower-oil",
        "oil",
        ("Күнбағыс майы", "Масло подсолнечное", "Sunflower oil"),
        N,
        ("Шедевр", "Золотая семечка", DL),
        (1050, 1000),
        (
            adj("тазартылған", ("рафинированный", "-", "рафинированное", "-"), "refined"),
            adj(
                "тазартылмаған",
                ("нерафинированный", "-", "нерафинированное", "-"),
                "unrefined",
                115,
            ),
        ),
        ml(500, 900, 1000, 1800, 3000, 5000),
    ),
    kind(
        "olive-oil",
        "oil",
        ("Зәйтүн майы", "Масло оливковое", "Olive oil"),
        N,
        ("Borges", "Filippo Berio", DL),
        (4800, 500),
        (
            opt("Extra Virgin", "Extra Virgin", "Extra Virgin", 110),
            opt("Pomace", "Pomace", "Pomace"),
        ),
        ml(250, 500, 750, 1000),
    ),
    kind(
        "mayonnaise",
        "sauces",
        ("Майонез", "Майонез", "Mayonnaise"),
        M,
        ("Махеевъ", "Calve", "Heinz", "Шедевр", DL),
        (900, 400),
        LINES,
        (
            opt("Провансаль", "Провансаль", "Provençal"),
            opt("бөдене жұмыртқасымен", "на перепелином яйце", "with quail egg", 110),
            opt("зәйтүн майымен", "с оливковым маслом", "with olive oil", 115),
        ),
        percents("30", "50", "67", step_pct=5),
        grams(200, 380, 400, 800),
    ),
    kind(
        "ketchup",
        "sauces",
        ("Кетчуп", "Кетчуп", "Ketchup"),
        M,
        ("Heinz", "Махеевъ", "Calve", DL),
        (850, 350),
        LINES,
        (
            opt("томатты", "томатный", "tomato"),
            opt("шашлыққа арналған", "шашлычный", "for shashlik"),
            opt("ащы", "острый", "hot"),
            opt("чили", "чили", "chili"),
        ),
        grams(300, 350, 500, 800),
    ),
    kind(
        "tomato-paste",
        "sauces",
        ("Томат пастасы", "Томатная паста", "Tomato paste"),
        F,
        ("Махеевъ", DL),
        (700, 380),
        grams(70, 270, 380, 500, 800),
    ),
    kind(
        "soy-sauce",
        "sauces",
        ("Соя соусы", "Соевый соус", "Soy sauce"),
        M,
        ("Kikkoman", DL),
        (900, 250),
        (
            opt("классикалық", "классический", "classic"),
            opt("тұзы аз", "менее солёный", "less salt"),
        ),
        ml(150, 250, 500, 1000),
    ),
    *(
        kind(code, "canned-veg", names, gender, ("Bonduelle", DL), (price, 400), grams(*sizes))
        for code, names, gender, price, sizes in (
            (
                "sweet-corn",
                ("Консервіленген жүгері", "Кукуруза консервированная", "Sweet corn"),
                F,
                900,
                (170, 340, 425),
            ),
            (
                "green-peas",
                ("Жасыл бұршақ", "Горошек зелёный", "Green peas"),
                M,
                750,
                (200, 400, 425),
            ),
            ("beans", ("Үрме бұршақ", "Фасоль", "Beans"), F, 800, (400, 425)),
            (
                "pickles",
                ("Маринадталған қияр", "Огурцы маринованные", "Pickled cucumbers"),
                PL,
                1300,
                (360, 680, 720, 1500),
            ),
            ("olives", ("Зәйтүн", "Оливки", "Olives"), PL, 1400, (280, 300, 350)),
        )
    ),
    *(
        kind(
            code,
            "spices",
            names,
            gender,
            ("Kotányi", DL),
            (price, 50),
            (
                adj("ұнтақталған", ("молотый", "молотая", "молотое", "молотые"), "ground"),
                adj("бүтін", ("целый", "целая", "целое", "целые"), "whole", 110),
            ),
            grams(10, 20, 50, 100),
        )
        for code, names, gender, price in (
            ("black-pepper", ("Қара бұрыш", "Перец чёрный", "Black pepper"), M, 600),
            ("red-pepper", ("Қызыл бұрыш", "Перец красный", "Red pepper"), M, 550),
            ("cumin", ("Зире", "Зира", "Cumin"), F, 650),
            ("coriander", ("Кориандр", "Кориандр", "Coriander"), M, 450),
        )
    ),
    *(
        kind(code, "spices", names, F, ("Kotányi", DL), (price, 30), grams(15, 30, 75))
        for code, names, price in (
            (
                "plov-spice",
                ("Палауға арналған дәмдеуіш", "Приправа для плова", "Plov seasoning"),
                450,
            ),
            ("meat-spice", ("Етке арналған дәмдеуіш", "Приправа для мяса", "Meat seasoning"), 450),
            ("bay-leaves", ("Лавр жапырағы", "Лавровый лист", "Bay leaves"), 350),
        )
    ),
    kind(
        "honey",
        "honey-jam",
        ("Бал", "Мёд", "Honey"),
        M,
        (DL,),
        (3200, 500),
        (
            opt("гүл балы", "цветочный", "flower"),
            opt("тау балы", "горный", "mountain", 115),
            opt("қарақұмық балы", "гречишный", "buckwheat", 110),
            opt("эспарцет балы", "эспарцетовый", "sainfoin", 120),
        ),
        grams(250, 350, 500, 1000),
    ),
    kind(
        "jam",
        "honey-jam",
        ("Тосап", "Варенье", "Jam"),
        N,
        ("Махеевъ", DL),
        (1300, 400),
        flavours("strawberry", "apricot", "cherry", "raspberry", "apple", "currant"),
        grams(300, 400, 600),
    ),
    kind(
        "ready-breakfast",
        "breakfast",
        ("Дайын таңғы ас", "Готовый завтрак", "Breakfast cereal"),
        M,
        ("Nesquik", DL),
        (1600, 375),
        flavours("chocolate", "honey", "strawberry", "vanilla"),
        grams(250, 375, 700),
    ),
    kind(
        "muesli",
        "breakfast",
        ("Мюсли", "Мюсли", "Muesli"),
        N,
        (DL,),
        (1500, 400),
        (
            opt("жемісті", "с фруктами", "fruit"),
            opt("жаңғақты", "с орехами", "nut"),
            opt("жидекті", "с ягодами", "berry"),
        ),
        grams(300, 400, 750),
    ),
)

TEA_BRANDS = (
    "Piala",
    "Richard",
    "Curtis",
    "Greenfield",
    "Принцесса Нури",
    "Ahmad Tea",
    "Akbar",
    "Lipton",
    "Tess",
    "Beta Tea",
    DL,
)
GRANULATED = adj("түйіршіктелген", ("гранулированный", "-", "-", "-"), "granulated")
LEAF = adj("жапырақты", ("листовой", "-", "-", "-"), "leaf", 115)
ROASTS = (
    opt("орташа қуырылған", "средней обжарки", "medium roast"),
    opt("қою қуырылған", "тёмной обжарки", "dark roast", 105),
)

TEA_COFFEE_TYPES: tuple[ProductType, ...] = (
    kind(
        "black-tea",
        "black-tea",
        ("Қара шай", "Чай чёрный", "Black tea"),
        M,
        TEA_BRANDS,
        (1300, 100),
        (
            *bags(25, 50, 100, 200),
            *combine((GRANULATED,), grams(250, 500, 1000)),
            *combine((LEAF,), grams(100, 200)),
        ),
        (CLASSIC, *with_("bergamot", "lemon", "mint", "thyme", pct=108)),
    ),
    kind(
        "green-tea",
        "green-tea",
        ("Көк шай", "Чай зелёный", "Green tea"),
        M,
        ("Piala", "Greenfield", "Ahmad Tea", "Akbar", "Lipton", "Tess", "Richard", "Curtis"),
        (900, 25),
        (*bags(25, 100), *combine((LEAF,), grams(100, 200))),
        (CLASSIC, *with_("jasmine", "mint", "lemon", pct=108)),
    ),
    kind(
        "herbal-tea",
        "herbal-tea",
        ("Шөп шайы", "Чай травяной", "Herbal tea"),
        M,
        ("Greenfield", "Tess", DL),
        (850, 20),
        flavours("chamomile", "mint", "rosehip", "ginger"),
        bags(20, 25),
    ),
    kind(
        "instant-coffee",
        "instant-coffee",
        ("Ерітілетін кофе", "Кофе растворимый", "Instant coffee"),
        M,
        ("Nescafé", "Jacobs", "Carte Noire", DL),
        (3200, 95),
        (
            adj("сублимацияланған", ("сублимированный", "-", "-", "-"), "freeze-dried", 110),
            adj("түйіршіктелген", ("гранулированный", "-", "-", "-"), "granulated"),
        ),
        (
            opt("шыны банка", "стеклянная банка", "glass jar", 108),
            opt("жұмсақ қаптама", "мягкая упаковка", "refill pack"),
        ),
        grams(75, 95, 130, 190),
    ),
    kind(
        "ground-coffee",
        "ground-coffee",
        ("Ұнтақталған кофе", "Кофе молотый", "Ground coffee"),
        M,
        ("Jacobs", "Lavazza", "Carte Noire", "Paulig", DL),
        (3600, 250),
        ROASTS,
        grams(200, 230, 250, 500),
    ),
    kind(
        "coffee-beans",
        "coffee-beans",
        ("Дәнді кофе", "Кофе в зёрнах", "Coffee beans"),
        M,
        ("Lavazza", "Jacobs", "Paulig", "Carte Noire"),
        (3800, 250),
        ROASTS,
        grams(250, 500, 1000),
    ),
    kind(
        "coffee-3in1",
        "instant-coffee",
        ("Кофе сусыны 3-і 1-де", "Кофейный напиток 3 в 1", "3-in-1 coffee"),
        M,
        ("Nescafé", "Jacobs", "MacCoffee"),
        (1100, 10),
        (CLASSIC, opt("жұмсақ", "мягкий", "mild"), opt("карамель", "карамель", "caramel")),
        bags(10, 20, 50),
    ),
    kind(
        "cocoa",
        "cocoa",
        ("Какао", "Какао", "Cocoa"),
        N,
        ("Nesquik", DL),
        (1500, 250),
        (
            opt("ерітілетін сусын", "напиток растворимый", "instant drink"),
            opt("ұнтақ", "порошок", "powder", 120),
        ),
        grams(135, 250, 500),
    ),
)


PANTRY_TYPES: tuple[ProductType, ...] = (*GROCERY_TYPES, *TEA_COFFEE_TYPES)

"""Non-food of the demo catalog: baby, household chemicals, personal care, pet supplies."""

from __future__ import annotations

from jarnama.demo.product_types import LINES, ProductType, kind
from jarnama.demo.suppliers import PRIVATE_LABEL as DL
from jarnama.demo.vocabulary import (
    PL,
    F,
    M,
    N,
    Option,
    flavours,
    grams,
    ml,
    opt,
    pieces,
    with_,
)

CLASSIC = opt("", "", "")


def _diaper_sizes() -> tuple[Option, ...]:
    """Diaper sizes with the baby's weight: «3 өлшем (5-9 кг)»."""
    sizes = ((1, "2-5"), (2, "3-6"), (3, "5-9"), (4, "9-14"), (5, "11-16"), (6, "15+"))
    return tuple(
        Option(f"{n} өлшем ({kg} кг)", f"размер {n} ({kg} кг)", f"size {n} ({kg} kg)", 100 + 4 * n)
        for n, kg in sizes
    )


BABY_TYPES: tuple[ProductType, ...] = (
    kind(
        "infant-formula",
        "formula",
        ("Балалар сүт қоспасы", "Смесь молочная детская", "Infant formula"),
        F,
        ("NAN", "Nestogen", "Nutrilon", "Similac"),
        (7200, 400),
        (
            opt("0-6 ай", "0-6 мес.", "0-6 months", 105),
            opt("6-12 ай", "6-12 мес.", "6-12 months"),
            opt("12 айдан бастап", "с 12 мес.", "12 months+", 95),
            opt("18 айдан бастап", "с 18 мес.", "18 months+", 92),
        ),
        (CLASSIC, opt("гипоаллергенді", "гипоаллергенная", "hypoallergenic", 125)),
        grams(350, 400, 600, 800, 1050),
    ),
    kind(
        "baby-porridge",
        "porridge",
        ("Балалар ботқасы", "Каша детская", "Baby porridge"),
        F,
        ("Nestlé", "Heinz", "ФрутоНяня", "HiPP"),
        (1700, 200),
        (
            opt("қарақұмық", "гречневая", "buckwheat"),
            opt("күріш", "рисовая", "rice"),
            opt("сұлы", "овсяная", "oat"),
            opt("жүгері", "кукурузная", "corn"),
            opt("көп дәнді", "мультизлаковая", "multigrain", 108),
        ),
        (opt("сүтті", "молочная", "with milk", 110), opt("сүтсіз", "безмолочная", "dairy-free")),
        grams(180, 200, 220, 250),
    ),
    kind(
        "baby-puree",
        "puree",
        ("Балалар пюресі", "Пюре детское", "Baby puree"),
        N,
        ("ФрутоНяня", "Агуша", "HiPP", "Heinz", "Gerber"),
        (480, 90),
        LINES,
        (
            *flavours(
                "apple", "pear", "peach", "apricot", "banana", "prune", "pumpkin", "broccoli"
            ),
            *flavours("beef", "turkey", "chicken", pct=140),
        ),
        grams(80, 90, 100, 125, 200),
    ),
    kind(
        "baby-juice",
        "puree",
        ("Балалар шырыны", "Сок детский", "Baby juice"),
        M,
        ("ФрутоНяня", "Агуша", "HiPP"),
        (350, 200),
        flavours("apple", "pear", "peach", "multifruit", "grape"),
        ml(125, 200, 500),
    ),
    kind(
        "diapers",
        "diapers",
        ("Жаялық", "Подгузники", "Diapers"),
        PL,
        ("Pampers", "Huggies", "Libero", DL),
        (8500, 60),
        _diaper_sizes(),
        pieces((22, 40, 52, 64, 82, 104)),
    ),
    kind(
        "diaper-pants",
        "diapers",
        ("Жаялық-трусики", "Трусики-подгузники", "Diaper pants"),
        PL,
        ("Pampers", "Huggies", "Libero"),
        (9500, 60),
        _diaper_sizes()[2:],
        pieces((32, 44, 52, 72)),
    ),
    kind(
        "wet-wipes",
        "baby-care",
        ("Ылғалды майлықтар", "Влажные салфетки", "Wet wipes"),
        PL,
        ("Pampers", "Huggies", "Libero", DL),
        (900, 64),
        (
            opt("хош иіссіз", "без запаха", "fragrance-free"),
            *with_("chamomile"),
            opt("алоэ верамен", "с алоэ вера", "with aloe vera"),
        ),
        (
            *pieces((56, 64, 72, 80, 100, 120)),
            Option("3 × 64 дана", "3 × 64 шт", "3 × 64 pcs", 92, 192),
        ),
    ),
)

LAUNDRY = ("Ariel", "Tide", "Persil", DL)
SCENTS = (
    opt("түсті киімге", "Color", "Color"),
    opt("ақ киімге", "для белого", "whites"),
    opt("Lenor хош иісімен", "аромат Lenor", "Lenor scent", 105),
    opt("тау бұлағы", "горный родник", "mountain spring"),
)

HOUSEHOLD_TYPES: tuple[ProductType, ...] = (
    kind(
        "washing-powder",
        "laundry",
        ("Кір жуғыш ұнтақ", "Стиральный порошок", "Washing powder"),
        M,
        LAUNDRY,
        (4800, 3000),
        LINES,
        (
            opt("автомат", "автомат", "automatic"),
            opt("қолмен жуу", "ручная стирка", "hand wash", 90),
        ),
        SCENTS,
        grams(400, 1500, 2400, 3000, 4500, 6000, 9000),
    ),
    kind(
        "laundry-gel",
        "laundry",
        ("Кір жуғыш гель", "Гель для стирки", "Laundry gel"),
        M,
        LAUNDRY,
        (5200, 1950),
        LINES,
        (*SCENTS, opt("сезімтал теріге", "Sensitive", "Sensitive", 110)),
        ml(1000, 1300, 1950, 2600, 3250),
    ),
    kind(
        "laundry-capsules",
        "laundry",
        ("Кір жуғыш капсулалар", "Капсулы для стирки", "Laundry capsules"),
        PL,
        ("Ariel", "Tide", "Persil"),
        (5500, 23),
        SCENTS[:3],
        pieces((12, 15, 23, 30, 45)),
    ),
    kind(
        "fabric-softener",
        "laundry",
        ("Кір шаюға арналған кондиционер", "Кондиционер для белья", "Fabric softener"),
        M,
        ("Lenor", "Vernel", DL),
        (2400, 1000),
        flavours("sea_breeze", "alpine", "jasmine", "vanilla"),
        ml(900, 1000, 1800, 2000),
    ),
    kind(
        "dish-liquid",
        "dishwashing",
        ("Ыдыс жууға арналған құрал", "Средство для мытья посуды", "Washing-up liquid"),
        N,
        ("Fairy", "AOS", "Sorti", DL),
        (1100, 450),
        flavours("lemon", "apple", "green_tea", "aloe", "mint"),
        ml(450, 500, 650, 900, 1350),
    ),
    kind(
        "dishwasher-tablets",
        "dishwashing",
        (
            "Ыдыс жуғыш машинаға арналған таблеткалар",
            "Таблетки для посудомоечной машины",
            "Dishwasher tablets",
        ),
        PL,
        ("Fairy", "Finish", DL),
        (6500, 50),
        (CLASSIC, opt("All in 1", "All in 1", "All in 1", 110)),
        pieces((30, 50, 70, 100)),
    ),
    kind(
        "all-purpose-cleaner",
        "cleaning",
        ("Әмбебап тазалағыш құрал", "Универсальное чистящее средство", "All-purpose cleaner"),
        N,
        ("Mr. Proper", "Comet", DL),
        (1400, 750),
        flavours("lemon", "sea_breeze", "alpine"),
        ml(500, 750, 1000, 1500),
    ),
    kind(
        "toilet-cleaner",
        "cleaning",
        ("Унитаз тазалағыш гель", "Гель для унитаза", "Toilet cleaner"),
        M,
        ("Domestos", "Comet", DL),
        (1500, 1000),
        (CLASSIC, *flavours("lemon", "sea_breeze")),
        ml(500, 750, 1000),
    ),
    kind(
        "toilet-paper",
        "paper",
        ("Дәретхана қағазы", "Туалетная бумага", "Toilet paper"),
        F,
        ("Zewa", "Papia", "Kleenex", DL),
        (950, 4),
        (opt("2 қабатты", "2-слойная", "2-ply"), opt("3 қабатты", "3-слойная", "3-ply", 125)),
        pieces((4, 8, 12, 24, 32), "рулон", ("рулон", "рулона", "рулонов"), ("roll", "rolls")),
    ),
    kind(
        "paper-towels",
        "paper",
        ("Қағаз сүлгі", "Бумажные полотенца", "Paper towels"),
        PL,
        ("Zewa", "Papia", "Kleenex", DL),
        (850, 2),
        (opt("2 қабатты", "2-слойные", "2-ply"), opt("3 қабатты", "3-слойные", "3-ply", 125)),
        pieces((2, 4, 8), "рулон", ("рулон", "рулона", "рулонов"), ("roll", "rolls")),
    ),
    kind(
        "bin-bags",
        "paper",
        ("Қоқыс қаптары", "Мешки для мусора", "Bin bags"),
        PL,
        ("Paclan", DL),
        (700, 30),
        (
            opt("30 л", "30 л", "30 l"),
            opt("60 л", "60 л", "60 l", 130),
            opt("120 л", "120 л", "120 l", 180),
        ),
        pieces((20, 30, 50)),
    ),
)

HAIR_TYPES = (
    opt("барлық шаш түріне", "для всех типов волос", "all hair types"),
    opt("майлы шашқа", "для жирных волос", "oily hair"),
    opt("құрғақ шашқа", "для сухих волос", "dry hair"),
    opt("қайызғаққа қарсы", "против перхоти", "anti-dandruff", 110),
    opt("ерлерге арналған", "мужской", "for men"),
)

PERSONAL_CARE_TYPES: tuple[ProductType, ...] = (
    kind(
        "shampoo",
        "hair",
        ("Сусабын", "Шампунь", "Shampoo"),
        M,
        ("Head & Shoulders", "Pantene", "Clear", "Schauma", "Dove", "Чистая линия", "Nivea"),
        (2800, 400),
        LINES,
        HAIR_TYPES,
        ml(200, 250, 360, 400, 600),
    ),
    kind(
        "conditioner",
        "hair",
        ("Шаш бальзамы", "Бальзам для волос", "Conditioner"),
        M,
        ("Pantene", "Dove", "Schauma", "Чистая линия", "Nivea", "Garnier"),
        (2400, 360),
        HAIR_TYPES[:3],
        ml(180, 200, 360),
    ),
    kind(
        "soap",
        "body",
        ("Сабын", "Мыло", "Soap"),
        N,
        ("Dove", "Palmolive", "Safeguard", "Nivea", DL),
        (380, 90),
        (
            opt("классикалық", "классическое", "classic"),
            opt("зәйтүн", "олива", "olive"),
            opt("сүт пен бал", "молоко и мёд", "milk & honey"),
            opt("алоэ", "алоэ", "aloe"),
        ),
        (*grams(90, 100, 150), Option("4 × 90 г", "4 × 90 г", "4 × 90 g", 94, 360)),
    ),
    kind(
        "liquid-soap",
        "body",
        ("Сұйық сабын", "Жидкое мыло", "Liquid soap"),
        N,
        ("Dove", "Palmolive", "Safeguard", DL),
        (1100, 300),
        (
            opt("классикалық", "классическое", "classic"),
            opt("зәйтүн", "олива", "olive"),
            opt("сүт пен бал", "молоко и мёд", "milk & honey"),
        ),
        ml(250, 300, 500, 1000),
    ),
    kind(
        "shower-gel",
        "body",
        ("Душ гелі", "Гель для душа", "Shower gel"),
        M,
        ("Nivea", "Dove", "Palmolive", "Axe", "Rexona"),
        (1600, 250),
        (
            opt("әйелдерге", "женский", "for women"),
            opt("ерлерге", "мужской", "for men"),
            opt("ылғалдандыратын", "увлажняющий", "moisturising", 105),
        ),
        ml(250, 500, 750),
    ),
    kind(
        "deodorant",
        "body",
        ("Дезодорант", "Дезодорант", "Deodorant"),
        M,
        ("Rexona", "Nivea", "Dove", "Axe", "Gillette"),
        (1900, 150),
        (opt("әйелдерге", "женский", "for women"), opt("ерлерге", "мужской", "for men")),
        (
            Option("спрей 150 мл", "спрей 150 мл", "spray 150 ml", 100, 150),
            Option("спрей 200 мл", "спрей 200 мл", "spray 200 ml", 100, 200),
            Option("роликті 50 мл", "роликовый 50 мл", "roll-on 50 ml", 160, 50),
            Option("стик 40 мл", "стик 40 мл", "stick 40 ml", 190, 40),
        ),
    ),
    kind(
        "toothpaste",
        "oral",
        ("Тіс пастасы", "Зубная паста", "Toothpaste"),
        F,
        ("Colgate", "Blend-a-med", "Лесной бальзам", DL),
        (1100, 100),
        (
            opt("ағартатын", "отбеливающая", "whitening", 115),
            opt("сезімтал тістерге", "для чувствительных зубов", "sensitive", 120),
            opt("кешенді қорғау", "комплексная защита", "complete protection"),
            opt("балаларға арналған", "детская", "kids"),
            opt("жалбызды", "мятная", "mint"),
        ),
        ml(50, 75, 100, 125, 150),
    ),
    kind(
        "toothbrush",
        "oral",
        ("Тіс щеткасы", "Зубная щётка", "Toothbrush"),
        F,
        ("Colgate", "Oral-B", DL),
        (800, 1),
        (
            opt("жұмсақ", "мягкая", "soft"),
            opt("орташа", "средняя", "medium"),
            opt("қатты", "жёсткая", "hard"),
        ),
        pieces((1, 2, 4)),
    ),
    kind(
        "shaving-foam",
        "shaving",
        ("Қырынуға арналған көбік", "Пена для бритья", "Shaving foam"),
        F,
        ("Gillette", "Nivea", "Arko"),
        (1700, 200),
        (
            opt("сезімтал теріге", "для чувствительной кожи", "sensitive"),
            opt("классикалық", "классическая", "classic"),
        ),
        ml(100, 200, 250, 300),
    ),
    kind(
        "razor-cartridges",
        "shaving",
        ("Ауыстырмалы кассеталар", "Сменные кассеты", "Razor cartridges"),
        PL,
        ("Gillette", DL),
        (5400, 4),
        (
            opt("Mach3", "Mach3", "Mach3"),
            opt("Fusion5", "Fusion5", "Fusion5", 130),
            opt("Blue3", "Blue3", "Blue3", 60),
        ),
        pieces((2, 4, 8)),
    ),
    kind(
        "hand-cream",
        "skin",
        ("Қолға арналған крем", "Крем для рук", "Hand cream"),
        M,
        ("Nivea", "Бархатные ручки", "Чистая линия", "Garnier"),
        (900, 75),
        (
            opt("ылғалдандыратын", "увлажняющий", "moisturising"),
            opt("қоректендіретін", "питательный", "nourishing"),
            opt("қалпына келтіретін", "восстанавливающий", "repairing", 110),
        ),
        ml(50, 75, 100),
    ),
    kind(
        "face-cream",
        "skin",
        ("Бетке арналған крем", "Крем для лица", "Face cream"),
        M,
        ("Nivea", "Чистая линия", "Garnier"),
        (2600, 50),
        (
            opt("күндізгі", "дневной", "day"),
            opt("түнгі", "ночной", "night"),
            opt("ылғалдандыратын", "увлажняющий", "moisturising"),
        ),
        ml(50, 100),
    ),
)

CAT_BRANDS = ("Whiskas", "Kitekat", "Friskies", "Felix", "Purina ONE", "Royal Canin", DL)
PET_FLAVOURS = flavours("chicken", "beef", "fish", "salmon", "turkey", "lamb")

PET_TYPES: tuple[ProductType, ...] = (
    kind(
        "dry-cat-food",
        "cat-food",
        ("Мысықтарға арналған құрғақ азық", "Сухой корм для кошек", "Dry cat food"),
        M,
        CAT_BRANDS,
        (1500, 400),
        LINES,
        PET_FLAVOURS,
        (
            opt("ересек мысықтарға", "для взрослых кошек", "adult"),
            opt("стерилизацияланған мысықтарға", "для стерилизованных кошек", "sterilised", 110),
        ),
        grams(300, 350, 400, 800, 1900, 5000),
    ),
    kind(
        "wet-cat-food",
        "cat-food",
        ("Мысықтарға арналған ылғалды азық", "Влажный корм для кошек", "Wet cat food"),
        M,
        CAT_BRANDS,
        (360, 85),
        LINES,
        PET_FLAVOURS,
        (
            opt("тұздықта", "в соусе", "in gravy"),
            opt("желеде", "в желе", "in jelly"),
            opt("паштет", "паштет", "pâté"),
        ),
        grams(75, 85, 100),
    ),
    kind(
        "dry-dog-food",
        "dog-food",
        ("Иттерге арналған құрғақ азық", "Сухой корм для собак", "Dry dog food"),
        M,
        ("Pedigree", "Chappi", "Purina ONE", "Royal Canin", DL),
        (5200, 2200),
        LINES,
        flavours("chicken", "beef", "lamb", "turkey"),
        (
            opt("ұсақ тұқымдарға", "для мелких пород", "small breeds", 110),
            opt("ірі тұқымдарға", "для крупных пород", "large breeds"),
            opt("барлық тұқымдарға", "для всех пород", "all breeds"),
        ),
        grams(600, 2200, 2500, 13000),
    ),
    kind(
        "wet-dog-food",
        "dog-food",
        ("Иттерге арналған ылғалды азық", "Влажный корм для собак", "Wet dog food"),
        M,
        ("Pedigree", "Chappi", "Purina ONE"),
        (420, 100),
        flavours("chicken", "beef", "lamb", "turkey"),
        grams(85, 100, 400),
    ),
    kind(
        "cat-litter",
        "pet-care",
        ("Мысық дәретханасына толтырғыш", "Наполнитель для кошачьего туалета", "Cat litter"),
        M,
        ("Cat Step", "Barsik", DL),
        (2600, 5),
        (
            opt("ағаш", "древесный", "wood"),
            opt("силикагель", "силикагелевый", "silica gel", 160),
            opt("бентонит", "комкующийся", "clumping clay"),
        ),
        pieces((4, 5, 10), "л", ("л", "л", "л"), ("l", "l")),
    ),
)

NONFOOD_TYPES: tuple[ProductType, ...] = (
    *BABY_TYPES,
    *HOUSEHOLD_TYPES,
    *PERSONAL_CARE_TYPES,
    *PET_TYPES,
)

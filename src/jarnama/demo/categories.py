"""The demo retailer's category tree: paths of codes with Kazakh, Russian and English names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """One node of the tree; `path` is the slash-joined codes from the root."""

    path: str
    name_kk: str
    name_ru: str
    name_en: str

    @property
    def code(self) -> str:
        """The node's own code (unique in the whole tree)."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def parent_path(self) -> str | None:
        """The parent's path, None for a root."""
        head, sep, _ = self.path.rpartition("/")
        return head if sep else None


# Parents come before their children.
_TREE: tuple[tuple[str, str, str, str], ...] = (
    ("dairy", "Сүт өнімдері және жұмыртқа", "Молочные продукты и яйца", "Dairy & eggs"),
    ("dairy/milk", "Сүт", "Молоко", "Milk"),
    ("dairy/cream", "Кілегей", "Сливки", "Cream"),
    ("dairy/sour-milk", "Қышқыл сүт өнімдері", "Кисломолочные продукты", "Fermented milk"),
    ("dairy/sour-cream", "Қаймақ", "Сметана", "Sour cream"),
    ("dairy/cottage-cheese", "Сүзбе", "Творог", "Cottage cheese"),
    ("dairy/cheese", "Ірімшік", "Сыр", "Cheese"),
    ("dairy/butter", "Сары май", "Сливочное масло", "Butter"),
    ("dairy/yogurt", "Йогурттар", "Йогурты", "Yogurts"),
    ("dairy/national-drinks", "Қымыз және шұбат", "Кумыс и шубат", "Kumys & shubat"),
    ("dairy/eggs", "Жұмыртқа", "Яйца", "Eggs"),
    ("bakery", "Нан және тоқаш", "Хлеб и выпечка", "Bakery"),
    ("bakery/bread", "Нан", "Хлеб", "Bread"),
    ("bakery/pastry", "Тоқаш және бәліш", "Булочки и пирожки", "Buns & pies"),
    ("bakery/cakes", "Торттар", "Торты и пирожные", "Cakes"),
    ("meat", "Ет және құс", "Мясо и птица", "Meat & poultry"),
    ("meat/red-meat", "Сиыр, қой және жылқы еті", "Говядина, баранина, конина", "Red meat"),
    ("meat/poultry", "Құс еті", "Птица", "Poultry"),
    ("meat/sausages", "Шұжық өнімдері", "Колбасные изделия", "Sausages & deli"),
    ("meat/mince", "Тартылған ет", "Фарш", "Mince"),
    ("fish", "Балық және теңіз өнімдері", "Рыба и морепродукты", "Fish & seafood"),
    ("fish/fresh-fish", "Салқындатылған балық", "Охлаждённая рыба", "Fresh fish"),
    (
        "fish/salted-fish",
        "Тұздалған және ысталған балық",
        "Солёная и копчёная рыба",
        "Salted & smoked fish",
    ),
    ("fish/canned-fish", "Балық консервілері", "Рыбные консервы", "Canned fish"),
    ("fish/seafood", "Теңіз өнімдері", "Морепродукты", "Seafood"),
    ("produce", "Жемістер мен көкөністер", "Фрукты и овощи", "Fruit & vegetables"),
    ("produce/fruit", "Жемістер", "Фрукты", "Fruit"),
    ("produce/berries", "Жидектер", "Ягоды", "Berries"),
    ("produce/vegetables", "Көкөністер", "Овощи", "Vegetables"),
    ("produce/herbs", "Көк шөптер", "Зелень", "Herbs & salad"),
    ("produce/dried-fruit", "Кептірілген жемістер", "Сухофрукты", "Dried fruit"),
    ("produce/nuts", "Жаңғақтар", "Орехи", "Nuts"),
    ("grocery", "Бакалея", "Бакалея", "Grocery staples"),
    ("grocery/flour", "Ұн", "Мука", "Flour"),
    ("grocery/cereals", "Жармалар", "Крупы", "Grains"),
    ("grocery/cereals/rice", "Күріш", "Рис", "Rice"),
    ("grocery/cereals/buckwheat", "Қарақұмық", "Гречка", "Buckwheat"),
    ("grocery/cereals/other-grains", "Басқа жармалар", "Другие крупы", "Other grains"),
    ("grocery/pasta", "Макарон өнімдері", "Макаронные изделия", "Pasta & noodles"),
    ("grocery/sugar-salt", "Қант және тұз", "Сахар и соль", "Sugar & salt"),
    ("grocery/oil", "Өсімдік майы", "Растительное масло", "Cooking oil"),
    ("grocery/sauces", "Соустар мен майонез", "Соусы и майонез", "Sauces & mayonnaise"),
    ("grocery/canned-veg", "Көкөніс консервілері", "Овощные консервы", "Canned vegetables"),
    ("grocery/spices", "Дәмдеуіштер", "Специи и приправы", "Spices"),
    ("grocery/honey-jam", "Бал және тосап", "Мёд и варенье", "Honey & jam"),
    ("grocery/breakfast", "Дайын таңғы ас", "Готовые завтраки", "Breakfast cereals"),
    ("tea-coffee", "Шай және кофе", "Чай и кофе", "Tea & coffee"),
    ("tea-coffee/tea", "Шай", "Чай", "Tea"),
    ("tea-coffee/tea/black-tea", "Қара шай", "Чёрный чай", "Black tea"),
    ("tea-coffee/tea/green-tea", "Көк шай", "Зелёный чай", "Green tea"),
    ("tea-coffee/tea/herbal-tea", "Шөп шайы", "Травяной чай", "Herbal tea"),
    ("tea-coffee/coffee", "Кофе", "Кофе", "Coffee"),
    ("tea-coffee/coffee/instant-coffee", "Ерітілетін кофе", "Растворимый кофе", "Instant coffee"),
    ("tea-coffee/coffee/ground-coffee", "Ұнтақталған кофе", "Молотый кофе", "Ground coffee"),
    ("tea-coffee/coffee/coffee-beans", "Дәнді кофе", "Кофе в зёрнах", "Coffee beans"),
    ("tea-coffee/cocoa", "Какао", "Какао", "Cocoa"),
    ("sweets", "Тәттілер мен тіскебасарлар", "Сладости и снеки", "Sweets & snacks"),
    ("sweets/chocolate", "Шоколад", "Шоколад", "Chocolate"),
    ("sweets/candy", "Кәмпиттер", "Конфеты", "Sweets"),
    ("sweets/cookies", "Печенье және вафли", "Печенье и вафли", "Biscuits & wafers"),
    ("sweets/oriental", "Шығыс тәттілері", "Восточные сладости", "Oriental sweets"),
    ("sweets/snacks", "Тіскебасарлар", "Снеки", "Snacks"),
    ("drinks", "Сусындар", "Напитки", "Drinks"),
    ("drinks/water", "Ауыз су", "Питьевая вода", "Drinking water"),
    ("drinks/mineral-water", "Минералды су", "Минеральная вода", "Mineral water"),
    ("drinks/soft-drinks", "Газдалған сусындар", "Газированные напитки", "Soft drinks"),
    ("drinks/juice", "Шырындар мен нектарлар", "Соки и нектары", "Juices & nectars"),
    ("drinks/iced-tea", "Салқын шай", "Холодный чай", "Iced tea"),
    ("drinks/energy", "Энергетикалық сусындар", "Энергетические напитки", "Energy drinks"),
    (
        "drinks/non-alcoholic",
        "Алкогольсіз сыра және квас",
        "Безалкогольное пиво и квас",
        "Alcohol-free beer & kvass",
    ),
    ("frozen", "Мұздатылған өнімдер", "Замороженные продукты", "Frozen food"),
    ("frozen/dumplings", "Тұшпара және манты", "Пельмени и манты", "Dumplings"),
    ("frozen/ready-meals", "Жартылай фабрикаттар", "Полуфабрикаты", "Ready to cook"),
    ("frozen/frozen-veg", "Мұздатылған көкөністер", "Замороженные овощи", "Frozen vegetables"),
    ("frozen/ice-cream", "Балмұздақ", "Мороженое", "Ice cream"),
    ("baby", "Балалар тауарлары", "Детские товары", "Baby"),
    ("baby/baby-food", "Балалар тағамы", "Детское питание", "Baby food"),
    ("baby/baby-food/formula", "Сүт қоспалары", "Молочные смеси", "Infant formula"),
    ("baby/baby-food/porridge", "Балалар ботқасы", "Детские каши", "Baby porridge"),
    ("baby/baby-food/puree", "Пюре және шырындар", "Пюре и соки", "Purees & juices"),
    ("baby/diapers", "Жаялықтар", "Подгузники", "Diapers"),
    ("baby/baby-care", "Балалар гигиенасы", "Детская гигиена", "Baby care"),
    ("household", "Тұрмыстық химия", "Бытовая химия", "Household"),
    ("household/laundry", "Кір жууға арналған құралдар", "Средства для стирки", "Laundry"),
    (
        "household/dishwashing",
        "Ыдыс жууға арналған құралдар",
        "Средства для мытья посуды",
        "Dishwashing",
    ),
    ("household/cleaning", "Тазалау құралдары", "Чистящие средства", "Cleaning"),
    ("household/paper", "Қағаз өнімдері", "Бумажная продукция", "Paper goods"),
    ("personal-care", "Жеке гигиена", "Личная гигиена и косметика", "Personal care"),
    ("personal-care/hair", "Шаш күтімі", "Уход за волосами", "Hair care"),
    ("personal-care/body", "Дене күтімі", "Уход за телом", "Body care"),
    ("personal-care/oral", "Ауыз қуысының гигиенасы", "Гигиена полости рта", "Oral care"),
    ("personal-care/shaving", "Қырынуға арналған құралдар", "Средства для бритья", "Shaving"),
    ("personal-care/skin", "Тері күтімі", "Уход за кожей", "Skin care"),
    ("pet", "Үй жануарларына арналған тауарлар", "Товары для животных", "Pet supplies"),
    ("pet/cat-food", "Мысықтарға арналған азық", "Корм для кошек", "Cat food"),
    ("pet/dog-food", "Иттерге арналған азық", "Корм для собак", "Dog food"),
    ("pet/pet-care", "Жануарлар күтімі", "Уход за животными", "Pet care"),
)

CATEGORIES: tuple[CategorySpec, ...] = tuple(CategorySpec(*row) for row in _TREE)
CATEGORY_BY_CODE: dict[str, CategorySpec] = {c.code: c for c in CATEGORIES}

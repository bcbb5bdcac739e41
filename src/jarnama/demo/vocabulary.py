"""Words of the demo catalog in Kazakh, Russian and English, and the option builders.

Kazakh follows the standard Cyrillic spelling (сүт, қаймақ, ірімшік, ұн, шұжық …): the nine
letters beyond Russian are real letters, never replaced by their Russian look-alikes. Russian
adjectives agree with the product noun, so an option may carry its four forms (m, f, n, pl).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import product

# Grammatical gender of a Russian product noun: index into an option's `ru_forms`.
M, F, N, PL = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Option:
    """One value of a variant axis (fat, size, flavour, pack …) in three languages.

    `size` is the quantity in the product type's unit (ml, g or pieces) and drives the price;
    `pct` is a further price multiplier in percent.
    """

    kk: str
    ru: str
    en: str
    pct: int = 100
    size: int | None = None
    ru_forms: tuple[str, str, str, str] | None = None

    def ru_for(self, gender: int) -> str:
        """The Russian text agreeing with a noun of `gender`."""
        return self.ru if self.ru_forms is None else self.ru_forms[gender]


def opt(kk: str, ru: str, en: str, pct: int = 100) -> Option:
    """An option whose Russian text does not change with the noun."""
    return Option(kk, ru, en, pct)


def adj(kk: str, ru: tuple[str, str, str, str], en: str, pct: int = 100) -> Option:
    """An adjective option: Russian forms for a masculine, feminine, neuter and plural noun."""
    return Option(kk, ru[0], en, pct, None, ru)


def combine(*axes: tuple[Option, ...]) -> tuple[Option, ...]:
    """One axis out of several: every combination joined into a single option."""
    joined: list[Option] = []
    for parts in product(*axes):
        size = next((part.size for part in parts if part.size is not None), None)
        pct = 100
        for part in parts:
            pct = pct * part.pct // 100
        forms = tuple(
            " ".join(filter(None, (part.ru_for(g) for part in parts))) for g in (M, F, N, PL)
        )
        joined.append(
            Option(
                kk=" ".join(filter(None, (part.kk for part in parts))),
                ru=forms[0],
                en=" ".join(filter(None, (part.en for part in parts))),
                pct=pct,
                size=size,
                ru_forms=(forms[0], forms[1], forms[2], forms[3]),
            )
        )
    return tuple(joined)


def number(value: Decimal, comma: bool) -> str:
    """A quantity without trailing zeros, with a decimal comma for Kazakh and Russian."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if comma else text


def _measure(amount: int, small: tuple[str, str, str], big: tuple[str, str, str]) -> Option:
    if amount >= 1000:
        value = Decimal(amount) / 1000
        kk, ru, en = (
            f"{number(value, c)} {unit}" for c, unit in zip((True, True, False), big, strict=True)
        )
    else:
        kk, ru, en = (f"{amount} {unit}" for unit in small)
    return Option(kk, ru, en, size=amount)


def ml(*amounts: int) -> tuple[Option, ...]:
    """Volumes in millilitres, shown as «500 мл» or «1,5 л»."""
    return tuple(_measure(a, ("мл", "мл", "ml"), ("л", "л", "l")) for a in amounts)


def grams(*amounts: int) -> tuple[Option, ...]:
    """Weights in grams, shown as «400 г» or «2,5 кг»."""
    return tuple(_measure(a, ("г", "г", "g"), ("кг", "кг", "kg")) for a in amounts)


def ru_plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for `count` (1 пакетик, 2 пакетика, 5 пакетиков)."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def pieces(
    counts: tuple[int, ...],
    kk: str = "дана",
    ru: tuple[str, str, str] = ("шт", "шт", "шт"),
    en: tuple[str, str] = ("pc", "pcs"),
) -> tuple[Option, ...]:
    """Counts of pieces: «10 дана» / «10 шт» / «10 pcs» (a Kazakh noun stays singular)."""
    return tuple(
        Option(f"{n} {kk}", f"{n} {ru_plural(n, *ru)}", f"{n} {en[0] if n == 1 else en[1]}", size=n)
        for n in counts
    )


def bags(*counts: int) -> tuple[Option, ...]:
    """Tea bags or sticks: «100 пакет» / «100 пакетиков» / «100 bags»."""
    return pieces(counts, "пакет", ("пакетик", "пакетика", "пакетиков"), ("bag", "bags"))


def multipack(count: int, each: Option) -> Option:
    """Several units sold together: «6 × 1,5 л», a little cheaper per unit."""
    size = None if each.size is None else count * each.size
    return Option(f"{count} × {each.kk}", f"{count} × {each.ru}", f"{count} × {each.en}", 94, size)


def percents(*values: str, step_pct: int = 0) -> tuple[Option, ...]:
    """Fat or cocoa content such as «3,2%»; each step up may cost `step_pct` percent more."""
    return tuple(
        Option(f"{v.replace('.', ',')}%", f"{v.replace('.', ',')}%", f"{v}%", 100 + i * step_pct)
        for i, v in enumerate(values)
    )


# Flavours and fillings as nouns appended to the name («Йогурт … құлпынай»).
FLAVOURS: dict[str, tuple[str, str, str]] = {
    "plain": ("табиғи", "натуральный", "plain"),
    "strawberry": ("құлпынай", "клубника", "strawberry"),
    "peach": ("шабдалы", "персик", "peach"),
    "bilberry": ("қаражидек", "черника", "bilberry"),
    "raspberry": ("таңқурай", "малина", "raspberry"),
    "cherry": ("шие", "вишня", "cherry"),
    "currant": ("қарақат", "смородина", "blackcurrant"),
    "banana": ("банан", "банан", "banana"),
    "vanilla": ("ваниль", "ваниль", "vanilla"),
    "mango": ("манго", "манго", "mango"),
    "apple": ("алма", "яблоко", "apple"),
    "pear": ("алмұрт", "груша", "pear"),
    "apricot": ("өрік", "абрикос", "apricot"),
    "orange": ("апельсин", "апельсин", "orange"),
    "pineapple": ("ананас", "ананас", "pineapple"),
    "grape": ("жүзім", "виноград", "grape"),
    "pomegranate": ("анар", "гранат", "pomegranate"),
    "multifruit": ("мультифрукт", "мультифрукт", "multifruit"),
    "tomato": ("қызанақ", "томат", "tomato"),
    "lemon": ("лимон", "лимон", "lemon"),
    "lime": ("лайм", "лайм", "lime"),
    "mint": ("жалбыз", "мята", "mint"),
    "chocolate": ("шоколад", "шоколад", "chocolate"),
    "caramel": ("карамель", "карамель", "caramel"),
    "coconut": ("кокос", "кокос", "coconut"),
    "hazelnut": ("орман жаңғағы", "фундук", "hazelnut"),
    "almond": ("бадам", "миндаль", "almond"),
    "raisin": ("мейіз", "изюм", "raisin"),
    "cereals": ("дәнді дақылдар", "злаки", "cereals"),
    "honey": ("бал", "мёд", "honey"),
    "pistachio": ("пісте", "фисташка", "pistachio"),
    "prune": ("қара өрік", "чернослив", "prune"),
    "pumpkin": ("асқабақ", "тыква", "pumpkin"),
    "broccoli": ("брокколи", "брокколи", "broccoli"),
    "cheese": ("ірімшік", "сыр", "cheese"),
    "sour_cream_onion": ("қаймақ пен пияз", "сметана и лук", "sour cream & onion"),
    "paprika": ("паприка", "паприка", "paprika"),
    "mushroom": ("саңырауқұлақ", "грибы", "mushroom"),
    "red_caviar": ("қызыл уылдырық", "красная икра", "red caviar"),
    "shashlik": ("шашлық", "шашлык", "shashlik"),
    "salt": ("тұз", "соль", "salted"),
    "chicken": ("тауық", "курица", "chicken"),
    "beef": ("сиыр еті", "говядина", "beef"),
    "lamb": ("қой еті", "ягнёнок", "lamb"),
    "turkey": ("күркетауық", "индейка", "turkey"),
    "fish": ("балық", "рыба", "fish"),
    "salmon": ("албырт", "лосось", "salmon"),
    "chamomile": ("түймедақ", "ромашка", "chamomile"),
    "rosehip": ("итмұрын", "шиповник", "rose hip"),
    "ginger": ("зімбір", "имбирь", "ginger"),
    "jasmine": ("жасмин", "жасмин", "jasmine"),
    "green_tea": ("көк шай", "зелёный чай", "green tea"),
    "aloe": ("алоэ вера", "алоэ вера", "aloe vera"),
    "sea_breeze": ("теңіз самалы", "морской бриз", "sea breeze"),
    "alpine": ("альпі шалғыны", "альпийские луга", "alpine meadow"),
}

# "With …" in Kazakh is the instrumental suffix -мен/-бен/-пен, chosen by the last sound.
WITH: dict[str, tuple[str, str, str]] = {
    "bergamot": ("бергамотпен", "с бергамотом", "with bergamot"),
    "lemon": ("лимонмен", "с лимоном", "with lemon"),
    "mint": ("жалбызбен", "с мятой", "with mint"),
    "jasmine": ("жасминмен", "с жасмином", "with jasmine"),
    "thyme": ("жебірмен", "с чабрецом", "with thyme"),
    "hazelnut": ("орман жаңғағымен", "с фундуком", "with hazelnuts"),
    "almond": ("бадаммен", "с миндалём", "with almonds"),
    "raisin": ("мейізбен", "с изюмом", "with raisins"),
    "cookie": ("печеньемен", "с печеньем", "with biscuit"),
    "caramel": ("карамельмен", "с карамелью", "with caramel"),
    "strawberry": ("құлпынаймен", "с клубникой", "with strawberry"),
    "beef": ("сиыр етімен", "с говядиной", "beef"),
    "chicken": ("тауық етімен", "с курицей", "chicken"),
    "lamb": ("қой етімен", "с бараниной", "lamb"),
    "turkey": ("күркетауық етімен", "с индейкой", "turkey"),
    "pumpkin": ("асқабақпен", "с тыквой", "pumpkin"),
    "potato": ("картоппен", "с картофелем", "potato"),
    "meat": ("етпен", "с мясом", "meat"),
    "curd": ("сүзбемен", "с творогом", "curd"),
    "jam": ("тосаппен", "с джемом", "jam"),
    "cabbage": ("қырыққабатпен", "с капустой", "cabbage"),
    "apple": ("алмамен", "с яблоком", "apple"),
    "poppy": ("көкнәрмен", "с маком", "poppy seed"),
    "cinnamon": ("даршынмен", "с корицей", "cinnamon"),
    "chocolate": ("шоколадпен", "с шоколадом", "chocolate"),
    "cherry": ("шиемен", "с вишней", "cherry"),
    "honey": ("балмен", "с мёдом", "honey"),
    "milk": ("сүтпен", "с молоком", "with milk"),
    "cardamom": ("кардамонмен", "с кардамоном", "with cardamom"),
    "chamomile": ("түймедақпен", "с ромашкой", "with chamomile"),
}

# "Made of …" for sausages and mince: Kazakh ablative -нан/-нен/-тан/-тен/-дан/-ден.
FROM_MEAT: dict[str, tuple[str, str, str]] = {
    "beef": ("сиыр етінен", "из говядины", "beef"),
    "chicken": ("тауық етінен", "из курицы", "chicken"),
    "horse": ("жылқы етінен", "из конины", "horse meat"),
    "turkey": ("күркетауық етінен", "из индейки", "turkey"),
    "lamb": ("қой етінен", "из баранины", "lamb"),
}

COUNTRIES: dict[str, tuple[str, str, str]] = {
    "kz": ("Қазақстан", "Казахстан", "Kazakhstan"),
    "uz": ("Өзбекстан", "Узбекистан", "Uzbekistan"),
    "kg": ("Қырғызстан", "Кыргызстан", "Kyrgyzstan"),
    "tj": ("Тәжікстан", "Таджикистан", "Tajikistan"),
    "az": ("Әзербайжан", "Азербайджан", "Azerbaijan"),
    "ge": ("Грузия", "Грузия", "Georgia"),
    "ru": ("Ресей", "Россия", "Russia"),
    "tr": ("Түркия", "Турция", "Turkey"),
    "cn": ("Қытай", "Китай", "China"),
    "ir": ("Иран", "Иран", "Iran"),
    "pk": ("Пәкістан", "Пакистан", "Pakistan"),
    "eg": ("Египет", "Египет", "Egypt"),
    "ma": ("Марокко", "Марокко", "Morocco"),
    "za": ("Оңтүстік Африка", "ЮАР", "South Africa"),
    "es": ("Испания", "Испания", "Spain"),
    "it": ("Италия", "Италия", "Italy"),
    "pl": ("Польша", "Польша", "Poland"),
    "ec": ("Эквадор", "Эквадор", "Ecuador"),
    "co": ("Колумбия", "Колумбия", "Colombia"),
    "ar": ("Аргентина", "Аргентина", "Argentina"),
    "sa": ("Сауд Арабиясы", "Саудовская Аравия", "Saudi Arabia"),
}


def flavours(*codes: str, pct: int = 100) -> tuple[Option, ...]:
    """Flavour nouns by code (see FLAVOURS)."""
    return tuple(Option(*FLAVOURS[code], pct=pct) for code in codes)


def with_(*codes: str, pct: int = 100) -> tuple[Option, ...]:
    """«… with X» options by code (see WITH)."""
    return tuple(Option(*WITH[code], pct=pct) for code in codes)


def from_meat(*codes: str) -> tuple[Option, ...]:
    """«made of X meat» options by code (see FROM_MEAT)."""
    return tuple(Option(*FROM_MEAT[code]) for code in codes)


def origins(*codes: str) -> tuple[Option, ...]:
    """Country of origin in brackets: «(Қазақстан)»."""
    options = []
    for code in codes:
        kk, ru, en = COUNTRIES[code]
        options.append(Option(f"({kk})", f"({ru})", f"({en})", 100 if code == "kz" else 108))
    return tuple(options)


def sorts(*names: str) -> tuple[Option, ...]:
    """Variety names, «Апорт/Aport»: the Cyrillic name for Kazakh and Russian, then English."""
    options = []
    for name in names:
        cyrillic, _, latin = name.partition("/")
        options.append(Option(cyrillic, cyrillic, latin or cyrillic))
    return tuple(options)


PLAIN = Option("", "", "")

"""Kazakh number words: cardinals (to billions), ordinals and decimal fractions."""

from __future__ import annotations

from decimal import Decimal

ONES = ("нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
TENS = ("", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан")
SCALES = ((10**9, "миллиард"), (10**6, "миллион"), (1000, "мың"))
# The ordinal of each word a cardinal can end with (-ыншы/-інші after a consonant, -ншы/-нші
# after a vowel; жиырма takes -сыншы).
ORDINALS = {
    "нөл": "нөлінші", "бір": "бірінші", "екі": "екінші", "үш": "үшінші", "төрт": "төртінші",
    "бес": "бесінші", "алты": "алтыншы", "жеті": "жетінші", "сегіз": "сегізінші",
    "тоғыз": "тоғызыншы", "он": "оныншы", "жиырма": "жиырмасыншы", "отыз": "отызыншы",
    "қырық": "қырқыншы", "елу": "елуінші", "алпыс": "алпысыншы", "жетпіс": "жетпісінші",
    "сексен": "сексенінші", "тоқсан": "тоқсаныншы", "жүз": "жүзінші", "мың": "мыңыншы",
    "миллион": "миллионыншы", "миллиард": "миллиардыншы",
}  # fmt: skip
# «2,5» is «екі бүтін оннан бес»: the denominator in the ablative case.
DENOMINATORS = {1: "оннан", 2: "жүзден", 3: "мыңнан"}


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        # «жүз» alone is 100; 200 and up name the count («екі жүз»).
        words += ["жүз"] if hundreds == 1 else [ONES[hundreds], "жүз"]
    tens, ones = divmod(rest, 10)
    if tens:
        words.append(TENS[tens])
    if ones:
        words.append(ONES[ones])
    return words


def cardinal(n: int) -> str:
    """A whole number in Kazakh words: 99990 → «тоқсан тоғыз мың тоғыз жүз тоқсан»."""
    if n < 0:
        return "минус " + cardinal(-n)
    if n == 0:
        return ONES[0]
    if n >= 10**12:
        raise ValueError("numbers of a trillion and more are not read out")
    words: list[str] = []
    for scale, name in SCALES:
        count, n = divmod(n, scale)
        if count:
            # 1000 is «мың»; a million and a billion name the count («бір миллион»).
            words += [name] if count == 1 and scale == 1000 else [*_below_thousand(count), name]
    words += _below_thousand(n)
    return " ".join(words)


def ordinal(n: int) -> str:
    """An ordinal in Kazakh words: 31 → «отыз бірінші», 2026 → «екі мың жиырма алтыншы»."""
    *head, last = cardinal(n).split()
    return " ".join([*head, ORDINALS[last]])


def decimal(value: Decimal) -> str:
    """A decimal number in words: 2.5 → «екі бүтін оннан бес»; whole values as cardinals."""
    sign, digits, exponent = value.as_tuple()
    places = -int(exponent) if isinstance(exponent, int) and exponent < 0 else 0
    whole = int(abs(value))
    prefix = "минус " if sign else ""
    if places == 0:
        return prefix + cardinal(whole)
    if places not in DENOMINATORS:
        raise ValueError("read out at most three decimal places")
    fraction = int("".join(str(d) for d in digits[-places:]))
    return f"{prefix}{cardinal(whole)} бүтін {DENOMINATORS[places]} {cardinal(fraction)}"

"""The Kazakh Cyrillic alphabet, look-alike letters, and word tokens with their positions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# The nine letters Kazakh adds to the Russian alphabet (PRODUCT.md, "Facts": Kazakh text).
KAZAKH_LETTERS = frozenset("ӘәҒғҚқҢңӨөҰұҮүҺһІі")

# What each Kazakh letter becomes when it is "Russified" (typed on a Russian keyboard).
RUSSIFIED = {
    "қ": "к",
    "ң": "н",
    "ү": "у",
    "ұ": "у",
    "і": "и",
    "ә": "а",
    "ғ": "г",
    "ө": "о",
    "һ": "х",
}
# The other way round: which Kazakh letters a Russian letter may stand for.
KAZAKHISED: dict[str, tuple[str, ...]] = {}
for _kk, _ru in RUSSIFIED.items():
    KAZAKHISED[_ru] = (*KAZAKHISED.get(_ru, ()), _kk)

# Letters that look like a Cyrillic letter but are another code point: Latin, Greek, and
# letters of other Cyrillic alphabets (Bashkir, Chuvash, Abkhaz, Old Church Slavonic).
LOOKALIKES = {
    # Latin
    "a": "а", "A": "А", "B": "В", "c": "с", "C": "С", "e": "е", "E": "Е", "H": "Н",
    "K": "К", "k": "к", "M": "М", "o": "о", "O": "О", "p": "р", "P": "Р", "T": "Т",
    "x": "х", "X": "Х", "y": "у", "Y": "Ү", "i": "і", "I": "І", "h": "һ", "ı": "і",
    "ə": "ә", "ǝ": "ә", "Ə": "Ә", "Ǝ": "Ә", "ɵ": "ө", "Ɵ": "Ө", "ö": "ө", "Ö": "Ө",
    "ü": "ү", "Ü": "Ү", "ğ": "ғ", "Ğ": "Ғ", "ñ": "ң", "Ñ": "Ң",
    # Greek
    "α": "а", "Α": "А", "Β": "В", "ε": "е", "Ε": "Е", "Η": "Н", "Ι": "І", "Κ": "К",
    "κ": "к", "Μ": "М", "ο": "о", "Ο": "О", "ρ": "р", "Ρ": "Р", "Τ": "Т", "Υ": "Ү",
    "Χ": "Х", "χ": "х", "θ": "ө", "Θ": "Ө",
    # Other Cyrillic alphabets
    "Ҡ": "Қ", "ҡ": "қ", "Ӄ": "Қ", "ӄ": "қ", "Ҟ": "Қ", "ҟ": "қ", "Ӈ": "Ң", "ӈ": "ң",
    "Ҥ": "Ң", "ҥ": "ң", "Ӏ": "І", "ӏ": "і", "Ѳ": "Ө", "ѳ": "ө", "Ґ": "Ғ", "ґ": "ғ",
    "Ӷ": "Ғ", "ӷ": "ғ", "Ӽ": "Һ", "ӽ": "һ", "Ӓ": "Ә", "ӓ": "ә",
}  # fmt: skip

# The Cyrillic letters Kazakh uses (Russian's 33 plus the nine above).
KAZAKH_CYRILLIC = frozenset(
    "АаӘәБбВвГгҒғДдЕеЁёЖжЗзИиЙйКкҚқЛлМмНнҢңОоӨөПпРрСсТтУуҰұҮүФфХхҺһЦцЧчШшЩщЪъЫыІіЬьЭэЮюЯя"
)

_WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Token:
    """A run of letters and where it is in the text (`end` is exclusive)."""

    text: str
    start: int
    end: int


def words(text: str) -> Iterator[Token]:
    """Every run of letters in `text`, with its character offsets."""
    for match in _WORD_RE.finditer(text):
        yield Token(match.group(), match.start(), match.end())


def is_cyrillic(char: str) -> bool:
    """True for a letter of any Cyrillic alphabet."""
    return char.isalpha() and unicodedata.name(char, "").startswith("CYRILLIC")


def has_cyrillic(word: str) -> bool:
    """True when the word contains at least one Kazakh Cyrillic letter."""
    return any(char in KAZAKH_CYRILLIC for char in word)


def has_kazakh_letters(text: str) -> bool:
    """True when the text holds one of the nine letters only Kazakh has."""
    return any(char in KAZAKH_LETTERS for char in text)


def fold_lookalikes(word: str) -> str:
    """The word with every look-alike letter replaced by its Kazakh Cyrillic twin."""
    return "".join(LOOKALIKES.get(char, char) for char in word)


def russified_skeleton(word: str) -> str:
    """The lower-case word as a Russian keyboard would type it (қ→к, ң→н, ү/ұ→у …)."""
    return "".join(RUSSIFIED.get(char, char) for char in word.lower())


def normalise(text: str) -> str:
    """NFC text with runs of whitespace collapsed (for comparing and measuring)."""
    return " ".join(unicodedata.normalize("NFC", text).split())

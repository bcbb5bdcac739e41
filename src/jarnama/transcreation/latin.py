"""Kazakh Cyrillic to the 2021 Kazakh Latin alphabet (optional, for exports and banners).

The table follows the 31-letter alphabet the National Alphabet Commission presented on
28 January 2021 (A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z), as listed in
Wikipedia's "Kazakh alphabets" article (section "Latin script", the 2021 column) together with
its worked example «Бұрыңғы өткен заманда …» → «Būryñğy ötken zamanda, bır danyşpan kısı …»
(https://en.wikipedia.org/wiki/Kazakh_alphabets). Its points that differ from Turkish usage:

* І і → I ı (dotless lower case), И и and Й й → İ i (dotted upper case), Ы ы → Y y;
* Ұ ұ → Ū ū, Ү ү → Ü ü, У у → U u; Ң ң → Ñ ñ; Қ қ → Q q; Ғ ғ → Ğ ğ; Ш ш → Ş ş;
* Х х and Һ һ both → H h (the proposal merges them).

The proposal has no letters for Ц, Ч, Щ, Ё, Ю, Я, Э, Ъ, Ь, which occur only in Russian
loanwords. They follow the common practice of Kazakh Latin transliterators (e.g. Stanza's
kk transliteration): Ч → Ç, Ц → Ts, Щ → Şş (a long ш, as in «ащы» → «aşşy»), Ё → Io,
Ю → Iu, Я → Ia, Э → E; the hard and soft signs are dropped. The alphabet is a proposal,
not yet in force (the switch is planned for 2023–2031), so transliteration is always opt-in.
"""

from __future__ import annotations

import enum
import unicodedata

# Lower-case table; upper case is derived below (І → I and И/Й → İ are the exceptions).
LOWER = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m",
    "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ы": "y", "і": "ı",
    "ш": "ş",
    # Loanword letters the 2021 proposal leaves out.
    "ч": "ç", "ц": "ts", "щ": "şş", "ё": "io", "ю": "iu", "я": "ia", "э": "e",
    "ъ": "", "ь": "",
}  # fmt: skip
UPPER_EXCEPTIONS = {"І": "I", "И": "İ", "Й": "İ"}


class Script(enum.StrEnum):
    """Which alphabet Kazakh text is written in."""

    CYRILLIC = "cyrl"
    LATIN = "latn"


def _upper(cyrillic: str) -> str:
    if cyrillic in UPPER_EXCEPTIONS:
        return UPPER_EXCEPTIONS[cyrillic]
    # str.upper() would turn "ı" into "I" and "i" into "I": both handled above.
    return LOWER[cyrillic.lower()].upper()


def to_latin(text: str) -> str:
    """Kazakh Cyrillic text in the 2021 Latin alphabet; other characters are kept as they are.

    «Қазақстан» → «Qazaqstan», «ұлттық» → «ūlttyq», «Әлем» → «Älem», «ШОКОЛАД» → «ŞOKOLAD».
    A capital that becomes two letters is title-cased inside a word («Ярмарка» → «Iarmarka»)
    and upper-cased inside an all-capitals word («ЯРМАРКА» → «IARMARKA»).
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for index, char in enumerate(text):
        lower = char.lower()
        if lower not in LOWER:
            out.append(char)
            continue
        if char == lower:
            out.append(LOWER[lower])
            continue
        latin = _upper(char)
        if len(latin) > 1 and not _in_capitals(text, index):
            latin = latin[0] + latin[1:].lower()
        out.append(latin)
    return "".join(out)


def _in_capitals(text: str, index: int) -> bool:
    """True when a neighbouring letter is also a capital (an all-capitals word)."""
    for neighbour in (index + 1, index - 1):
        if 0 <= neighbour < len(text) and text[neighbour].isalpha():
            return text[neighbour].isupper()
    return False


def in_script(text: str, script: Script | str) -> str:
    """The text in the chosen script (Cyrillic leaves it unchanged)."""
    return to_latin(text) if Script(script) is Script.LATIN else text


def language_tag(language: str, script: Script | str) -> str:
    """The BCP 47 tag of Kazakh in a script: «kk» or «kk-Latn»; other languages unchanged."""
    return f"{language}-Latn" if language == "kk" and Script(script) is Script.LATIN else language

"""Kazakh ad text made speakable: numbers, prices, percentages and dates as words."""

from __future__ import annotations

import re
from decimal import Decimal

from jarnama.transcreation.voice.numbers import cardinal, decimal, ordinal

MONTHS = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)  # fmt: skip
_SPACE = r"[ \u00a0\u202f]"
_NUMBER = rf"\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_MONTH = "|".join(MONTHS)
# «2026 ж. 31 желтоқсан» / «2026 жылғы 31 желтоқсан»: the year and the day are ordinals.
_YEAR_DATE_RE = re.compile(
    rf"\b(\d{{4}}){_SPACE}*(?:ж\.|жылғы|жыл){_SPACE}*(\d{{1,2}}){_SPACE}+({_MONTH})", re.I
)
_DAY_MONTH_RE = re.compile(rf"\b(\d{{1,2}}){_SPACE}+({_MONTH})", re.I)
_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_ORDINAL_RE = re.compile(r"\b(\d+)-(?:інші|ыншы|нші|ншы|ші|шы)\b")
_YEAR_RE = re.compile(rf"\b(\d{{4}}){_SPACE}*(?:ж\.|жылы)")
_MONEY_RE = re.compile(rf"(?:({_NUMBER}){_SPACE}*(₸|тг\.?|KZT)|(₸){_SPACE}*({_NUMBER}))")
_PERCENT_RE = re.compile(rf"({_NUMBER}){_SPACE}*%(?:-)?")
# «10-нан» → «оннан»: a hyphen only joins a case suffix to the digits.
# «-5» at the start of a word is a negative number («минус бес»); «10-15» is a range.
_MINUS_RE = re.compile(r"(?:(?<=\s)|^)[-−](?=\d)")
_NUMBER_RE = re.compile(rf"(?<![\w.,])({_NUMBER})(?:-(?=[^\W\d_]))?(?![\d])")


def number_words(text: str) -> str:
    """A number as written in an ad («99 990», «2,5», «10.5») in Kazakh words."""
    plain = re.sub(_SPACE, "", text).replace(",", ".")
    value = Decimal(plain)
    return decimal(value) if "." in plain else cardinal(int(value))


def _year_date(match: re.Match[str]) -> str:
    year, day, month = match.groups()
    return f"{ordinal(int(year))} жылғы {ordinal(int(day))} {month.lower()}"


def _numeric_date(match: re.Match[str]) -> str:
    day, month, year = (int(part) for part in match.groups())
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return match.group()
    return f"{ordinal(year)} жылғы {ordinal(day)} {MONTHS[month - 1]}"


def _money(match: re.Match[str]) -> str:
    amount = match.group(1) or match.group(4)
    return f"{number_words(amount)} теңге"


def for_speech(text: str) -> str:
    """The text as a voice reads it: «99 990 ₸» → «тоқсан тоғыз мың тоғыз жүз тоқсан теңге»."""
    text = _YEAR_DATE_RE.sub(_year_date, text)
    text = _NUMERIC_DATE_RE.sub(_numeric_date, text)
    text = _DAY_MONTH_RE.sub(lambda m: f"{ordinal(int(m.group(1)))} {m.group(2)}", text)
    text = _ORDINAL_RE.sub(lambda m: ordinal(int(m.group(1))), text)
    text = _YEAR_RE.sub(lambda m: f"{ordinal(int(m.group(1)))} жылы", text)
    text = _MONEY_RE.sub(_money, text)
    # «20%-ға» → «жиырма пайызға»: the hyphen only joins the suffix to the sign.
    text = _PERCENT_RE.sub(lambda m: f"{number_words(m.group(1))} пайыз", text)
    text = _MINUS_RE.sub("минус ", text)
    text = _NUMBER_RE.sub(lambda m: number_words(m.group(1)), text)
    return " ".join(text.split())

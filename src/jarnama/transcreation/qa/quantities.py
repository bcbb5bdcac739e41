"""Numbers, prices, percentages, dates and times found in ad text, in Russian, Kazakh or English."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jarnama.transcreation.kazakh import RUSSIFIED

# Kazakh, Russian and English month names (stems: Kazakh adds case endings, Russian declines).
MONTHS_KK = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)  # fmt: skip
MONTHS_RU = (
    "январ", "феврал", "март", "апрел", "ма[йя]", "июн",
    "июл", "август", "сентябр", "октябр", "ноябр", "декабр",
)  # fmt: skip
MONTHS_EN = (
    "jan(?:uary)?", "feb(?:ruary)?", "mar(?:ch)?", "apr(?:il)?", "may", "june?",
    "july?", "aug(?:ust)?", "sep(?:t(?:ember)?)?", "oct(?:ober)?", "nov(?:ember)?",
    "dec(?:ember)?",
)  # fmt: skip

GROUP_SPACES = " \u00a0\u202f\u2009"
NBSP = "\u00a0"
NNBSP = "\u202f"
TENGE_SIGN = "\u20b8"

_D = r"(?<![\d.,])"  # not inside another number


def _month_alternation(names: tuple[str, ...], suffix: str) -> str:
    return "|".join(f"(?P<m{i + 1}>{name}){suffix}" for i, name in enumerate(names))


def _tolerant(name: str) -> str:
    """A Kazakh month name that also matches its Russified typing (желтоксан for желтоқсан)."""
    return "".join(f"[{char}{RUSSIFIED[char]}]" if char in RUSSIFIED else char for char in name)


_DATE_PATTERNS = (
    re.compile(_D + r"(?P<y>\d{4})-(?P<mn>\d{2})-(?P<d>\d{2})(?!\d)"),
    re.compile(_D + r"(?P<d>\d{1,2})\.(?P<mn>\d{2})(?:\.(?P<y>\d{4}|\d{2}))?(?![\d%₸])"),
    re.compile(
        r"(?:"
        + _D
        + r"(?P<y>\d{4})\s*(?:ж\.|жылғы|жылы|ж(?![^\W\d_]))\s*)?"
        + _D
        + r"(?P<d>\d{1,2})(?:-?(?:ші|шы|і|ы))?\s+(?:"
        + _month_alternation(tuple(_tolerant(m) for m in MONTHS_KK), r"[а-яәғқңөұүһі]*")
        + r")(?:\s+(?P<y2>\d{4})\s*ж(?:ыл\w*|\.)?)?",
        re.IGNORECASE,
    ),
    re.compile(
        _D + r"(?P<d>\d{1,2})\s+(?:" + _month_alternation(MONTHS_RU, r"[а-я]*") + r")"
        r"(?:\s+(?P<y>\d{4})(?:\s*(?:г\.|года|год)(?!\w))?)?",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:" + _month_alternation(MONTHS_EN, r"\.?") + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?"
        r"(?:,?\s+(?P<y>\d{4}))?(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(
        _D + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:" + _month_alternation(MONTHS_EN, r"\.?") + r")"
        r"(?:,?\s+(?P<y>\d{4}))?(?!\w)",
        re.IGNORECASE,
    ),
)
_TIME_RE = re.compile(_D + r"(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?!\d)")
_NUMBER = r"\d{1,3}(?:[" + GROUP_SPACES + r"]\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?"
_CURRENCY_AFTER = (
    r"₸|тг\.?(?![а-яәғқңөұүһі])|теңге[а-яәғқңөұүһі]*|тенге|KZT|₽|руб(?:\.|л[а-я]*)?|р\.|"
    r"\$|USD|€|EUR|сом"
)
_AMOUNT_RE = re.compile(
    r"(?P<pre>[₸$€₽])?[" + GROUP_SPACES + r"]?" + _D + r"(?P<n>" + _NUMBER + r")"
    r"(?:(?P<gap>[" + GROUP_SPACES + r"]?)(?P<pct>%)|(?P<cgap>[" + GROUP_SPACES + r"]*)"
    r"(?P<cur>" + _CURRENCY_AFTER + r"))?",
    re.IGNORECASE,
)

TENGE_MARKS = frozenset({"₸", "тг", "тг.", "теңге", "тенге", "kzt"})


class Kind(enum.StrEnum):
    """What a number in ad text means."""

    AMOUNT = "amount"
    PERCENT = "percent"
    DATE = "date"
    TIME = "time"


@dataclass(frozen=True, slots=True)
class Quantity:
    """One number in the text, what it means, and where it is."""

    kind: Kind
    value: Decimal | tuple[int | None, int, int]
    start: int
    end: int
    text: str
    currency: str | None = None
    prefix_currency: bool = False
    number_text: str = ""

    @property
    def is_tenge(self) -> bool:
        """True for a price in tenge (₸, тг, теңге, KZT)."""
        if self.currency is None:
            return False
        currency = self.currency.lower()
        return currency in TENGE_MARKS or currency.startswith("теңге")

    def label(self) -> str:
        """A short human description, e.g. '20%' or '31.12'."""
        if self.kind is Kind.DATE:
            year, month, day = self.value  # type: ignore[misc]
            return f"{day:02d}.{month:02d}" + (f".{year}" if year else "")
        if self.kind is Kind.TIME:
            hours, minutes, _ = self.value  # type: ignore[misc]
            return f"{hours:02d}:{minutes:02d}"
        suffix = "%" if self.kind is Kind.PERCENT else ""
        return f"{self.value}{suffix}"


def parse_number(text: str) -> Decimal | None:
    """The value of '99 990', '1 234 567,89' or '12.5'; a comma or point is a decimal mark."""
    cleaned = "".join(char for char in text if char not in GROUP_SPACES).replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _month(match: re.Match[str]) -> int | None:
    for index in range(1, 13):
        if match.groupdict().get(f"m{index}"):
            return index
    numeric = match.groupdict().get("mn")
    return int(numeric) if numeric else None


def _year(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    raw = groups.get("y") or groups.get("y2")
    if not raw:
        return None
    year = int(raw)
    return year + 2000 if year < 100 else year


def _dates(text: str, taken: list[tuple[int, int]]) -> Iterator[Quantity]:
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if _overlaps(span, taken):
                continue
            month, day = _month(match), int(match.group("d"))
            if month is None or not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            taken.append(span)
            yield Quantity(Kind.DATE, (_year(match), month, day), *span, match.group())


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def quantities(text: str) -> list[Quantity]:
    """Every date, time, percentage and amount in `text`, in reading order."""
    taken: list[tuple[int, int]] = []
    found = list(_dates(text, taken))
    for match in _TIME_RE.finditer(text):
        if not _overlaps(match.span(), taken):
            taken.append(match.span())
            clock = (int(match.group("h")), int(match.group("mi")), 0)
            found.append(Quantity(Kind.TIME, clock, *match.span(), match.group()))
    for match in _AMOUNT_RE.finditer(text):
        start, end = match.span("n")
        if _overlaps((start, end), taken):
            continue
        value = parse_number(match.group("n"))
        if value is None:
            continue
        if match.group("pct"):
            found.append(
                Quantity(Kind.PERCENT, value, start, match.end(), match.group().strip(),
                         number_text=match.group("n"))
            )  # fmt: skip
            continue
        currency = match.group("cur") or match.group("pre")
        span_start = match.start("pre") if match.group("pre") else start
        span_end = match.end("cur") if match.group("cur") else end
        found.append(
            Quantity(
                Kind.AMOUNT,
                value,
                span_start,
                span_end,
                text[span_start:span_end],
                currency=currency,
                prefix_currency=bool(match.group("pre")) and not match.group("cur"),
                number_text=match.group("n"),
            )
        )
    return sorted(found, key=lambda q: q.start)

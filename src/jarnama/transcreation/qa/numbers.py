"""Number checks: quantities kept between source and target, prices in tenge, «99 990 ₸»."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from jarnama.core.money import Tenge
from jarnama.transcreation.qa.findings import Finding, Severity
from jarnama.transcreation.qa.quantities import (
    GROUP_SPACES,
    NBSP,
    NNBSP,
    TENGE_SIGN,
    Kind,
    Quantity,
    quantities,
)

NUMBERS = "kk.numbers"
TENGE_FORMAT = "kk.tenge-format"
PRICE_CURRENCY = "kk.price-currency"

_NO_BREAK = NBSP + NNBSP
_DOT_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def _key(quantity: Quantity) -> tuple[str, object]:
    if quantity.kind is Kind.DATE:
        _year, month, day = quantity.value  # type: ignore[misc]
        return (Kind.DATE.value, (month, day))
    return (quantity.kind.value, quantity.value)


def kept_quantities(source: str, target: str) -> Iterator[Finding]:
    """Numbers, prices, percentages, dates and times of the source, all in the target (blocking)."""
    wanted = quantities(source)
    found = quantities(target)
    unmatched = list(found)
    for quantity in wanted:
        match = next((q for q in unmatched if _key(q) == _key(quantity)), None)
        if match is None:
            yield Finding(
                NUMBERS,
                Severity.BLOCKING,
                0,
                len(target),
                f"the source has {quantity.kind.value} «{quantity.text}» ({quantity.label()}); "
                "the target does not",
            )
            continue
        unmatched.remove(match)
        year_wanted, year_found = _year(quantity), _year(match)
        if year_wanted and year_found and year_wanted != year_found:
            yield Finding(
                NUMBERS,
                Severity.BLOCKING,
                match.start,
                match.end,
                f"the date «{match.text}» has year {year_found}, the source {year_wanted}",
            )
    for extra in unmatched:
        yield Finding(
            NUMBERS,
            Severity.BLOCKING,
            extra.start,
            extra.end,
            f"«{extra.text}» ({extra.kind.value} {extra.label()}) is not in the source",
        )


def _year(quantity: Quantity) -> int | None:
    if quantity.kind is not Kind.DATE:
        return None
    year: int | None = quantity.value[0]  # type: ignore[index]
    return year


def tenge_prices(target: str) -> Iterator[Finding]:
    """Prices are in tenge and written «99 990 ₸»: no-break groups, ₸ after the number."""
    prices = [q for q in quantities(target) if q.kind is Kind.AMOUNT and q.currency]
    has_tenge = any(q.is_tenge for q in prices)
    for price in prices:
        if not price.is_tenge:
            yield Finding(
                PRICE_CURRENCY,
                Severity.WARNING if has_tenge else Severity.BLOCKING,
                price.start,
                price.end,
                f"«{price.text}» is not in tenge; ads state prices in tenge "
                "(Law on Advertising, Art. 6(4-1))",
            )
            continue
        yield from _tenge_format(price)


def _tenge_format(price: Quantity) -> Iterator[Finding]:
    assert isinstance(price.value, Decimal)
    suggestion = _formatted(price)
    problems: list[str] = []
    severity = Severity.WARNING
    currency = price.currency or ""
    if price.prefix_currency:
        problems.append("₸ goes after the number")
        severity = Severity.BLOCKING
    elif currency == TENGE_SIGN:
        gap = price.text[len(price.number_text) : -1]
        if gap == "":
            problems.append("put a no-break space between the number and ₸")
        elif gap not in _NO_BREAK:
            problems.append("the space before ₸ should be a no-break space")
    elif currency.lower() == "тенге":
        problems.append("«тенге» is the Russian spelling: write ₸ or «теңге»")
    elif currency.lower() in ("тг", "тг.", "kzt"):
        problems.append(f"write ₸ instead of «{currency}»")
    digits = price.number_text
    if _DOT_THOUSANDS_RE.match(digits) and not price.value == price.value.to_integral_value():
        problems.append(f"«{digits}» reads as a decimal; group thousands with no-break spaces")
    elif any(sep in digits for sep in GROUP_SPACES if sep not in _NO_BREAK):
        problems.append("group thousands with no-break spaces, not ordinary spaces")
    elif "." in digits:
        problems.append("Kazakh uses a decimal comma")
    elif price.value >= 10_000 and not any(sep in digits for sep in _NO_BREAK):
        problems.append("group the thousands: «99 990 ₸»")
    if problems:
        yield Finding(
            TENGE_FORMAT,
            severity,
            price.start,
            price.end,
            f"«{price.text}»: " + "; ".join(problems),
            suggestion,
        )


def _formatted(price: Quantity) -> str | None:
    """The price as Jarnama formats tenge («99 990 ₸»), or None when it is not exact tiyn."""
    assert isinstance(price.value, Decimal)
    if price.value != price.value.quantize(Decimal("0.01")):
        return None
    formatted = str(Tenge.from_tenge(price.value))
    currency = price.currency or ""
    if currency.lower().startswith("теңге"):
        # Keep the case ending the sentence needs: «1 500 теңгеден бастап».
        return formatted.removesuffix(TENGE_SIGN) + currency
    return formatted

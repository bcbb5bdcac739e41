"""Parsing and checking of catalog values shared by the API and the bulk import.

These run once per imported row (a million times for a large file), so they are plain
functions over `str` with no regex where a string method does the job.
"""

from __future__ import annotations

from decimal import Decimal

GTIN_LENGTHS = frozenset({8, 12, 13, 14})
MAX_PRICE_TIYN = 10**15  # 10 trillion tenge: far above any shelf price, far below BIGINT
_DIGITS = frozenset("0123456789")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def gtin_check_digit_ok(gtin: str) -> bool:
    """True when the last digit is the GS1 check digit of the others (GTIN-8/12/13/14)."""
    # Weights alternate 3, 1, 3 … starting from the digit just left of the check digit.
    # Summing the ASCII bytes and subtracting 48 per digit is 4x faster than int() per char.
    codes = gtin.encode("ascii")
    odd = codes[-2::-2]
    even = codes[-3::-2]
    total = sum(odd) * 3 + sum(even) - 48 * (3 * len(odd) + len(even))
    return (10 - total % 10) % 10 == codes[-1] - 48


def gtin_problem(gtin: str) -> str | None:
    """Why `gtin` is not a valid GTIN, or None when it is."""
    if len(gtin) not in GTIN_LENGTHS or not _DIGITS.issuperset(gtin):
        return "must be 8, 12, 13 or 14 digits"
    if not gtin_check_digit_ok(gtin):
        return "has a wrong GS1 check digit"
    return None


def gtin_with_check_digit(body: str) -> str:
    """`body` followed by its GS1 check digit (for generating test and demo data)."""
    odd = sum(map(int, body[::-1][0::2]))
    even = sum(map(int, body[::-1][1::2]))
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def parse_price_tiyn(text: str) -> int:
    """Tenge as a decimal string ("459.90", at most 2 decimals, > 0) to integer tiyn.

    Raises ValueError with the reason. The digits are converted as integers, never through
    a float, so "0.1" is exactly 10 tiyn.
    """
    whole, dot, fraction = text.partition(".")
    if not whole or not _DIGITS.issuperset(whole) or len(whole) > 13:
        raise ValueError("must be a positive decimal number of tenge such as 459.90")
    if dot:
        if not fraction or not _DIGITS.issuperset(fraction):
            raise ValueError("must be a positive decimal number of tenge such as 459.90")
        if len(fraction) > 2:
            raise ValueError("has more than 2 decimals (tiyn are the smallest unit)")
        tiyn = int(whole) * 100 + int(fraction.ljust(2, "0"))
    else:
        tiyn = int(whole) * 100
    if tiyn <= 0:
        raise ValueError("must be greater than 0")
    if tiyn > MAX_PRICE_TIYN:
        raise ValueError("is too large")
    return tiyn


def price_tiyn_of(value: object) -> int:
    """A price given as a decimal string, an int or a Decimal in tenge, to tiyn (no floats)."""
    if isinstance(value, str):
        return parse_price_tiyn(value.strip())
    if isinstance(value, bool | float):
        raise ValueError('must be a decimal string such as "459.90", not a binary float')
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("must be greater than 0")
        return parse_price_tiyn(str(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or value <= 0:
            raise ValueError("must be greater than 0")
        return parse_price_tiyn(format(value, "f"))
    raise ValueError('must be a decimal string such as "459.90"')


def parse_bool(value: object) -> bool:
    """true/false, 1/0, yes/no (any case) or a JSON boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise ValueError("must be one of true/false, 1/0, yes/no")


def parse_count(value: object) -> int:
    """A whole number >= 0 given as digits or a JSON integer."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number >= 0")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or not _DIGITS.issuperset(text) or len(text) > 12:
            raise ValueError("must be a whole number >= 0")
        number = int(text)
    else:
        raise ValueError("must be a whole number >= 0")
    if not 0 <= number <= 2_000_000_000:
        raise ValueError("must be a whole number between 0 and 2000000000")
    return number


def format_tenge(tiyn: int) -> str:
    """Integer tiyn as a tenge decimal string: 45990 -> "459.90"."""
    sign = "-" if tiyn < 0 else ""
    whole, fraction = divmod(abs(tiyn), 100)
    return f"{sign}{whole}.{fraction:02d}"


def category_codes(path: str) -> list[str]:
    """The codes of a slash-separated category path; ValueError when a segment is empty."""
    codes = [code.strip() for code in path.strip().strip("/").split("/")]
    if not codes or any(not code for code in codes):
        raise ValueError("must be category codes separated by '/', such as dairy/milk")
    for code in codes:
        if len(code) > 100:
            raise ValueError("has a category code longer than 100 characters")
    if len("/".join(codes)) > 500:
        raise ValueError("is longer than 500 characters")
    return codes

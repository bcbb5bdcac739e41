"""Parsing of catalog values: GS1 check digits, exact tenge prices, flags and counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jarnama.catalog.fields import (
    category_codes,
    format_tenge,
    gtin_problem,
    gtin_with_check_digit,
    parse_bool,
    parse_count,
    parse_price_tiyn,
    price_tiyn_of,
)


@pytest.mark.parametrize(
    "gtin",
    ["4006381333931", "96385074", "036000291452", "10614141000415"],
)
def test_valid_gtins_pass(gtin: str) -> None:
    assert gtin_problem(gtin) is None


@pytest.mark.parametrize(
    ("gtin", "reason"),
    [
        ("4006381333932", "has a wrong GS1 check digit"),
        ("96385075", "has a wrong GS1 check digit"),
        ("12345", "must be 8, 12, 13 or 14 digits"),
        ("40063813339312", "has a wrong GS1 check digit"),
        ("400638133393a", "must be 8, 12, 13 or 14 digits"),
        ("４００６３８１３３３９３１", "must be 8, 12, 13 or 14 digits"),
    ],
)
def test_invalid_gtins_name_the_reason(gtin: str, reason: str) -> None:
    assert gtin_problem(gtin) == reason


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_generated_check_digits_validate(body: str) -> None:
    gtin = gtin_with_check_digit(body)
    assert gtin_problem(gtin) is None
    wrong = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)
    assert gtin_problem(wrong) == "has a wrong GS1 check digit"


@pytest.mark.parametrize(
    ("text", "tiyn"),
    [("459.90", 45990), ("0.1", 10), ("0.2", 20), ("0.01", 1), ("1", 100), ("12.5", 1250)],
)
def test_prices_convert_exactly(text: str, tiyn: int) -> None:
    assert parse_price_tiyn(text) == tiyn


def test_decimal_sums_stay_exact() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floats; in tiyn it is 30.
    assert parse_price_tiyn("0.1") + parse_price_tiyn("0.2") == parse_price_tiyn("0.3") == 30


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.234", "has more than 2 decimals (tiyn are the smallest unit)"),
        ("-5", "must be a positive decimal number of tenge such as 459.90"),
        ("0", "must be greater than 0"),
        ("0.00", "must be greater than 0"),
        ("1e3", "must be a positive decimal number of tenge such as 459.90"),
        ("1,50", "must be a positive decimal number of tenge such as 459.90"),
        (".5", "must be a positive decimal number of tenge such as 459.90"),
        ("5.", "must be a positive decimal number of tenge such as 459.90"),
    ],
)
def test_bad_prices_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_price_tiyn(text)


def test_prices_from_json_values() -> None:
    assert price_tiyn_of(Decimal("459.90")) == 45990
    assert price_tiyn_of(459) == 45900
    with pytest.raises(ValueError, match="binary float"):
        price_tiyn_of(459.9)
    with pytest.raises(ValueError, match="greater than 0"):
        price_tiyn_of(Decimal("-1"))
    with pytest.raises(ValueError, match="binary float"):
        price_tiyn_of(True)


@given(st.integers(min_value=1, max_value=10**12))
def test_format_and_parse_round_trip(tiyn: int) -> None:
    assert parse_price_tiyn(format_tenge(tiyn)) == tiyn


def test_flags_counts_and_paths() -> None:
    assert [parse_bool(v) for v in ("true", "YES", "1", "false", "no", "0", True)] == [
        True, True, True, False, False, False, True,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="true/false"):
        parse_bool("maybe")
    assert parse_count("42") == 42
    assert parse_count(7) == 7
    for bad in ("-1", "1.5", True, "x"):
        with pytest.raises(ValueError, match="whole number"):
            parse_count(bad)
    assert category_codes(" dairy / milk ") == ["dairy", "milk"]
    with pytest.raises(ValueError, match="separated by"):
        category_codes("dairy//milk")

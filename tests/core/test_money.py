"""Tenge and Money: exactness, rounding, allocation, Kazakh formatting, pydantic, float refusal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from jarnama.core.errors import InvalidInput
from jarnama.core.money import (
    NBSP,
    TENGE_SIGN,
    Currency,
    FloatRefused,
    Money,
    MoneyError,
    NonNegativeTenge,
    Rounding,
    Tenge,
)

tiyn = st.integers(min_value=-(10**15), max_value=10**15)
amounts = tiyn.map(Tenge)
ratios = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(any)


# --- arithmetic properties ------------------------------------------------------------------


@given(amounts, amounts, amounts)
def test_addition_is_associative(a: Tenge, b: Tenge, c: Tenge) -> None:
    assert (a + b) + c == a + (b + c)


@given(amounts, amounts)
def test_addition_is_commutative_and_subtraction_undoes_it(a: Tenge, b: Tenge) -> None:
    assert a + b == b + a
    assert (a + b) - b == a
    assert a - a == Tenge.zero()
    assert -a + a == Tenge.zero()
    assert (-a).tiyn == -a.tiyn


@given(amounts, st.integers(min_value=-1000, max_value=1000))
def test_multiplying_by_int_is_repeated_addition(a: Tenge, n: int) -> None:
    assert a * n == Tenge(a.tiyn * n) == n * a
    if 0 <= n <= 20:
        assert a * n == Tenge.total([a] * n)


@given(amounts, ratios)
def test_allocate_sums_exactly(a: Tenge, weights: list[int]) -> None:
    parts = a.allocate(weights)
    assert len(parts) == len(weights)
    assert Tenge.total(parts) == a
    for part, weight in zip(parts, weights, strict=True):
        if weight == 0:
            assert part == Tenge.zero()


@given(amounts, st.integers(min_value=1, max_value=50))
def test_equal_parts_differ_by_at_most_one_tiyn(a: Tenge, count: int) -> None:
    parts = a.split(count)
    assert Tenge.total(parts) == a
    assert max(parts).tiyn - min(parts).tiyn <= 1


@given(amounts, ratios)
def test_allocate_is_within_one_tiyn_of_the_exact_share(a: Tenge, weights: list[int]) -> None:
    total = sum(weights)
    for part, weight in zip(a.allocate(weights), weights, strict=True):
        exact = Decimal(a.tiyn) * weight / total
        assert abs(Decimal(part.tiyn) - exact) < 1


@given(amounts, ratios)
def test_equal_ratios_get_parts_within_one_tiyn(a: Tenge, weights: list[int]) -> None:
    doubled = [*weights, *weights]
    parts = a.allocate(doubled)
    for left, right in zip(parts[: len(weights)], parts[len(weights) :], strict=True):
        assert abs(left.tiyn - right.tiyn) <= 1


def test_allocate_revenue_share_example() -> None:
    # A 100.00 ₸ sale split 70/20/10 between retailer, network and creator.
    assert Tenge(10000).allocate([70, 20, 10]) == [Tenge(7000), Tenge(2000), Tenge(1000)]
    # 1.00 ₸ in three: the first part takes the spare tiyn.
    assert Tenge(100).split(3) == [Tenge(34), Tenge(33), Tenge(33)]
    assert Tenge(-100).split(3) == [Tenge(-34), Tenge(-33), Tenge(-33)]
    # 5 tiyn at 2:1: exact shares 3.33 and 1.67; the spare tiyn goes to the larger remainder.
    assert Tenge(5).allocate([Decimal("0.5"), "0.25", 0]) == [Tenge(3), Tenge(2), Tenge(0)]


@pytest.mark.parametrize("bad", [[], [0, 0], [-1, 2]])
def test_allocate_refuses_meaningless_ratios(bad: list[int]) -> None:
    with pytest.raises(MoneyError):
        Tenge(100).allocate(bad)


# --- construction and rounding --------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_value", "expected_tiyn"),
    [
        (Decimal("99990.50"), 9999050),
        ("99990.5", 9999050),
        ("0.01", 1),
        (12, 1200),
        ("-3.10", -310),
        ("1E+3", 100000),
        (" 7 ", 700),
    ],
)
def test_from_tenge_exact(given_value: Decimal | str | int, expected_tiyn: int) -> None:
    assert Tenge.from_tenge(given_value) == Tenge(expected_tiyn)


def test_more_than_two_decimals_needs_a_rounding() -> None:
    with pytest.raises(MoneyError, match="more than 2 decimal places"):
        Tenge.from_tenge("1.005")
    assert Tenge.from_tenge("1.010") == Tenge(101)  # trailing zeros are exact


@pytest.mark.parametrize(
    ("value", "rounding", "expected"),
    [
        ("1.005", Rounding.HALF_UP, 101),
        ("1.005", Rounding.HALF_EVEN, 100),
        ("1.015", Rounding.HALF_EVEN, 102),
        ("1.009", Rounding.DOWN, 100),
        ("1.001", Rounding.UP, 101),
        ("-1.005", Rounding.HALF_UP, -101),
        ("-1.005", Rounding.HALF_EVEN, -100),
        ("-1.009", Rounding.DOWN, -100),
        ("-1.001", Rounding.UP, -101),
    ],
)
def test_rounding_modes(value: str, rounding: Rounding, expected: int) -> None:
    assert Tenge.from_tenge(value, rounding) == Tenge(expected)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6))
def test_rounding_modes_bracket_the_exact_value(value: Decimal) -> None:
    exact = value * 100
    down = Tenge.from_tenge(value, Rounding.DOWN).tiyn
    up = Tenge.from_tenge(value, Rounding.UP).tiyn
    assert abs(down) <= abs(exact) <= abs(up)
    assert abs(up - down) <= 1
    for mode in (Rounding.HALF_UP, Rounding.HALF_EVEN):
        assert abs(Tenge.from_tenge(value, mode).tiyn - exact) <= Decimal("0.5")


def test_multiply_by_decimal_needs_rounding() -> None:
    price = Tenge.from_tenge("99990.50")
    assert price.multiply(Decimal("0.15"), Rounding.HALF_UP) == Tenge(1499858)  # 14998.575
    assert price.multiply("0.15", Rounding.HALF_EVEN) == Tenge(1499858)
    assert price.multiply("0.15", Rounding.DOWN) == Tenge(1499857)
    with pytest.raises(TypeError, match="multiply"):
        price * Decimal("0.15")  # type: ignore[operator]


@pytest.mark.parametrize(
    "call",
    [
        lambda: Tenge(1.5),  # type: ignore[arg-type]
        lambda: Tenge.from_tenge(0.1),  # type: ignore[arg-type]
        lambda: Tenge(100) * 1.5,  # type: ignore[operator]
        lambda: Tenge(100).multiply(0.15, Rounding.HALF_UP),  # type: ignore[arg-type]
        lambda: Tenge(100).allocate([0.5, 0.5]),  # type: ignore[list-item]
        lambda: Tenge(100) + 1.0,  # type: ignore[operator]
        lambda: Money(0.1, Currency.USD),  # type: ignore[arg-type]
        lambda: Money.of(0.1, "USD"),  # type: ignore[arg-type]
    ],
)
def test_floats_are_refused_with_a_clear_error(call: Any) -> None:
    with pytest.raises(FloatRefused, match="floats are refused"):
        call()


def test_float_refusal_is_a_type_error_and_an_invalid_input() -> None:
    with pytest.raises(TypeError):
        Tenge.from_tenge(0.1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        Tenge.from_tenge(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", "1,5", "", "1E+40", True])
def test_not_a_number_is_refused(bad: Any) -> None:
    with pytest.raises(MoneyError):
        Tenge.from_tenge(bad)


def test_tenge_mixes_only_with_tenge() -> None:
    with pytest.raises(TypeError):
        Tenge(1) + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = Tenge(1) < 2  # type: ignore[operator]
    with pytest.raises(MoneyError):
        Tenge(True)


def test_comparison_and_hashing() -> None:
    assert Tenge(1) < Tenge(2) <= Tenge(2) < Tenge(3)
    assert max(Tenge(5), Tenge(-7), Tenge(0)) == Tenge(5)
    assert len({Tenge(5), Tenge.from_tenge("0.05")}) == 1
    assert not Tenge.zero()
    assert Tenge(1)
    assert abs(Tenge(-3)) == Tenge(3)
    with pytest.raises(AttributeError):
        Tenge(1).tiyn = 2  # type: ignore[misc]


# --- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tiyn_value", "text"),
    [
        (9999050, "99 990,50 ₸"),
        (9999000, "99 990 ₸"),
        (123456789, "1 234 567,89 ₸"),
        (5, "0,05 ₸"),
        (0, "0 ₸"),
        (99900, "999 ₸"),
        (100000, "1 000 ₸"),
        (-123450, "-1 234,50 ₸"),
    ],
)
def test_kazakh_formatting(tiyn_value: int, text: str) -> None:
    # The expectations are written with plain spaces for readability; the real characters are
    # U+00A0 NO-BREAK SPACE between groups and before the sign, and U+20B8 TENGE SIGN.
    rendered = str(Tenge(tiyn_value))
    assert rendered == text.replace(" ", NBSP)
    assert " " not in rendered
    assert rendered.endswith(NBSP + TENGE_SIGN)


def test_format_can_always_show_decimals() -> None:
    assert Tenge(9999000).format(always_decimals=True) == f"99{NBSP}990,00{NBSP}₸"
    assert repr(Tenge(9999050)) == "Tenge(tiyn=9999050)"
    assert Tenge(9999050).to_decimal() == Decimal("99990.50")
    assert str(Tenge(9999050).to_decimal()) == "99990.50"


# --- pydantic -------------------------------------------------------------------------------


class Priced(BaseModel):
    price: Tenge
    floor: NonNegativeTenge = Tenge(0)


def test_pydantic_reads_and_writes_integer_tiyn() -> None:
    item = Priced.model_validate_json('{"price": 9999050, "floor": 100}')
    assert item.price == Tenge(9999050)
    assert item.floor == Tenge(100)
    assert item.model_dump_json() == '{"price":9999050,"floor":100}'
    assert item.model_dump() == {"price": 9999050, "floor": 100}
    assert Priced(price=Tenge(5)).price == Tenge(5)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"price": 99.5}', "floats are refused"),
        ('{"price": "9999050"}', "must be an integer"),
        ('{"price": true}', "must be an integer"),
        ('{"price": 99999999999999999999}', "64-bit"),
        ('{"price": 1, "floor": -1}', "must not be negative"),
    ],
)
def test_pydantic_refuses_bad_amounts(body: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Priced.model_validate_json(body)


def test_json_schema_is_integer_tiyn() -> None:
    schema = Priced.model_json_schema()
    price = schema["properties"]["price"]
    assert price["type"] == "integer"
    assert "tiyn" in price["description"]
    assert schema["properties"]["floor"]["minimum"] == 0


# --- generic Money --------------------------------------------------------------------------


def test_money_is_exact_within_one_currency() -> None:
    a = Money.of("0.1", "USD")
    b = Money.of(Decimal("0.2"), Currency.USD)
    assert a + b == Money.of("0.3", "USD")
    assert b - a == Money.of("0.1", "USD")
    assert -a == Money.of("-0.1", "USD")
    assert a < b
    assert str(a + b) == "0.3 USD"


def test_money_refuses_mixed_currencies_and_unknown_codes() -> None:
    with pytest.raises(MoneyError, match="convert one first"):
        Money.of(1, "USD") + Money.of(1, "EUR")
    with pytest.raises(MoneyError, match="convert one first"):
        _ = Money.of(1, "USD") < Money.of(1, "RUB")
    with pytest.raises(MoneyError, match="unknown currency"):
        Money.of(1, "GBP")


def test_money_rounds_and_becomes_tenge() -> None:
    assert Money.of("12.345", "EUR").rounded(Rounding.HALF_EVEN) == Money.of("12.34", "EUR")
    assert Money.of("12.345", "EUR").rounded(Rounding.HALF_UP) == Money.of("12.35", "EUR")
    assert Money.of("99990.5", "KZT").to_tenge() == Tenge(9999050)
    assert Money.of("0.005", "KZT").to_tenge(Rounding.UP) == Tenge(1)
    assert Tenge(150).to_money() == Money.of("1.50", "KZT")
    with pytest.raises(MoneyError, match="not tenge"):
        Money.of(1, "USD").to_tenge()

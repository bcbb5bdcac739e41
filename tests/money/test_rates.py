"""The in-memory RateBook: latest rate on or before a day, age limit, exact conversion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jarnama.core.money import Currency, Money, Rounding
from jarnama.money.rates import Rate, RateBook, RateUnavailable

JAN = [dt.date(2026, 1, day) for day in range(1, 32)]
BOOK = RateBook.of(
    [
        Rate(Currency.USD, JAN[9], Decimal("500.00")),
        Rate(Currency.USD, JAN[14], Decimal("506.12")),
        Rate(Currency.EUR, JAN[14], Decimal("589.40")),
        Rate(Currency.RUB, JAN[14], Decimal("6.46")),
        Rate(Currency.RUB, JAN[14], Decimal("6.47"), source="config"),  # later wins
    ],
    max_age_days=7,
)


def test_uses_the_latest_rate_on_or_before_the_day() -> None:
    assert BOOK.rate(Currency.USD, JAN[9]).kzt == Decimal("500.00")
    assert BOOK.rate(Currency.USD, JAN[13]).kzt == Decimal("500.00")
    assert BOOK.rate(Currency.USD, JAN[14]).kzt == Decimal("506.12")
    assert BOOK.rate(Currency.USD, JAN[20]).kzt == Decimal("506.12")
    assert BOOK.rate(Currency.RUB, JAN[14]).source == "config"


def test_refuses_missing_and_stale_rates() -> None:
    with pytest.raises(RateUnavailable, match="no USD rate on or before 2026-01-09"):
        BOOK.rate(Currency.USD, JAN[8])
    assert BOOK.rate(Currency.USD, JAN[21]).on == JAN[14]  # 7 days old: still accepted
    with pytest.raises(RateUnavailable, match="8 days old"):
        BOOK.rate(Currency.USD, JAN[22])
    assert BOOK.latest(Currency.USD, JAN[30]) is not None


def test_converts_with_exact_decimals_and_one_rounding() -> None:
    usd = Money.of("12.50", "USD")
    assert BOOK.convert(usd, Currency.KZT, JAN[14], rounding=Rounding.HALF_EVEN) == Money.of(
        "6326.50", "KZT"
    )
    # 100 EUR -> USD: 58940 / 506.12 = 116.4546748...
    eur = Money.of("100", "EUR")
    assert BOOK.convert(eur, Currency.USD, JAN[14], rounding=Rounding.HALF_UP).amount == Decimal(
        "116.45"
    )
    assert BOOK.convert(eur, Currency.USD, JAN[14], rounding=Rounding.UP).amount == Decimal(
        "116.46"
    )
    # 1 KZT -> RUB: 1 / 6.47 = 0.15455...
    one = Money.of("1", "KZT")
    assert BOOK.convert(one, Currency.RUB, JAN[14], rounding=Rounding.DOWN).amount == Decimal(
        "0.15"
    )
    assert BOOK.convert(one, Currency.KZT, JAN[1], rounding=Rounding.DOWN) == one


def test_quantity_is_honoured() -> None:
    book = RateBook.of([Rate(Currency.RUB, JAN[0], Decimal("646.00"), quantity=100)])
    rub = Money.of("1000", "RUB")
    assert book.convert(rub, Currency.KZT, JAN[0], rounding=Rounding.HALF_EVEN).amount == Decimal(
        "6460.00"
    )


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_round_trip_stays_within_a_tiyn_per_step(value: Decimal) -> None:
    kzt = Money(value, Currency.KZT)
    usd = BOOK.convert(kzt, Currency.USD, JAN[14], rounding=Rounding.HALF_EVEN)
    back = BOOK.convert(usd, Currency.KZT, JAN[14], rounding=Rounding.HALF_EVEN)
    # Rounding USD to a cent moves at most half a cent = 253.06 tiyn; back adds half a tiyn.
    assert abs(back.amount - value) <= Decimal("2.54")

"""Dated exchange rates in memory, and exact conversion between KZT, USD, EUR and RUB.

A `RateBook` is an immutable snapshot (built from the database and the configuration by
`jarnama.money.service.rate_book`), so hot paths convert without touching SQL. Conversion
uses the latest rate on or before the day asked for, refuses rates older than
`max_age_days`, computes in exact Decimal (60 significant digits) and rounds once, at the
end, to the target currency's minor unit with the rounding the caller names.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from jarnama.core.errors import NotFound
from jarnama.core.money import Currency, Money, Rounding, round_to

_EXACT = decimal.Context(
    prec=60, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation]
)


class RateUnavailable(NotFound):
    """No usable rate: none on or before the day, or the latest one is too old."""

    code = "rate_unavailable"


@dataclass(frozen=True, slots=True)
class Rate:
    """Tenge for `quantity` units of `currency`, as set for day `on`."""

    currency: Currency
    on: dt.date
    kzt: Decimal
    quantity: int = 1
    source: str = "config"

    @property
    def kzt_per_unit(self) -> Decimal:
        """Tenge for one unit of the currency (exact to 60 digits)."""
        return _EXACT.divide(self.kzt, Decimal(self.quantity))


@dataclass(frozen=True)
class RateBook:
    """Every known rate per currency, sorted by day; KZT is always 1."""

    max_age_days: int = 7
    _by_currency: dict[Currency, tuple[Rate, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, rates: Iterable[Rate], *, max_age_days: int = 7) -> RateBook:
        """A book from rates; for one currency and day the later item in `rates` wins."""
        latest: dict[tuple[Currency, dt.date], Rate] = {}
        for rate in rates:
            if rate.currency is Currency.KZT:
                continue
            latest[(rate.currency, rate.on)] = rate
        grouped: dict[Currency, list[Rate]] = {}
        for rate in latest.values():
            grouped.setdefault(rate.currency, []).append(rate)
        return cls(
            max_age_days=max_age_days,
            _by_currency={
                code: tuple(sorted(items, key=lambda r: r.on)) for code, items in grouped.items()
            },
        )

    def rates(self, currency: Currency) -> tuple[Rate, ...]:
        """Every known rate of one currency, oldest first."""
        return self._by_currency.get(currency, ())

    def latest(self, currency: Currency, on: dt.date) -> Rate | None:
        """The latest rate set on or before `on`, however old (None when there is none)."""
        history = self._by_currency.get(currency, ())
        index = bisect.bisect_right([rate.on for rate in history], on)
        return history[index - 1] if index else None

    def rate(self, currency: Currency, on: dt.date) -> Rate:
        """The rate in force on `on`; refuses when none exists or it is over the age limit."""
        if currency is Currency.KZT:
            return Rate(Currency.KZT, on, Decimal(1), 1, "identity")
        found = self.latest(currency, on)
        if found is None:
            raise RateUnavailable(
                f"no {currency} rate on or before {on.isoformat()}", field="currency"
            )
        age = (on - found.on).days
        if age > self.max_age_days:
            raise RateUnavailable(
                f"the latest {currency} rate on or before {on.isoformat()} is from "
                f"{found.on.isoformat()}, {age} days old (limit {self.max_age_days}); "
                "import a newer rates file",
                field="on",
            )
        return found

    def convert(
        self,
        amount: Money,
        to: Currency,
        on: dt.date,
        *,
        rounding: Rounding,
    ) -> Money:
        """`amount` in currency `to` at the rates in force on `on`, rounded to `to`'s minor unit."""
        to = Currency(to)
        if amount.currency is to:
            return amount.rounded(rounding)
        in_kzt = _EXACT.multiply(amount.amount, self.rate(amount.currency, on).kzt_per_unit)
        exact = _EXACT.divide(in_kzt, self.rate(to, on).kzt_per_unit)
        return Money(round_to(exact, to.minor_units, rounding), to)

"""Money as exact types: `Tenge` in integer tiyn, and `Money` (a Decimal in KZT/USD/EUR/RUB).

Floats are refused everywhere: 0.1 + 0.2 != 0.3 in binary floating point, and a tiyn lost per
impression is thousands of tenge a day at network scale. Every step that can lose precision
(a Decimal with more than two places, a percentage, a currency conversion) takes an explicit
`Rounding`.
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from jarnama.core.errors import InvalidInput

TIYN_PER_TENGE = 100
# U+00A0 NO-BREAK SPACE: the thousands separator and the gap before the sign, so "99 990 ₸"
# never breaks across lines. U+20B8 TENGE SIGN follows the number, as Kazakh typography wants.
NBSP = "\u00a0"
TENGE_SIGN = "\u20b8"
# Amounts cross the API as 64-bit integers (BIGINT columns); beyond that is an input error.
TIYN_MIN = -(2**63)
TIYN_MAX = 2**63 - 1
# No real amount, rate or factor reaches 10^30; bigger input is a mistake or an attack.
MAX_DIGITS = 30
# Enough digits for any conversion chain; rounding happens once, at the end.
_EXACT = decimal.Context(
    prec=60, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation]
)


class MoneyError(InvalidInput, ValueError):
    """An amount that cannot be represented exactly as asked (also a ValueError for pydantic)."""

    code = "invalid_amount"


class FloatRefused(MoneyError, TypeError):
    """A float was given where money was expected."""

    code = "float_refused"

    def __init__(self, where: str, *, field: str | None = None) -> None:
        super().__init__(
            f"{where}: floats are refused for money (binary fractions are inexact); "
            "pass integer tiyn, a Decimal, or a decimal string such as '99990.50'",
            field=field,
        )


class Rounding(enum.StrEnum):
    """How to round to the minor unit when an amount does not fit exactly (names as in decimal).

    HALF_UP rounds .5 away from zero, HALF_EVEN (banker's) rounds .5 to the even neighbour,
    DOWN truncates toward zero, UP rounds away from zero.
    """

    HALF_UP = decimal.ROUND_HALF_UP
    HALF_EVEN = decimal.ROUND_HALF_EVEN
    DOWN = decimal.ROUND_DOWN
    UP = decimal.ROUND_UP


class Currency(enum.StrEnum):
    """The currencies Jarnama prices and converts in (ISO 4217 codes)."""

    KZT = "KZT"
    USD = "USD"
    EUR = "EUR"
    RUB = "RUB"

    @property
    def minor_units(self) -> int:
        """Digits after the decimal point (tiyn, cents, kopecks: all two)."""
        return 2


def _refuse_float(value: object, where: str) -> None:
    if isinstance(value, float):
        raise FloatRefused(where)


def to_decimal(value: Decimal | str | int, where: str = "amount") -> Decimal:
    """An exact finite Decimal from a Decimal, a decimal string or an int (floats refused)."""
    _refuse_float(value, where)
    if isinstance(value, bool) or not isinstance(value, Decimal | str | int):
        raise MoneyError(f"{where}: expected a Decimal, a decimal string or an int, got {value!r}")
    try:
        result = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except decimal.InvalidOperation:
        raise MoneyError(f"{where}: {value!r} is not a decimal number") from None
    if not result.is_finite():
        raise MoneyError(f"{where}: {value!r} is not a finite number")
    if result and result.adjusted() > MAX_DIGITS:
        raise MoneyError(f"{where}: {value!r} is too large (over 10^{MAX_DIGITS})")
    return result


def round_to(value: Decimal, places: int, rounding: Rounding) -> Decimal:
    """`value` rounded to `places` decimal places with an explicit rounding mode."""
    try:
        return value.quantize(Decimal(1).scaleb(-places), rounding=rounding.value, context=_EXACT)
    except decimal.InvalidOperation:
        raise MoneyError(f"{value} is too large to round to {places} places") from None


def _int_factor(factor: object) -> int:
    _refuse_float(factor, "Tenge *")
    if isinstance(factor, Decimal):
        raise TypeError("Tenge * Decimal may need rounding: use .multiply(factor, rounding)")
    if isinstance(factor, bool) or not isinstance(factor, int):
        raise TypeError(f"Tenge * needs an int, got {type(factor).__name__}")
    return factor


@dataclass(frozen=True, slots=True, order=True)
class Tenge:
    """An exact amount of Kazakhstani tenge, held as integer tiyn (1 ₸ = 100 tiyn).

    Immutable and hashable; adds and subtracts only with `Tenge`; multiplies by int exactly
    and by a Decimal only through `multiply(factor, rounding)`; splits with `allocate`.
    In API schemas it is an integer number of tiyn.
    """

    tiyn: int

    def __post_init__(self) -> None:
        _refuse_float(self.tiyn, "Tenge(tiyn=...)")
        if isinstance(self.tiyn, bool) or not isinstance(self.tiyn, int):
            raise MoneyError(f"Tenge(tiyn=...) needs an int number of tiyn, got {self.tiyn!r}")

    # --- construction -------------------------------------------------------------------

    @classmethod
    def zero(cls) -> Tenge:
        """Nothing."""
        return cls(0)

    @classmethod
    def from_tenge(cls, value: Decimal | str | int, rounding: Rounding | None = None) -> Tenge:
        """Tenge from an amount in tenge; more than 2 decimals needs an explicit `rounding`."""
        amount = to_decimal(value, "tenge amount")
        in_tiyn = amount.scaleb(2, context=_EXACT)
        whole = in_tiyn.to_integral_value(rounding=decimal.ROUND_DOWN, context=_EXACT)
        if in_tiyn != whole:
            if rounding is None:
                raise MoneyError(
                    f"{value!r} has more than 2 decimal places; pass a Rounding to round it to tiyn"
                )
            whole = in_tiyn.to_integral_value(rounding=rounding.value, context=_EXACT)
        return cls(int(whole))

    @classmethod
    def total(cls, amounts: Iterable[Tenge]) -> Tenge:
        """The sum of many amounts (zero for none)."""
        tiyn = 0
        for amount in amounts:
            tiyn += cls._other(amount, "total").tiyn
        return cls(tiyn)

    # --- views ----------------------------------------------------------------------------

    def to_decimal(self) -> Decimal:
        """The amount in tenge as a Decimal with exactly two places (e.g. Decimal('99990.50'))."""
        return Decimal(self.tiyn).scaleb(-2, context=_EXACT)

    def to_money(self) -> Money:
        """The same amount as generic `Money` in KZT."""
        return Money(self.to_decimal(), Currency.KZT)

    def format(self, *, always_decimals: bool = False) -> str:
        """Kazakh style: '99 990,50 ₸' (NBSP groups, comma decimals, NBSP then U+20B8)."""
        sign = "-" if self.tiyn < 0 else ""
        whole, cents = divmod(abs(self.tiyn), TIYN_PER_TENGE)
        grouped = f"{whole:,}".replace(",", NBSP)
        fraction = f",{cents:02d}" if cents or always_decimals else ""
        return f"{sign}{grouped}{fraction}{NBSP}{TENGE_SIGN}"

    def __str__(self) -> str:
        """Kazakh style, whole tenge without decimals: '99 990 ₸', '99 990,50 ₸'."""
        return self.format()

    def __repr__(self) -> str:
        """Unambiguous: Tenge(tiyn=9999050)."""
        return f"Tenge(tiyn={self.tiyn})"

    def __bool__(self) -> bool:
        """False for zero, like numbers."""
        return self.tiyn != 0

    # --- arithmetic -----------------------------------------------------------------------

    @staticmethod
    def _other(value: object, op: str) -> Tenge:
        _refuse_float(value, f"Tenge {op}")
        if not isinstance(value, Tenge):
            raise TypeError(f"Tenge {op} needs another Tenge, got {type(value).__name__}")
        return value

    def __add__(self, other: Tenge) -> Tenge:
        """Exact sum."""
        return Tenge(self.tiyn + self._other(other, "+").tiyn)

    def __sub__(self, other: Tenge) -> Tenge:
        """Exact difference."""
        return Tenge(self.tiyn - self._other(other, "-").tiyn)

    def __neg__(self) -> Tenge:
        """The opposite amount (a refund of this one)."""
        return Tenge(-self.tiyn)

    def __abs__(self) -> Tenge:
        """The amount without its sign."""
        return Tenge(abs(self.tiyn))

    def __mul__(self, factor: int) -> Tenge:
        """Exact multiple by an int; a Decimal factor needs `multiply(factor, rounding)`."""
        return Tenge(self.tiyn * _int_factor(factor))

    __rmul__ = __mul__

    def multiply(self, factor: Decimal | str | int, rounding: Rounding) -> Tenge:
        """The amount times a Decimal factor (a share, a rate), rounded to tiyn as told."""
        exact = Decimal(self.tiyn) * to_decimal(factor, "factor")
        rounded = exact.to_integral_value(rounding=rounding.value, context=_EXACT)
        return Tenge(int(rounded))

    def allocate(self, ratios: Sequence[Decimal | str | int]) -> list[Tenge]:
        """Split into parts proportional to `ratios`, summing exactly to this amount.

        Largest-remainder method: each part gets the floor of its exact share, and the tiyn
        left over go one each to the parts with the largest remainders (earlier parts first on
        ties), so parts with equal ratios differ by at most one tiyn.
        """
        if not ratios:
            raise MoneyError("allocate needs at least one ratio")
        weights = [Fraction(to_decimal(ratio, f"ratio {i}")) for i, ratio in enumerate(ratios)]
        if any(weight < 0 for weight in weights):
            raise MoneyError("allocate ratios must not be negative")
        total_weight = sum(weights, Fraction(0))
        if total_weight == 0:
            raise MoneyError("allocate ratios must not all be zero")
        magnitude = abs(self.tiyn)
        exact = [magnitude * weight / total_weight for weight in weights]
        parts = [share.numerator // share.denominator for share in exact]
        left_over = magnitude - sum(parts)
        by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
        for i in by_remainder[:left_over]:
            parts[i] += 1
        sign = -1 if self.tiyn < 0 else 1
        return [Tenge(sign * part) for part in parts]

    def split(self, count: int) -> list[Tenge]:
        """Split into `count` parts that differ by at most one tiyn."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise MoneyError("split needs a positive int count")
        return self.allocate([1] * count)

    # --- pydantic -------------------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Validate from integer tiyn (or a Tenge); serialise as integer tiyn."""
        return core_schema.no_info_plain_validator_function(
            cls._from_api,
            json_schema_input_schema=core_schema.int_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: value.tiyn, return_schema=core_schema.int_schema()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, _schema: core_schema.CoreSchema, _handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """An integer number of tiyn within the 64-bit range."""
        return {
            "type": "integer",
            "minimum": TIYN_MIN,
            "maximum": TIYN_MAX,
            "description": "Amount in tiyn (1 ₸ = 100 tiyn), an integer.",
            "examples": [9999050],
        }

    @classmethod
    def _from_api(cls, value: Any) -> Tenge:
        if isinstance(value, Tenge):
            tiyn = value.tiyn
        elif isinstance(value, float):
            raise FloatRefused("amount in tiyn")
        elif isinstance(value, int) and not isinstance(value, bool):
            tiyn = value
        else:
            raise MoneyError(f"amount in tiyn must be an integer, got {type(value).__name__}")
        if not TIYN_MIN <= tiyn <= TIYN_MAX:
            raise MoneyError("amount in tiyn is outside the 64-bit range")
        return cls(tiyn)


def _non_negative(value: Tenge) -> Tenge:
    if value.tiyn < 0:
        raise MoneyError("amount must not be negative")
    return value


class _NonNegative:
    """Pydantic metadata: a `Tenge` that is zero or more (prices, budgets, bids)."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Tenge's schema followed by a sign check."""
        return core_schema.no_info_after_validator_function(_non_negative, handler(source))

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Tenge's JSON schema with minimum 0."""
        return {**handler(schema), "minimum": 0}


NonNegativeTenge = Annotated[Tenge, _NonNegative]


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency: a finite Decimal (floats refused) and a `Currency`.

    Adds, subtracts and compares only within one currency; `rounded` brings it to the
    currency's minor unit with an explicit rounding; converting between currencies is
    `jarnama.money.rates.RateBook.convert`.
    """

    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        _refuse_float(self.amount, "Money(amount=...)")
        if not isinstance(self.amount, Decimal):
            raise MoneyError("Money(amount=...) needs a Decimal; use Money.of for str or int")
        if not self.amount.is_finite():
            raise MoneyError(f"Money(amount=...) must be finite, got {self.amount!r}")
        object.__setattr__(self, "currency", Currency(self.currency))

    @classmethod
    def of(cls, amount: Decimal | str | int, currency: Currency | str) -> Money:
        """Money from a Decimal, a decimal string or an int, in a currency code."""
        try:
            code = Currency(currency)
        except ValueError:
            known = ", ".join(Currency)
            raise MoneyError(f"unknown currency {currency!r}; known: {known}") from None
        return cls(to_decimal(amount), code)

    def _same(self, other: object, op: str) -> Money:
        _refuse_float(other, f"Money {op}")
        if not isinstance(other, Money):
            raise TypeError(f"Money {op} needs Money, got {type(other).__name__}")
        if other.currency is not self.currency:
            raise MoneyError(f"cannot {op} {self.currency} and {other.currency}; convert one first")
        return other

    def __add__(self, other: Money) -> Money:
        """Exact sum within one currency."""
        return Money(self.amount + self._same(other, "add").amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        """Exact difference within one currency."""
        return Money(self.amount - self._same(other, "subtract").amount, self.currency)

    def __neg__(self) -> Money:
        """The opposite amount."""
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        """Compare within one currency."""
        return self.amount < self._same(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        """Compare within one currency."""
        return self.amount <= self._same(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        """Compare within one currency."""
        return self.amount > self._same(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        """Compare within one currency."""
        return self.amount >= self._same(other, "compare").amount

    def rounded(self, rounding: Rounding) -> Money:
        """The amount rounded to the currency's minor unit (cents, kopecks, tiyn)."""
        return Money(round_to(self.amount, self.currency.minor_units, rounding), self.currency)

    def to_tenge(self, rounding: Rounding | None = None) -> Tenge:
        """A KZT amount as `Tenge` (more than 2 decimals needs `rounding`)."""
        if self.currency is not Currency.KZT:
            raise MoneyError(f"{self.currency} is not tenge; convert it first")
        return Tenge.from_tenge(self.amount, rounding)

    def __str__(self) -> str:
        """'12.50 USD' (Tenge has the Kazakh-style format)."""
        return f"{self.amount} {self.currency.value}"


__all__ = [
    "NBSP",
    "TENGE_SIGN",
    "Currency",
    "FloatRefused",
    "Money",
    "MoneyError",
    "NonNegativeTenge",
    "Rounding",
    "Tenge",
    "round_to",
    "to_decimal",
]

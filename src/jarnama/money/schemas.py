"""Request and response bodies of the money API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

from jarnama.core.money import Currency


class RateOut(BaseModel):
    """One exchange rate: `kzt` tenge buy `quantity` units of `currency`, as set for day `on`."""

    currency: Currency
    on: dt.date = Field(description="The day the rate was set for.")
    kzt: Decimal = Field(description="Tenge for `quantity` units, as a decimal string.")
    quantity: int
    kzt_per_unit: Decimal = Field(description="Tenge for one unit (kzt / quantity).")
    source: str = Field(description="Where the rate came from: config, nbk or identity (KZT).")
    age_days: int = Field(description="Days between `on` and the day asked for.")


class RatesOut(BaseModel):
    """The rates in force on one day."""

    on: dt.date
    max_age_days: int = Field(description="Rates older than this are refused for conversion.")
    rates: list[RateOut]


class RateImportOut(BaseModel):
    """What an NBK rates file import changed (importing the same file again changes nothing)."""

    on: dt.date
    inserted: list[Currency]
    updated: list[Currency]
    unchanged: list[Currency]
    ignored: list[str] = Field(description="Currency codes in the file that Jarnama does not use.")


class ConversionOut(BaseModel):
    """An amount converted at the rates in force on a day, rounded once at the end."""

    amount: Decimal
    currency: Currency
    to: Currency
    on: dt.date
    rounding: str
    result: Decimal
    rates: list[RateOut]

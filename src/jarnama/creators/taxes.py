"""Kazakhstan tax rules for creator payouts, driven by the dated table in `tax_table.toml`.

The code knows the *shape* of the rules (a progressive personal income tax withheld for
individuals, yearly and monthly MCI limits for the special regimes, a VAT threshold); every
number comes from the table, looked up by the date of the payment.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jarnama.config import Settings
from jarnama.core.errors import ConfigurationError


class TaxStatus(enum.StrEnum):
    """How a creator is taxed."""

    INDIVIDUAL = "individual"
    SIMPLIFIED = "sole_proprietor_simplified"
    SELF_EMPLOYED = "self_employed"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndividualRules(_Strict):
    """Personal income tax withheld from individuals."""

    pit_rate_bp: int = Field(ge=0, le=10_000)
    pit_high_rate_bp: int = Field(ge=0, le=10_000)
    pit_high_threshold_mci: int = Field(ge=0)


class SimplifiedRules(_Strict):
    """Sole proprietors on the simplified declaration."""

    rate_bp: int = Field(ge=0, le=10_000)
    annual_limit_mci: int = Field(gt=0)
    warn_at_bp: list[int]
    advertiser_notice: str


class SelfEmployedRules(_Strict):
    """The self-employed regime."""

    monthly_limit_mci: int = Field(gt=0)
    warn_at_bp: list[int]


class VatRules(_Strict):
    """Value added tax."""

    rate_bp: int = Field(ge=0, le=10_000)
    registration_threshold_mci: int = Field(gt=0)


class TaxPeriod(_Strict):
    """The rules in force from `valid_from` until the next period starts."""

    valid_from: dt.date
    source: str
    mci_tiyn: int = Field(gt=0)
    individual: IndividualRules
    simplified: SimplifiedRules
    self_employed: SelfEmployedRules
    vat: VatRules

    def mci(self, count: int) -> int:
        """`count` MCI in tiyn."""
        return count * self.mci_tiyn


class TaxTable(_Strict):
    """Every dated period, oldest first."""

    period: list[TaxPeriod] = Field(min_length=1)

    def on(self, day: dt.date) -> TaxPeriod:
        """The period in force on `day`."""
        found = [p for p in self.period if p.valid_from <= day]
        if not found:
            raise ConfigurationError(f"the tax table has no period in force on {day.isoformat()}")
        return max(found, key=lambda p: p.valid_from)


def parse_tax_table(text: str, origin: str = "tax table") -> TaxTable:
    """A tax table from TOML text, every problem reported as a ConfigurationError."""
    try:
        return TaxTable.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigurationError(f"{origin} is invalid: {exc}") from exc


@functools.cache
def load_tax_table(path: str | None = None) -> TaxTable:
    """The configured table (`creators.tax_table_path`) or the packaged one."""
    if path:
        return parse_tax_table(Path(path).read_text(encoding="utf-8"), path)
    text = resources.files("jarnama.creators").joinpath("tax_table.toml").read_text("utf-8")
    return parse_tax_table(text, "packaged tax_table.toml")


def tax_table(settings: Settings) -> TaxTable:
    """The tax table an install uses (`creators.tax_table_path`, else the packaged one)."""
    return load_tax_table(settings.creators.tax_table_path)


def _bp(amount_tiyn: int, rate_bp: int) -> int:
    """`rate_bp` basis points of an amount, rounded half up to the tiyn."""
    exact = Decimal(amount_tiyn) * rate_bp / 10_000
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class Withholding:
    """Tax withheld from one gross payment and what the creator receives."""

    gross_tiyn: int
    tax_tiyn: int
    net_tiyn: int


def withholding(
    period: TaxPeriod, status: TaxStatus, gross_tiyn: int, *, year_to_date_tiyn: int
) -> Withholding:
    """The tax withheld from a payment, given the creator's gross income earlier in the year.

    Only individuals are withheld from; the special regimes pay their own tax. The higher rate
    applies to the part of the payment above the yearly threshold.
    """
    if status is not TaxStatus.INDIVIDUAL or gross_tiyn <= 0:
        return Withholding(gross_tiyn, 0, gross_tiyn)
    rules = period.individual
    threshold = period.mci(rules.pit_high_threshold_mci)
    below = max(0, min(gross_tiyn, threshold - year_to_date_tiyn))
    above = gross_tiyn - below
    tax = _bp(below, rules.pit_rate_bp) + _bp(above, rules.pit_high_rate_bp)
    return Withholding(gross_tiyn, tax, gross_tiyn - tax)


@dataclass(frozen=True, slots=True)
class LimitWarning:
    """A special-regime income limit reached or approached."""

    code: str
    message: str
    used_bp: int


def limit_warnings(
    period: TaxPeriod, status: TaxStatus, *, year_tiyn: int, month_tiyn: int
) -> list[LimitWarning]:
    """Warnings for a creator's income against the regime's yearly or monthly MCI limit."""
    if status is TaxStatus.SIMPLIFIED:
        limit = period.mci(period.simplified.annual_limit_mci)
        return _crossed(
            "simplified_annual_limit",
            f"yearly income limit of {period.simplified.annual_limit_mci:,} MCI "
            "for the simplified declaration",
            year_tiyn,
            limit,
            period.simplified.warn_at_bp,
        )
    if status is TaxStatus.SELF_EMPLOYED:
        limit = period.mci(period.self_employed.monthly_limit_mci)
        return _crossed(
            "self_employed_monthly_limit",
            f"monthly income limit of {period.self_employed.monthly_limit_mci:,} MCI "
            "for the self-employed regime",
            month_tiyn,
            limit,
            period.self_employed.warn_at_bp,
        )
    return []


def _crossed(
    code: str, what: str, used: int, limit: int, warn_at_bp: list[int]
) -> list[LimitWarning]:
    """The highest warning level reached (one warning, or none)."""
    used_bp = used * 10_000 // limit
    reached = [level for level in warn_at_bp if used_bp >= level]
    if not reached:
        return []
    level = max(reached)
    verb = "reached" if level >= 10_000 else f"{level // 100}% used of"
    return [LimitWarning(f"{code}_{level // 100}", f"{verb} the {what}", used_bp)]


def vat_registration_due(period: TaxPeriod, year_tiyn: int) -> bool:
    """True when a year's turnover reaches the VAT registration threshold."""
    return year_tiyn >= period.mci(period.vat.registration_threshold_mci)

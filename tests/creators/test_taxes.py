"""Kazakhstan tax rules against worked examples, from the dated table (2026 values)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jarnama.core.errors import ConfigurationError
from jarnama.creators.taxes import (
    TaxStatus,
    limit_warnings,
    load_tax_table,
    parse_tax_table,
    vat_registration_due,
    withholding,
)

T = 100  # tiyn per tenge
P2026 = load_tax_table().on(dt.date(2026, 6, 1))


def test_the_2026_table_holds_the_published_values() -> None:
    assert P2026.mci_tiyn == 4_325 * T
    assert P2026.individual.pit_rate_bp == 1_000
    assert P2026.individual.pit_high_rate_bp == 1_500
    assert P2026.individual.pit_high_threshold_mci == 8_500
    assert P2026.simplified.rate_bp == 400
    assert P2026.simplified.annual_limit_mci == 600_000
    assert P2026.self_employed.monthly_limit_mci == 300
    assert P2026.vat.registration_threshold_mci == 10_000


def test_individual_10_percent_below_the_threshold() -> None:
    # 100,000 ₸ early in the year: 10% = 10,000 ₸ withheld, 90,000 ₸ paid.
    held = withholding(P2026, TaxStatus.INDIVIDUAL, 100_000 * T, year_to_date_tiyn=0)
    assert (held.tax_tiyn, held.net_tiyn) == (10_000 * T, 90_000 * T)


def test_individual_payment_straddling_8500_mci_is_split() -> None:
    # Threshold 8,500 × 4,325 = 36,762,500 ₸. Earned so far 36,700,000 ₸; a 100,000 ₸ payment:
    # 62,500 ₸ at 10% = 6,250 ₸, 37,500 ₸ at 15% = 5,625 ₸; together 11,875 ₸.
    held = withholding(P2026, TaxStatus.INDIVIDUAL, 100_000 * T, year_to_date_tiyn=36_700_000 * T)
    assert held.tax_tiyn == 11_875 * T
    assert held.net_tiyn == 88_125 * T


def test_individual_above_the_threshold_pays_15_percent() -> None:
    held = withholding(P2026, TaxStatus.INDIVIDUAL, 10_000 * T, year_to_date_tiyn=40_000_000 * T)
    assert held.tax_tiyn == 1_500 * T


def test_tax_is_rounded_half_up_to_the_tiyn() -> None:
    assert withholding(P2026, TaxStatus.INDIVIDUAL, 5, year_to_date_tiyn=0).tax_tiyn == 1  # 0.5


@pytest.mark.parametrize("status", [TaxStatus.SIMPLIFIED, TaxStatus.SELF_EMPLOYED])
def test_special_regimes_are_not_withheld(status: TaxStatus) -> None:
    held = withholding(P2026, status, 100_000 * T, year_to_date_tiyn=0)
    assert (held.tax_tiyn, held.net_tiyn) == (0, 100_000 * T)


def test_simplified_warns_at_80_and_100_percent_of_600000_mci() -> None:
    limit = 600_000 * 4_325 * T  # 2,595,000,000 ₸
    assert (
        limit_warnings(P2026, TaxStatus.SIMPLIFIED, year_tiyn=limit * 79 // 100, month_tiyn=0) == []
    )
    at_80 = limit_warnings(P2026, TaxStatus.SIMPLIFIED, year_tiyn=2_076_000_000 * T, month_tiyn=0)
    assert [w.code for w in at_80] == ["simplified_annual_limit_80"]
    at_100 = limit_warnings(P2026, TaxStatus.SIMPLIFIED, year_tiyn=limit, month_tiyn=0)
    assert [w.code for w in at_100] == ["simplified_annual_limit_100"]
    assert "reached" in at_100[0].message


def test_self_employed_warns_at_the_300_mci_monthly_limit() -> None:
    limit = 300 * 4_325 * T  # 1,297,500 ₸ a month
    assert limit_warnings(P2026, TaxStatus.SELF_EMPLOYED, year_tiyn=0, month_tiyn=limit - 1)[
        0
    ].code == ("self_employed_monthly_limit_80")
    assert limit_warnings(P2026, TaxStatus.SELF_EMPLOYED, year_tiyn=0, month_tiyn=limit)[
        0
    ].code == ("self_employed_monthly_limit_100")
    assert limit_warnings(P2026, TaxStatus.INDIVIDUAL, year_tiyn=10**15, month_tiyn=10**15) == []


def test_vat_registration_threshold_is_10000_mci() -> None:
    assert not vat_registration_due(P2026, 43_250_000 * T - 1)
    assert vat_registration_due(P2026, 43_250_000 * T)  # 10,000 × 4,325 ₸


def test_adding_2027_needs_only_data() -> None:
    table = parse_tax_table(_packaged_text() + _PERIOD_2027)
    assert table.on(dt.date(2026, 12, 31)).mci_tiyn == 4_325 * T
    p2027 = table.on(dt.date(2027, 1, 1))
    assert p2027.mci_tiyn == 4_500 * T
    held = withholding(p2027, TaxStatus.INDIVIDUAL, 100_000 * T, year_to_date_tiyn=0)
    assert held.tax_tiyn == 12_000 * T


def test_a_tax_table_file_from_settings_replaces_the_packaged_one(tmp_path: Path) -> None:
    path = tmp_path / "taxes.toml"
    path.write_text(_packaged_text() + _PERIOD_2027, encoding="utf-8")
    assert load_tax_table(str(path)).on(dt.date(2027, 5, 1)).mci_tiyn == 4_500 * T


def test_a_date_before_the_table_and_a_broken_table_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="no period"):
        load_tax_table().on(dt.date(2025, 12, 31))
    with pytest.raises(ConfigurationError, match="invalid"):
        parse_tax_table("[[period]]\nvalid_from = 2026-01-01\n")


def _packaged_text() -> str:
    from importlib import resources

    return resources.files("jarnama.creators").joinpath("tax_table.toml").read_text("utf-8")


# A made-up 2027: MCI 4,500 ₸ and PIT 12%; only data changes.
_PERIOD_2027 = """
[[period]]
valid_from = 2027-01-01
source = "hypothetical 2027 values for the test"
mci_tiyn = 450_000

[period.individual]
pit_rate_bp = 1_200
pit_high_rate_bp = 1_500
pit_high_threshold_mci = 8_500

[period.simplified]
rate_bp = 400
annual_limit_mci = 600_000
warn_at_bp = [8_000, 10_000]
advertiser_notice = "-"

[period.self_employed]
monthly_limit_mci = 300
warn_at_bp = [10_000]

[period.vat]
rate_bp = 1_600
registration_threshold_mci = 10_000
"""

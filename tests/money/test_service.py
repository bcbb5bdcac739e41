"""Importing NBK files and converting with stored and configured rates (both databases)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.money import Currency, Money, Rounding
from jarnama.money import repository, service
from jarnama.money.nbk import RatesFileError
from jarnama.money.rates import RateUnavailable
from jarnama.tenancy.models import AuditEntry
from tests.money.conftest import nbk_document

JAN15 = dt.date(2026, 1, 15)


def _audit(session: Session) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.entity == "exchange_rate").order_by(AuditEntry.id)
    return list(session.scalars(stmt).all())


def test_import_stores_the_quoted_currencies(session: Session, sample_bytes: bytes) -> None:
    result = service.import_nbk(session, "test", sample_bytes)
    assert result.on == JAN15
    assert result.inserted == [Currency.USD, Currency.EUR, Currency.RUB]
    assert "CNY" in result.ignored
    assert len(result.ignored) == 14
    rows = repository.rates(session)
    assert {(row.currency, row.kzt, row.quantity, row.source) for row in rows} == {
        ("USD", Decimal("506.12"), 1, "nbk"),
        ("EUR", Decimal("589.40"), 1, "nbk"),
        ("RUB", Decimal("6.46"), 1, "nbk"),
    }
    entries = _audit(session)
    assert [(e.action, e.entity_id, e.actor) for e in entries] == [
        ("create", "USD:2026-01-15", "test"),
        ("create", "EUR:2026-01-15", "test"),
        ("create", "RUB:2026-01-15", "test"),
    ]
    assert entries[0].after is not None
    assert Decimal(entries[0].after["kzt"]) == Decimal("506.12")


def test_import_is_idempotent_per_currency_and_day(session: Session, sample_bytes: bytes) -> None:
    service.import_nbk(session, "test", sample_bytes)
    again = service.import_nbk(session, "test", sample_bytes)
    assert again.inserted == again.updated == []
    assert again.unchanged == [Currency.USD, Currency.EUR, Currency.RUB]
    assert len(repository.rates(session)) == 3
    assert len(_audit(session)) == 3  # nothing changed, nothing audited

    corrected = nbk_document("15.01.2026", {"USD": ("507.00", 1), "EUR": ("589.40", 1)})
    result = service.import_nbk(session, "test", corrected)
    assert result.updated == [Currency.USD]
    assert result.unchanged == [Currency.EUR]
    assert repository.rate(session, "USD", JAN15) is not None
    assert repository.rate(session, "USD", JAN15).kzt == Decimal("507.00")  # type: ignore[union-attr]
    update = _audit(session)[-1]
    assert update.action == "update"
    assert update.before is not None
    assert Decimal(update.before["kzt"]) == Decimal("506.12")
    assert update.after is not None
    assert Decimal(update.after["kzt"]) == Decimal("507")


def test_a_bad_file_changes_nothing(session: Session) -> None:
    bad = nbk_document("16.01.2026", {"USD": ("506.12", 1)}).replace(b"506.12", b"5O6.12")
    with pytest.raises(RatesFileError, match=r"#1 \(USD\): <description>"):
        service.import_nbk(session, "test", bad)
    too_precise = nbk_document("16.01.2026", {"EUR": ("589.1234567", 1)})
    with pytest.raises(RatesFileError, match="6 decimals"):
        service.import_nbk(session, "test", too_precise)
    assert repository.rates(session) == []


def test_convert_with_dated_rates(session: Session, settings: Settings) -> None:
    service.import_nbk(session, "test", nbk_document("10.01.2026", {"USD": ("500.00", 1)}))
    service.import_nbk(session, "test", nbk_document("15.01.2026", {"USD": ("506.12", 1)}))
    usd = Money.of("10", "USD")

    def kzt_on(day: dt.date) -> Decimal:
        return service.convert(
            session, settings, usd, Currency.KZT, on=day, rounding=Rounding.HALF_EVEN
        ).result

    assert kzt_on(dt.date(2026, 1, 10)) == Decimal("5000.00")
    assert kzt_on(dt.date(2026, 1, 14)) == Decimal("5000.00")
    assert kzt_on(dt.date(2026, 1, 15)) == Decimal("5061.20")
    assert kzt_on(dt.date(2026, 1, 22)) == Decimal("5061.20")
    with pytest.raises(RateUnavailable, match="8 days old"):
        kzt_on(dt.date(2026, 1, 23))
    with pytest.raises(RateUnavailable, match="no USD rate"):
        kzt_on(dt.date(2026, 1, 9))


def test_configured_rates_join_and_win_ties(session: Session, settings: Settings) -> None:
    service.import_nbk(session, "test", nbk_document("15.01.2026", {"EUR": ("589.40", 1)}))
    configured = Settings(
        _env_file=None,
        **settings.model_dump(exclude={"money"}),
        money={
            "rates": [
                {"currency": "EUR", "on": "2026-01-15", "kzt": "590", "quantity": 1},
                {"currency": "RUB", "on": "2026-01-15", "kzt": "646", "quantity": 100},
            ],
            "max_rate_age_days": 30,
        },
    )
    in_force = service.rates_in_force(session, configured, on=dt.date(2026, 2, 1))
    by_code = {rate.currency: rate for rate in in_force.rates}
    assert set(by_code) == {Currency.EUR, Currency.RUB}
    assert by_code[Currency.EUR].kzt == Decimal("590")
    assert by_code[Currency.EUR].source == "config"
    assert by_code[Currency.RUB].kzt_per_unit == Decimal("6.46")
    assert by_code[Currency.RUB].age_days == 17
    converted = service.convert(
        session,
        configured,
        Money.of("1000", "RUB"),
        Currency.EUR,
        on=dt.date(2026, 2, 1),
        rounding=Rounding.HALF_UP,
    )
    assert converted.result == Decimal("10.95")  # 6460 / 590 = 10.9491...

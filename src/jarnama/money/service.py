"""Money operations: dated exchange rates from configuration and NBK files, and conversion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.money import Currency, Money, Rounding
from jarnama.core.time import business_day, utcnow
from jarnama.money import repository
from jarnama.money.models import ExchangeRate
from jarnama.money.nbk import RatesFileError, parse_nbk_rates
from jarnama.money.rates import Rate, RateBook
from jarnama.money.schemas import ConversionOut, RateImportOut, RateOut, RatesOut
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

# The currencies Jarnama keeps rates for; the NBK file lists ~40, the rest are ignored.
QUOTED = (Currency.USD, Currency.EUR, Currency.RUB)
NBK_SOURCE = "nbk"
CONFIG_SOURCE = "config"
# ExchangeRate.kzt is NUMERIC(18, 6): 12 digits before the point, 6 after.
_KZT_LIMIT = Decimal(10) ** 12
_KZT_STEP = Decimal("0.000001")


def today() -> dt.date:
    """The business day now (Asia/Almaty): the default day rates are asked for."""
    return business_day(utcnow())


def config_rates(settings: Settings) -> list[Rate]:
    """The rates set in configuration (`JARNAMA_MONEY__RATES`)."""
    return [
        Rate(Currency(item.currency), item.on, item.kzt, item.quantity, CONFIG_SOURCE)
        for item in settings.money.rates
    ]


def rate_book(session: Session, settings: Settings, *, until: dt.date | None = None) -> RateBook:
    """Every stored and configured rate (up to `until`) as an in-memory `RateBook`.

    For the same currency and day a configured rate wins over an imported one: the operator
    set it on purpose.
    """
    stored = [
        Rate(Currency(row.currency), row.on, row.kzt, row.quantity, row.source)
        for row in repository.rates(session, until=until)
    ]
    configured = [rate for rate in config_rates(settings) if until is None or rate.on <= until]
    return RateBook.of([*stored, *configured], max_age_days=settings.money.max_rate_age_days)


def _out(rate: Rate, asked_for: dt.date) -> RateOut:
    return RateOut(
        currency=rate.currency,
        on=rate.on,
        kzt=_plain(rate.kzt),
        quantity=rate.quantity,
        kzt_per_unit=_plain(rate.kzt_per_unit),
        source=rate.source,
        age_days=(asked_for - rate.on).days,
    )


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros and never in exponent form (506.120000 -> 506.12, 5E+2 -> 500)."""
    return Decimal(format(value.normalize(), "f"))


def rates_in_force(
    session: Session, settings: Settings, *, on: dt.date, currency: Currency | None = None
) -> RatesOut:
    """The latest rate on or before `on` of each (or one) currency, stale ones included."""
    book = rate_book(session, settings, until=on)
    wanted = [currency] if currency is not None else list(QUOTED)
    found: list[RateOut] = []
    for code in wanted:
        rate = book.rate(code, on) if code is Currency.KZT else book.latest(code, on)
        if rate is not None:
            found.append(_out(rate, on))
    return RatesOut(on=on, max_age_days=book.max_age_days, rates=found)


def convert(
    session: Session,
    settings: Settings,
    amount: Money,
    to: Currency,
    *,
    on: dt.date,
    rounding: Rounding,
) -> ConversionOut:
    """`amount` in `to` at the rates in force on `on`, rounded once at the end."""
    book = rate_book(session, settings, until=on)
    result = book.convert(amount, to, on, rounding=rounding)
    used = [book.rate(code, on) for code in dict.fromkeys((amount.currency, to))]
    return ConversionOut(
        amount=amount.amount,
        currency=amount.currency,
        to=to,
        on=on,
        rounding=rounding.value,
        result=result.amount,
        rates=[_out(rate, on) for rate in used if rate.currency is not Currency.KZT],
    )


def _fits_column(code: str, kzt: Decimal) -> None:
    if kzt >= _KZT_LIMIT or kzt.quantize(_KZT_STEP) != kzt:
        raise RatesFileError(
            f"<item> ({code}): <description> {kzt} does not fit 12 digits and 6 decimals",
            field="description",
        )


def import_nbk(
    session: Session, actor: Principal | str, data: bytes | str, *, source: str = NBK_SOURCE
) -> RateImportOut:
    """Import one NBK daily rates document; idempotent per (currency, day), audited per change."""
    parsed = parse_nbk_rates(data)
    result = RateImportOut(on=parsed.on, inserted=[], updated=[], unchanged=[], ignored=[])
    quoted = {code.value for code in QUOTED}
    for item in parsed.rates:
        if item.currency not in quoted:
            result.ignored.append(item.currency)
            continue
        _fits_column(item.currency, item.kzt)
        code = Currency(item.currency)
        row = repository.rate(session, code.value, parsed.on)
        if row is None:
            row = repository.add(
                session,
                ExchangeRate(
                    currency=code.value,
                    on=parsed.on,
                    kzt=item.kzt,
                    quantity=item.quantity,
                    source=source,
                    imported_at=utcnow(),
                ),
            )
            action, before = "create", None
            result.inserted.append(code)
        elif row.kzt == item.kzt and row.quantity == item.quantity:
            result.unchanged.append(code)
            continue
        else:
            before = audit.snapshot(row)
            row.kzt, row.quantity = item.kzt, item.quantity
            row.source, row.imported_at = source, utcnow()
            session.flush()
            action = "update"
            result.updated.append(code)
        audit.record(
            session,
            actor,
            action,
            "exchange_rate",
            f"{code.value}:{parsed.on.isoformat()}",
            account_id=None,
            before=before,
            after=audit.snapshot(row),
            note=f"import from {source}",
        )
    return result

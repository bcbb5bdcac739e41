"""HTTP API of the money domain: exchange rates (public data, not tenant data)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile

from jarnama.core.errors import InvalidInput
from jarnama.core.money import Currency, Money, MoneyError, Rounding
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep
from jarnama.money import service
from jarnama.money.schemas import ConversionOut, RateImportOut, RatesOut

router = APIRouter(prefix="/rates", tags=["money"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A value is not acceptable (names the field)."}
}
_NO_RATE: dict[int | str, dict[str, Any]] = {
    404: {"description": "No rate on or before the day, or the latest is too old."}
}


@router.get(
    "",
    summary="Exchange rates in force on a day (latest on or before it), for any caller.",
    responses=_ERRORS,
)
def list_rates(
    _principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    currency: Annotated[
        Currency | None, Query(description="One currency; all when left out.")
    ] = None,
    on: Annotated[dt.date | None, Query(description="The day (default: today in Almaty).")] = None,
) -> RatesOut:
    """The latest rate on or before `on` of USD, EUR and RUB (or one currency)."""
    return service.rates_in_force(session, settings, on=on or service.today(), currency=currency)


@router.get(
    "/convert",
    summary="Convert an amount between KZT, USD, EUR and RUB at a day's rates.",
    responses={**_ERRORS, **_NO_RATE},
)
def convert(
    _principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    amount: Annotated[str, Query(max_length=64, description="A decimal string, e.g. 12.50.")],
    currency: Annotated[Currency, Query(description="The currency of `amount`.")],
    to: Annotated[Currency, Query(description="The currency wanted.")],
    rounding: Annotated[Rounding, Query(description="How to round to the minor unit.")],
    on: Annotated[dt.date | None, Query(description="The day (default: today in Almaty).")] = None,
) -> ConversionOut:
    """Convert with exact Decimal math and one rounding at the end."""
    try:
        money = Money.of(amount, currency)
    except MoneyError as exc:
        raise InvalidInput(exc.message, field="amount") from None
    return service.convert(
        session, settings, money, to, on=on or service.today(), rounding=rounding
    )


@router.post(
    "/import",
    summary="Import one NBK daily rates XML file (network admins; idempotent per day).",
    responses={**_ERRORS, 403: {"description": "Only a network admin may import rates."}},
)
def import_rates(
    principal: PrincipalDep,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="The bank's get_rates.cfm XML document.")],
) -> RateImportOut:
    """Store the USD, EUR and RUB rates of an NBK daily rates file."""
    principal.ensure_network_admin()
    principal.ensure_can_write()
    return service.import_nbk(session, principal, file.file.read())

"""`jarnama rates …`: import NBK daily rates files, show the rates in force, convert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import JarnamaError
from jarnama.core.money import Currency, Money, Rounding

rates_app = typer.Typer(
    help="Exchange rates: import NBK files, show, convert.", no_args_is_help=True
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
CLI_ACTOR = "cli"
ON_HELP = "Day YYYY-MM-DD (default: today in Almaty)."


@contextmanager
def _unit_of_work() -> Iterator[tuple[Settings, Session]]:
    """Settings and a session that commits on success; errors are printed, exit status 1."""
    from jarnama.cli import settings_or_exit
    from jarnama.core.db import make_engine, make_sessionmaker, transaction

    settings = settings_or_exit()
    engine = make_engine(settings.database.url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            yield settings, session
    except JarnamaError as exc:
        where = f" ({exc.field})" if exc.field else ""
        err.print(f"[red]error{where}:[/red] {escape(exc.message)}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


def _day(value: str | None) -> dt.date:
    from jarnama.money.service import today

    if value is None:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a YYYY-MM-DD date", param_hint="--on") from None


@rates_app.command("import")
def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, readable=True, help="NBK XML files."),
    ],
) -> None:
    """Import NBK daily rates XML files (offline); importing a file twice changes nothing."""
    from jarnama.money.service import import_nbk

    with _unit_of_work() as (_settings, session):
        for path in files:
            try:
                result = import_nbk(session, CLI_ACTOR, path.read_bytes())
            except JarnamaError as exc:
                exc.message = f"{path}: {exc.message}"
                raise
            out.print(
                f"{path.name}: rates of {result.on.isoformat()} — "
                f"{len(result.inserted)} new, {len(result.updated)} updated, "
                f"{len(result.unchanged)} unchanged, {len(result.ignored)} other currencies ignored"
            )


@rates_app.command("show")
def show(
    on: Annotated[str | None, typer.Option(help=ON_HELP)] = None,
    currency: Annotated[Currency | None, typer.Option(help="One currency (default: all).")] = None,
) -> None:
    """Show the latest rate on or before a day of each currency."""
    from jarnama.money.service import rates_in_force

    day = _day(on)
    with _unit_of_work() as (settings, session):
        found = rates_in_force(session, settings, on=day, currency=currency)
    table = Table(title=f"Rates in force on {day.isoformat()} (max age {found.max_age_days} d)")
    for column in ("currency", "set for", "tenge", "per", "age (days)", "source"):
        table.add_column(column)
    for rate in found.rates:
        table.add_row(
            rate.currency.value,
            rate.on.isoformat(),
            str(rate.kzt),
            str(rate.quantity),
            str(rate.age_days),
            rate.source,
        )
    out.print(table)


@rates_app.command("convert")
def convert(
    amount: Annotated[str, typer.Argument(help="A decimal amount, e.g. 12.50.")],
    currency: Annotated[Currency, typer.Argument(help="The currency of AMOUNT.")],
    to: Annotated[Currency, typer.Argument(help="The currency wanted.")],
    on: Annotated[str | None, typer.Option(help=ON_HELP)] = None,
    rounding: Annotated[Rounding, typer.Option(help="Rounding to the minor unit.")] = (
        Rounding.HALF_EVEN
    ),
) -> None:
    """Convert an amount at the rates in force on a day."""
    from jarnama.money.service import convert as convert_amount

    day = _day(on)
    with _unit_of_work() as (settings, session):
        result = convert_amount(
            session, settings, Money.of(amount, currency), to, on=day, rounding=rounding
        )
    out.print(f"{result.amount} {result.currency} = {result.result} {result.to} on {day}")

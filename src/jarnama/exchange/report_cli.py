"""`jarnama exchange report`: the exchange report as a table, or a CSV file.

It reads the configured database (`JARNAMA_DATABASE__URL`) as the trusted operator: every
media owner's screens, or those of `--account`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.time import business_day, utcnow
from jarnama.exchange.auction import Loss
from jarnama.exchange.ops_schemas import ExchangeReportOut, ExchangeReportRow
from jarnama.exchange.reports import Dimension, ReportFilter, report_csv, report_for

exchange_app = typer.Typer(help="The programmatic DOOH exchange.", no_args_is_help=True)


def _day(value: str | None, default: dt.date) -> dt.date:
    if value is None:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value}") from exc


def _money(value: object) -> str:
    return f"{value:,.2f}"


def _refusals(row: ExchangeReportRow) -> str:
    parts = []
    for code, count in row.rejections.items():
        try:
            name = Loss(int(code)).name.lower()
        except ValueError:
            name = "other"
        parts.append(f"{code} {name}: {count}")
    return "; ".join(parts)


def render_table(out: ExchangeReportOut) -> Table:
    """The report as a rich table (money in tenge, two places; the CSV keeps every digit)."""
    table = Table(title=f"Exchange report by {out.group_by}, {out.since} – {out.until}")
    table.add_column(out.group_by)
    for name in ("auctions", "requests", "bids", "wins", "no bids", "timeouts", "errors"):
        table.add_column(name, justify="right")
    table.add_column("refused")
    for name in ("plays", "spend ₸", "owner ₸", "exchange ₸"):
        table.add_column(name, justify="right")
    for row in [*out.rows, out.totals]:
        table.add_row(
            row.key,
            *(
                f"{n:,}"
                for n in (
                    row.auctions,
                    row.bid_requests,
                    row.bids,
                    row.wins,
                    row.no_bids,
                    row.timeouts,
                    row.errors,
                )
            ),
            _refusals(row),
            f"{row.plays:,}",
            _money(row.spend_kzt),
            _money(row.owner_kzt),
            _money(row.exchange_kzt),
            end_section=row is out.rows[-1] if out.rows else False,
        )
    return table


@exchange_app.command("report")
def report(
    start: Annotated[
        str | None, typer.Option("--from", help="First Almaty day (default: 6 days before --to).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, inclusive (today).")] = None,
    by: Annotated[Dimension, typer.Option(help="Group rows by.")] = Dimension.DAY,
    account: Annotated[
        list[int] | None, typer.Option(help="Only this media owner's screens (repeatable).")
    ] = None,
    screen: Annotated[int | None, typer.Option(help="Only this screen id.")] = None,
    bidder: Annotated[str | None, typer.Option(help="Only this bidder.")] = None,
    deal: Annotated[str | None, typer.Option(help="Only this deal id ('open': no deal).")] = None,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write CSV to this file instead of printing.")
    ] = None,
) -> None:
    """Auctions, bids, wins, no-bids, timeouts, refusals, plays and revenue split."""
    from jarnama.cli import settings_or_exit

    out = Console(soft_wrap=True)
    last = _day(end, business_day(utcnow()))
    first = _day(start, last - dt.timedelta(days=6))
    if last < first:
        raise typer.BadParameter("--to is before --from")
    settings = settings_or_exit()
    engine = make_engine(settings.database.url, pool_size=1)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            flt = ReportFilter(
                first, last, frozenset(account) if account else None, screen, bidder, deal
            )
            result = report_for(session, by, flt)
    finally:
        engine.dispose()
    if output is not None:
        output.write_text(report_csv(result), encoding="utf-8")
        out.print(f"{len(result.rows)} rows and a total written to {output}")
        return
    out.print(render_table(result))

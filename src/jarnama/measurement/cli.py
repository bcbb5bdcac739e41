"""`jarnama report`: a report table from the local analytics store, printed or written to a file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.console import Console
from rich.table import Table

from jarnama.config import load_settings
from jarnama.measurement.reports import Dimension, run_report, to_csv, to_parquet
from jarnama.measurement.store import AnalyticsStore

report_app = typer.Typer(help="Reports from the analytics store.", no_args_is_help=True)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value}") from exc


@report_app.command("show")
def show(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, UTC).")],
    end: Annotated[str, typer.Option("--to", help="Last day, inclusive.")],
    by: Annotated[Dimension, typer.Option(help="Group rows by.")] = Dimension.CAMPAIGN,
    account: Annotated[
        list[int] | None, typer.Option(help="Only this account's campaigns (repeatable).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write .csv or .parquet instead of printing.")
    ] = None,
    wide: Annotated[
        bool, typer.Option("--wide", help="Print every raw column (tiyn, exact decimals).")
    ] = False,
) -> None:
    """Print a report by day, campaign, ad group, product or placement (or write it to a file)."""
    out = Console(soft_wrap=True)  # made per call so the terminal width (COLUMNS) is current
    first, last = _day(start), _day(end)
    if last < first:
        raise typer.BadParameter("--to is before --from")
    store = AnalyticsStore(load_settings().measurement.store_dir)
    accounts = frozenset(account) if account else None
    table = run_report(store, by, first, last, accounts)
    if output is not None:
        data = to_parquet(table) if output.suffix == ".parquet" else to_csv(table)
        output.write_bytes(data)
        out.print(f"{table.num_rows} rows written to {output}")
        return
    out.print(_rich_table(table, f"Report by {by.value}, {first} – {last}", wide))


# (header, column, how to show it): money in tenge, ratios as percent or x, counts grouped.
_SHOWN: tuple[tuple[str, str, str], ...] = (
    ("impr.", "impressions", "count"),
    ("viewable", "viewable_impressions", "count"),
    ("clicks", "clicks", "count"),
    ("CTR", "ctr", "percent"),
    ("spend ₸", "spend_tiyn", "tenge"),
    ("sales ₸", "sales_tiyn", "tenge"),
    ("same SKU ₸", "sales_sku_tiyn", "tenge"),
    ("halo ₸", "sales_halo_tiyn", "tenge"),
    ("NTB ₸", "new_to_brand_sales_tiyn", "tenge"),
    ("units", "units", "count"),
    ("orders", "orders", "count"),
    ("ROAS", "roas", "times"),
    ("ACoS", "acos", "percent"),
    ("CPC ₸", "cpc_tiyn", "tenge2"),
    ("CPM ₸", "cpm_tiyn", "tenge2"),
)


def _cell(value: object, how: str) -> str:
    if value is None:
        return "–"
    number = Decimal(str(value))
    if how == "count":
        return f"{int(number):,}".replace(",", " ")
    if how == "tenge":
        return f"{int((number / 100).to_integral_value()):,}".replace(",", " ")
    if how == "tenge2":
        return f"{number / 100:,.2f}".replace(",", " ")
    if how == "percent":
        return f"{number * 100:.2f}%"
    return f"{number:.2f}×"


def _rich_table(table: pa.Table, title: str, wide: bool) -> Table:
    """The report as a rich table: raw columns with `wide`, else the readable selection."""
    keys = [
        n
        for n in table.column_names
        if n in ("day", "campaign", "ad_group", "product", "placement")
    ]
    shown = Table(title=title)
    rows = table.to_pylist()
    if wide:
        for name in table.column_names:
            shown.add_column(name, justify="left" if name in keys else "right")
        for row in rows:
            shown.add_row(*("" if v is None else str(v) for v in row.values()))
        return shown
    for name in keys:
        shown.add_column(name)
    for header, _, _ in _SHOWN:
        shown.add_column(header, justify="right")
    for row in rows:
        cells = [str(row[k]) for k in keys] + [_cell(row[c], how) for _, c, how in _SHOWN]
        shown.add_row(*cells)
    return shown


def _accounts(account: list[int] | None) -> frozenset[int] | None:
    return frozenset(account) if account else None


@report_app.command("chart")
def chart(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, UTC).")],
    end: Annotated[str, typer.Option("--to", help="Last day, inclusive.")],
    output: Annotated[Path, typer.Option("--out", help="The PNG file to write.")],
    account: Annotated[
        list[int] | None, typer.Option(help="Only this account's campaigns (repeatable).")
    ] = None,
    campaign: Annotated[
        list[int] | None, typer.Option(help="Only this campaign (repeatable).")
    ] = None,
) -> None:
    """Draw spend against attributed sales per day as a PNG (from the local analytics store)."""
    from jarnama.measurement.charts import daily_series, render_chart
    from jarnama.measurement.reports import ReportFilters

    out = Console(soft_wrap=True)
    first, last = _day(start), _day(end)
    if last < first:
        raise typer.BadParameter("--to is before --from")
    store = AnalyticsStore(load_settings().measurement.store_dir)
    filters = ReportFilters(campaign_ids=frozenset(campaign) if campaign else None)
    table = run_report(store, Dimension.DAY, first, last, _accounts(account), filters)
    who = "accounts " + ", ".join(map(str, account)) if account else "the network"
    if campaign:
        who += ", campaign " + ", ".join(map(str, campaign))
    title = f"Spend and attributed sales, {who}, {first} – {last}"
    output.write_bytes(render_chart(daily_series(table, first, last), title))
    out.print(f"chart of {(last - first).days + 1} days written to {output}")


@report_app.command("refresh")
def refresh_store(
    start: Annotated[str, typer.Option("--from", help="First day to re-attribute.")],
    end: Annotated[str, typer.Option("--to", help="Last day, inclusive.")],
) -> None:
    """Load new events, export the product list and re-attribute the days (what jobs do first)."""
    from jarnama.core.db import make_engine, make_sessionmaker
    from jarnama.measurement.pipeline import refresh, store_lock

    out = Console(soft_wrap=True)
    first, last = _day(start), _day(end)
    if last < first:
        raise typer.BadParameter("--to is before --from")
    settings = load_settings()
    store = AnalyticsStore(settings.measurement.store_dir)
    engine = make_engine(settings.database.url)
    try:
        with make_sessionmaker(engine)() as session, store_lock(store):
            done = refresh(session, settings, store, first, last)
    finally:
        engine.dispose()
    out.print(
        f"{done.records} log records loaded, {done.products} products exported, "
        f"{done.credited} purchase lines credited"
    )


@report_app.command("run-jobs")
def run_jobs() -> None:
    """Run every queued report job now, in this process (servers do it in the background)."""
    from jarnama.core.db import make_engine, make_sessionmaker
    from jarnama.measurement.jobs import run_pending

    settings = load_settings()
    engine = make_engine(settings.database.url)
    try:
        ran = run_pending(make_sessionmaker(engine), settings)
    finally:
        engine.dispose()
    Console(soft_wrap=True).print(f"{ran} report jobs run")

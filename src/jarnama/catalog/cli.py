"""`jarnama import products FILE` and `jarnama import stock FILE`: bulk catalog imports.

They work on the configured database (`JARNAMA_DATABASE__URL`) as the trusted actor `cli`,
in one transaction: a run that stops on bad rows changes nothing. Exit status 1 when rows
were rejected, 2 when the file cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from jarnama.catalog.importer import ImportReport, StockImportReport, import_products
from jarnama.catalog.readers import RowSource, read_rows
from jarnama.catalog.stock_import import import_stock
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.errors import JarnamaError

CLI_ACTOR = "cli"
SHOWN_ERRORS = 50

import_app = typer.Typer(
    help="Bulk-import catalog files (CSV or JSON Lines).", no_args_is_help=True
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

FileArgument = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, help="A .csv, .jsonl or .ndjson file."
    ),
]
Report = ImportReport | StockImportReport
Runner = Callable[[Session, RowSource, Callable[[int], None]], Report]


def _data_rows(path: Path, source: RowSource) -> int:
    """How many data rows the file has (lines, less the CSV header), for the progress bar."""
    with path.open("rb") as stream:
        lines = sum(1 for line in stream if line.strip())
    return max(lines - (1 if source.format == "csv" else 0), 0)


def _run(path: Path, what: str, runner: Runner) -> Report:
    """Read the file with a progress bar and run one import in one transaction."""
    from jarnama.cli import settings_or_exit

    settings = settings_or_exit()
    try:
        source = read_rows(path)
    except JarnamaError as exc:
        err.print(f"[red]error:[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from exc
    total = _data_rows(path, source)
    engine = make_engine(settings.database.url, pool_size=1)
    columns = (
        TextColumn(f"importing {what}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(what, total=total)

            def advance(done: int) -> None:
                bar.update(task, completed=done)

            with transaction(make_sessionmaker(engine)) as session:
                return runner(session, source, advance)
    except JarnamaError as exc:
        where = f" ({exc.field})" if exc.field else ""
        err.print(f"[red]error{where}:[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()


def _print_report(report: Report) -> None:
    """The summary table, then the first errors and how many more there are."""
    table = Table(title=f"import of {report.source}" if report.source else "import")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    lines = [
        ("rows read", report.rows),
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("rejected", report.rejected),
    ]
    if isinstance(report, ImportReport):
        lines += [
            ("brands created", report.brands_created),
            ("categories created", report.categories_created),
        ]
    for label, count in lines:
        table.add_row(label, f"{count:,}")
    out.print(table)
    if report.errors:
        errors = Table(title="bad rows")
        for column in ("line", "field", "reason"):
            errors.add_column(column, justify="right" if column == "line" else "left")
        for error in report.errors[:SHOWN_ERRORS]:
            errors.add_row(str(error.line), error.field, error.reason)
        out.print(errors)
        more = len(report.errors) - SHOWN_ERRORS + report.errors_omitted
        if more > 0:
            out.print(f"… and {more:,} more problems")
    if report.applied:
        out.print("[green]applied[/green]")
    else:
        out.print("[red]nothing applied[/red]: fix the rows above, or pass --allow-partial")


def _finish(report: Report) -> None:
    _print_report(report)
    if report.rejected:
        raise typer.Exit(1)


@import_app.command("products")
def products(
    file: FileArgument,
    allow_partial: Annotated[
        bool, typer.Option("--allow-partial", help="Apply the good rows even if some are bad.")
    ] = False,
) -> None:
    """Upsert products by SKU from FILE; bad rows are listed and stop the import."""
    report = _run(
        file,
        "products",
        lambda session, rows, progress: import_products(
            session, rows, actor=CLI_ACTOR, allow_partial=allow_partial, progress=progress
        ),
    )
    _finish(report)


@import_app.command("stock")
def stock(
    file: FileArgument,
    allow_partial: Annotated[
        bool, typer.Option("--allow-partial", help="Apply the good rows even if some are bad.")
    ] = False,
) -> None:
    """Set per-store stock (sku, store, quantity) from FILE; bad rows stop the import."""
    report = _run(
        file,
        "stock",
        lambda session, rows, progress: import_stock(
            session, rows, actor=CLI_ACTOR, allow_partial=allow_partial, progress=progress
        ),
    )
    _finish(report)

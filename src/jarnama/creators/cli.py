"""`jarnama creators import-feed FILE --offer ID` and `jarnama creators run-jobs`.

They work on the configured database (`JARNAMA_DATABASE__URL`) as the trusted actor `cli`, in
one transaction each. import-feed exits 1 when rows were refused, 2 when the file or the offer
cannot be used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jarnama.catalog.readers import read_rows
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.errors import JarnamaError
from jarnama.creators import feed, jobs, repository

CLI_ACTOR = "cli"
SHOWN_ERRORS = 50

creators_app = typer.Typer(help="The CPA creator exchange.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _data_rows(path: Path, csv: bool) -> int:
    """How many data rows the file has (non-blank lines, less a CSV header)."""
    with path.open("rb") as stream:
        lines = sum(1 for line in stream if line.strip())
    return max(lines - (1 if csv else 0), 0)


def _print_report(report: feed.FeedReport) -> None:
    table = Table(title=f"feed {report.source} → offer {report.offer_id}")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    for label, count in (
        ("rows read", report.rows),
        ("new conversions", report.created),
        ("status changes", report.updated),
        ("unchanged (already reported)", report.unchanged),
        ("refused", report.rejected),
    ):
        table.add_row(label, f"{count:,}")
    out.print(table)
    if report.errors:
        errors = Table(title="refused rows")
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


@creators_app.command("import-feed")
def import_feed(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="A .csv, .jsonl or .ndjson file."
        ),
    ],
    offer: Annotated[int, typer.Option("--offer", min=1, help="The offer the orders belong to.")],
    allow_partial: Annotated[
        bool, typer.Option("--allow-partial", help="Apply the good rows even if some are bad.")
    ] = False,
) -> None:
    """Report an offer's orders from FILE, each row like one postback (idempotent by order id)."""
    from jarnama.cli import settings_or_exit

    settings = settings_or_exit()
    engine = make_engine(settings.database.url, pool_size=1)
    try:
        source = read_rows(file)
        total = _data_rows(file, source.format == "csv")
        columns = (
            TextColumn("importing orders"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("orders", total=total)
            with transaction(make_sessionmaker(engine)) as session:
                found = repository.offer(session, offer)
                if found is None:
                    err.print(f"[red]error:[/red] no offer {offer}", highlight=False)
                    raise typer.Exit(2)
                report = feed.import_feed(
                    session,
                    settings,
                    found,
                    source,
                    actor=CLI_ACTOR,
                    source=source.name,
                    first_line=source.first_line,
                    allow_partial=allow_partial,
                    progress=lambda done: bar.update(task, completed=done),
                )
    except JarnamaError as exc:
        where = f" ({exc.field})" if exc.field else ""
        err.print(f"[red]error{where}:[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    _print_report(report)
    if report.rejected:
        raise typer.Exit(1)


@creators_app.command("run-jobs")
def run_jobs() -> None:
    """Resolve disputes past their deadline, then approve conversions whose hold ended."""
    from jarnama.cli import settings_or_exit

    settings = settings_or_exit()
    engine = make_engine(settings.database.url, pool_size=1)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            reports = jobs.run_jobs(session, settings, actor=CLI_ACTOR)
    finally:
        engine.dispose()
    table = Table(title="creator jobs")
    for column in ("job", "done", "skipped"):
        table.add_column(column, justify="left" if column == "job" else "right")
    for job, report in reports.items():
        table.add_row(job, f"{report.done:,}", f"{len(report.skipped):,}")
    out.print(table)
    for job, report in reports.items():
        for skipped in report.skipped:
            out.print(f"{job}: conversion {skipped.get('conversion_id')}: {skipped.get('reason')}")

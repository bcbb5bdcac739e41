"""`jarnama events import-purchases FILE` and `jarnama events load`: into the log, then the store.

Writes through the event intake of `JARNAMA_EVENTS__*` (the disk log, or Kafka), so the
purchases are durable and idempotent exactly like the batch API's. Beside a running server
the import writes its own lane of the disk log (the loader reads every lane). Exit status 1
when rows were refused, 2 when the file or the log cannot be used at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from jarnama.tracking.importer import ImportFileError, file_size, import_purchases
from jarnama.tracking.log import LogError

SHOWN_ERRORS = 50
events_app = typer.Typer(
    help="Event intake: bulk imports, and loading the log into the analytics store.",
    no_args_is_help=True,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@events_app.command("import-purchases")
def import_purchases_command(
    path: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="A .csv or .parquet file."),
    ],
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Purchases per fsync.")] = 1000,
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write every refused row to this CSV.")
    ] = None,
) -> None:
    """Import historic purchases (one row per line) from CSV or Parquet, with a progress bar."""
    from jarnama.cli import settings_or_exit
    from jarnama.tracking.service import EventIntake

    settings = settings_or_exit()
    try:
        kind, total = file_size(path)
        intake = EventIntake.from_settings(settings)
    except (ImportFileError, LogError, OSError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    unit = DownloadColumn() if kind == "csv" else MofNCompleteColumn()
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        unit,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(f"importing {path.name}", total=total)
            tally = import_purchases(
                intake,
                path,
                batch_size=batch,
                progress=lambda position: bar.update(task, completed=position),
            )
    except (ImportFileError, LogError, UnicodeDecodeError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    finally:
        intake.close()
    summary = Table(title=f"Purchases from {path.name}")
    for name in ("rows", "purchases", "accepted", "duplicates", "lines", "refused rows"):
        summary.add_column(name, justify="right")
    summary.add_row(
        *(
            f"{n:,}"
            for n in (
                tally.rows,
                tally.purchases,
                tally.accepted,
                tally.duplicates,
                tally.lines,
                len(tally.errors),
            )
        )
    )
    out.print(summary)
    if not tally.errors:
        return
    where = "line" if kind == "csv" else "row"
    for error in tally.errors[:SHOWN_ERRORS]:
        field = f" {error.field}:" if error.field else ""
        err.print(f"{where} {error.line} (order {error.order_id}):{field} {error.detail}")
    if len(tally.errors) > SHOWN_ERRORS:
        err.print(f"… and {len(tally.errors) - SHOWN_ERRORS} more")
    if errors_out is not None:
        import csv

        with errors_out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([where, "order_id", "field", "detail"])
            for error in tally.errors:
                writer.writerow([error.line, error.order_id or "", error.field or "", error.detail])
    raise typer.Exit(1)


@events_app.command("load")
def load_command() -> None:
    """Load the event log (disk lanes or the Kafka topic) into the analytics store, exactly once."""
    from jarnama.cli import settings_or_exit
    from jarnama.measurement.store import AnalyticsStore, LogLoader

    settings = settings_or_exit()
    conf = settings.events
    store = AnalyticsStore(settings.measurement.store_dir)
    try:
        if conf.backend == "kafka":
            from jarnama.tracking.kafka_loader import KafkaLoader

            loader = KafkaLoader(
                conf.kafka_topic,
                {"bootstrap.servers": conf.kafka_bootstrap_servers, **conf.kafka_config},
                store,
                group_id=conf.kafka_loader_group,
                timeout_seconds=conf.kafka_timeout_seconds,
            )
            try:
                kafka = loader.run()
            finally:
                loader.close()
            records, rows, duplicates = kafka.messages, kafka.rows, kafka.duplicates
        else:
            disk = LogLoader(conf.log_dir, store).run()
            records, rows, duplicates = disk.records, disk.rows, disk.duplicates
    except (LogError, OSError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    out.print(
        f"{records:,} events read from the {conf.backend} log: {rows:,} rows written, "
        f"{duplicates:,} duplicates dropped (store: {store.root})"
    )

"""The `jarnama` command line: thin, it parses arguments and calls services."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console

from jarnama.catalog.cli import import_app
from jarnama.config import Settings, load_settings, masked
from jarnama.core.errors import ConfigurationError
from jarnama.creators.cli import creators_app
from jarnama.demo.cli import demo_app
from jarnama.exchange.report_cli import exchange_app
from jarnama.measurement import lift_cli  # noqa: F401 (registers `report lift`, `recompute`)
from jarnama.measurement.cli import report_app
from jarnama.money.cli import rates_app
from jarnama.tenancy.cli import keys_app, users_app
from jarnama.tracking.cli import events_app
from jarnama.transcreation.cli import transcreate_app

app = typer.Typer(help="Jarnama: AdTech middleware for Kazakhstan.", no_args_is_help=True)
config_app = typer.Typer(help="Inspect the configuration.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(exchange_app, name="exchange")
app.add_typer(rates_app, name="rates")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.add_typer(import_app, name="import")
app.add_typer(creators_app, name="creators")
app.add_typer(transcreate_app, name="transcreate")
app.add_typer(report_app, name="report")
app.add_typer(events_app, name="events")
console = Console(stderr=True)


def settings_or_exit() -> Settings:
    """Load settings; on invalid values print every problem and exit with status 2."""
    try:
        return load_settings()
    except ConfigurationError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from exc


@config_app.command("show")
def config_show() -> None:
    """Print the effective configuration with secrets masked."""
    settings = settings_or_exit()
    sys.stdout.write(json.dumps(masked(settings), indent=2, ensure_ascii=False) + "\n")


@db_app.command("upgrade")
def db_upgrade(
    revision: str = typer.Argument("heads", help="Target revision (default: every head)."),
) -> None:
    """Apply the database migrations up to REVISION."""
    from jarnama.core.db import make_engine
    from jarnama.core.migrate import upgrade

    settings = settings_or_exit()
    engine = make_engine(settings.database.url)
    upgrade(engine, revision)
    engine.dispose()
    console.print(f"[green]database at {revision}[/green] ({engine.url.render_as_string()})")


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Bind address (default JARNAMA_HOST)."),
    port: int | None = typer.Option(None, help="Port (default JARNAMA_PORT)."),
    workers: int | None = typer.Option(
        None,
        min=1,
        help="Server processes (default: one per core with JARNAMA_REDIS_URL set, else 1, "
        "since without Redis spend and caps live in one process).",
    ),
) -> None:
    """Run the API server (uvicorn picks uvloop and httptools, both installed)."""
    import os

    import uvicorn

    from jarnama.core.logging import configure_logging
    from jarnama.core.workers import Supervisor, reuse_port_supported

    settings = settings_or_exit()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    if workers is None:
        workers = (os.cpu_count() or 1) if settings.redis_url else 1
    if workers > 1 and reuse_port_supported():
        # Each worker listens on a socket of its own, so connections spread evenly.
        supervisor = Supervisor(
            "jarnama.app:create_app",
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            options={"factory": True, "log_config": None, "access_log": False},
            log_level=settings.log_level,
            log_json=settings.log_json,
        )
        raise typer.Exit(supervisor.run())
    uvicorn.run(
        "jarnama.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


def main() -> None:
    """Entry point of the `jarnama` script."""
    app()

"""`jarnama demo`: a fresh demo database, seeded, printed, and served."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from jarnama.config import Settings
    from jarnama.demo.seed import DemoNetwork

DEFAULT_DEMO_DB = "jarnama-demo.db"

demo_app = typer.Typer(help="Create, seed and serve the demo network.", invoke_without_command=True)
# soft_wrap: a URL, key or curl command must stay on one line to paste cleanly.
console = Console(highlight=False, soft_wrap=True)


def demo_database_url(settings: Settings) -> str:
    """The explicitly configured database URL (JARNAMA_DATABASE__URL), else ./jarnama-demo.db."""
    explicit = "database" in settings.model_fields_set and "url" in (
        settings.database.model_fields_set
    )
    return settings.database.url if explicit else f"sqlite:///./{DEFAULT_DEMO_DB}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for PostgreSQL and in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    return None if rest in ("", ":memory:") else Path(rest)


def _fresh_database(url: str, reset: bool) -> None:
    """Delete a SQLite demo file (and its WAL); on PostgreSQL drop the tables if `reset`."""
    path = sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if reset:
        from sqlalchemy import text

        import jarnama.models
        from jarnama.core.db import make_engine

        engine = make_engine(url)
        jarnama.models.Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()


def _print_summary(settings: Settings, url: str, seeded: DemoNetwork, seconds: float) -> None:
    """The URLs, both keys and the seed timings."""
    from jarnama.demo.suppliers import RETAILER_NAME

    base = settings.base_url
    t = seeded.timings
    console.print(
        f"\n[bold green]Jarnama demo[/] — «{RETAILER_NAME}»: {seeded.products:,} products, "
        f"{seeded.brands} brands, {seeded.accounts} accounts, "
        f"{seeded.store_stock_rows:,} store-stock rows; {seeded.campaigns} running campaigns "
        f"with {seeded.ad_groups} ad groups and {seeded.creatives} creatives"
    )
    console.print(
        f"seeded in [bold]{seconds:.1f} s[/] (migrations {t['migrate']:.1f} s, network "
        f"{t['network']:.1f} s, catalog generated {t['generate']:.1f} s, imported "
        f"{t['import']:.1f} s, campaigns {t['campaigns']:.1f} s) into {url}"
    )
    rows: tuple[tuple[str, str], ...] = (
        ("API docs", f"{base}/docs"),
        ("Health", f"{base}/healthz"),
        ("Metrics", f"{base}/metrics"),
        ("Network admin API key", seeded.admin_key),
        (f"Advertiser API key ({seeded.advertiser_name})", seeded.advertiser_key),
    )
    if seeded.exchange is not None:
        owner = seeded.exchange
        rows += ((f"Media owner API key ({owner.media_owner_name})", owner.media_owner_key),)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        console.print(f"[bold]{label.ljust(width)}[/]  ", end="")
        console.print(value, markup=False)


def _print_examples(settings: Settings, seeded: DemoNetwork) -> None:
    """Curl examples that work when pasted (decisions need the compiled snapshot)."""
    from jarnama.demo.examples import demo_examples

    console.print("\n[bold]Try:[/]")
    examples = demo_examples(
        seeded.admin_key,
        seeded.advertiser_key,
        seeded.advertiser_name,
        seeded.candidate_skus,
        transcreation_project_id=seeded.transcreation_project_id,
    )
    from jarnama.demo.shoppers import report_examples

    examples += report_examples(seeded.advertiser_key, seeded.advertiser_name)
    if seeded.exchange is not None:
        from jarnama.demo.exchange import exchange_examples

        examples += exchange_examples(seeded.exchange)
    for example in examples:
        console.print(f"# {example.title}", style="dim", markup=False)
        console.print(example.curl(settings.base_url), markup=False)


def _serve(settings: Settings, seeded: DemoNetwork) -> None:
    """Serve the API with live test DSPs as the exchange's bidders (stopped with the server)."""
    import tempfile

    from jarnama.demo.exchange import DEMO_DSPS, running_demo_dsps

    with (
        tempfile.TemporaryDirectory(prefix="jarnama-demo-dsps-") as folder,
        running_demo_dsps(Path(folder)) as bidders,
    ):
        exchange = settings.exchange.model_copy(update={"bidders_dir": str(bidders)})
        console.print(f"DOOH exchange: {len(DEMO_DSPS)} live test DSPs bidding on loopback")
        _serve_app(settings.model_copy(update={"exchange": exchange}), seeded)


def _serve_app(settings: Settings, seeded: DemoNetwork) -> None:
    """Serve the API; print the examples once the snapshot is compiled and the port is open."""
    import uvicorn

    from jarnama.app import create_app
    from jarnama.core.logging import configure_logging

    app = create_app(settings)

    class AnnouncingServer(uvicorn.Server):
        """A uvicorn server that prints the examples right after its startup completes."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            """Start (the lifespan compiles the decision snapshot first), then announce."""
            await super().startup(sockets=sockets)
            if not self.started:
                return
            network = app.state.decision_runtime.network
            snapshot = network.snapshot
            console.print(
                f"\ndecision snapshot v{network.version} compiled in "
                f"{network.compile_seconds:.1f} s: {len(snapshot.campaigns)} campaigns, "
                f"{len(snapshot.ad_groups)} ad groups serving"
            )
            _print_examples(settings, seeded)
            console.print(f"\nserving on {settings.base_url} (Ctrl+C stops)\n")
            console.file.flush()  # also when piped (`| tee`): the examples are needed now

    configure_logging(settings.log_level, json_lines=settings.log_json)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_config=None, access_log=False
    )
    AnnouncingServer(config).run()


@demo_app.callback(invoke_without_command=True)
def demo(
    products: int = typer.Option(
        20_000, "--products", min=1, help="How many products to generate."
    ),
    seed: int = typer.Option(2026, "--seed", help="Random seed of the generated catalog."),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Serve the API after seeding (--no-serve: print only)."
    ),
    host: str | None = typer.Option(None, help="Bind address (default JARNAMA_HOST)."),
    port: int | None = typer.Option(None, help="Port (default JARNAMA_PORT, 8000)."),
    reset: bool = typer.Option(
        False, "--reset", help="Drop every table of a configured PostgreSQL database first."
    ),
) -> None:
    """Create a fresh demo database, run the migrations, seed the demo network and serve it."""
    from jarnama.cli import settings_or_exit
    from jarnama.core.db import make_engine, make_sessionmaker, transaction
    from jarnama.core.errors import Conflict
    from jarnama.core.migrate import upgrade
    from jarnama.demo.seed import seed_demo
    from jarnama.demo.shoppers import demo_measurement_settings, seed_shoppers

    settings = settings_or_exit()
    updates: dict[str, object] = {}
    if host is not None:
        updates["host"] = host
    if port is not None:
        updates["port"] = port
    url = demo_database_url(settings)
    updates["database"] = settings.database.model_copy(update={"url": url})
    settings = settings.model_copy(update=updates)
    # Events, analytics store and report files of this run only, under ./var/demo.
    settings = demo_measurement_settings(settings)

    started = time.perf_counter()
    _fresh_database(url, reset)
    engine = make_engine(url)
    upgrade(engine)
    migrated = time.perf_counter() - started
    try:
        with (
            console.status("seeding the demo network …"),
            transaction(make_sessionmaker(engine)) as session,
        ):
            seeded = seed_demo(session, settings, products=products, seed=seed)
        with (
            console.status("simulating shoppers and attributing their purchases …"),
            transaction(make_sessionmaker(engine)) as session,
        ):
            shopping = seed_shoppers(session, settings, seed=seed)
    except Conflict as exc:
        console.print(f"[red]{exc.message}[/] (pass --reset to drop the tables first)")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    seeded.timings["migrate"] = migrated
    _print_summary(settings, url, seeded, time.perf_counter() - started)
    console.print(shopping.summary())
    if not serve:
        _print_examples(settings, seeded)
        return
    console.print("\nstarting the server and compiling the decision snapshot …")
    _serve(settings, seeded)

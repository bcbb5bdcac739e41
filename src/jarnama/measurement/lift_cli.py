"""`jarnama report lift` and `jarnama report recompute`: incrementality and settings changes.

Registered on `report_app` when `jarnama.cli` imports this module.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jarnama.config import load_settings
from jarnama.measurement.cli import report_app
from jarnama.measurement.lift import Exposure, Target, campaign_lift
from jarnama.measurement.rules_schemas import IntervalOut, LiftOut
from jarnama.measurement.store import AnalyticsStore, LogLoader
from jarnama.tenancy.models import Role, Scope
from jarnama.tenancy.principal import Principal

OPERATOR = Principal("cli:report", Role.NETWORK_ADMIN, None, frozenset(s.value for s in Scope))


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{option}: not a date (YYYY-MM-DD): {value}") from exc


def _interval(value: IntervalOut | None) -> str:
    if value is None:
        return "—"
    return f"{value.estimate}  [{value.low} … {value.high}]"


@report_app.command("lift")
def lift(
    campaign: Annotated[int, typer.Option(help="The campaign's id.", min=1)],
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, UTC).")],
    end: Annotated[str, typer.Option("--to", help="Last day, inclusive.")],
    target: Annotated[str, typer.Option(help="sku or brand: which sales count.")] = "brand",
    cuped: Annotated[bool, typer.Option(help="Reduce variance with pre-period sales.")] = False,
    pre_days: Annotated[int, typer.Option(help="CUPED's pre-period in days.", min=1)] = 28,
    exposure: Annotated[
        str, typer.Option(help="served (decision time, like the ghosts) or rendered.")
    ] = "served",
) -> None:
    """Print a campaign's lift, incremental sales and iROAS with 95% intervals (ghost ads)."""
    from jarnama.core.db import make_engine, make_sessionmaker
    from jarnama.measurement.pipeline import store_lock

    out = Console(soft_wrap=True)
    first, last = _day(start, "--from"), _day(end, "--to")
    if target not in ("sku", "brand"):
        raise typer.BadParameter("--target is sku or brand")
    chosen: Target = "sku" if target == "sku" else "brand"
    if exposure not in ("served", "rendered"):
        raise typer.BadParameter("--exposure is served or rendered")
    treated: Exposure = "rendered" if exposure == "rendered" else "served"
    settings = load_settings()
    store = AnalyticsStore(settings.measurement.store_dir)
    engine = make_engine(settings.database.url)
    try:
        with make_sessionmaker(engine)() as session, store_lock(store):
            if settings.events.backend == "disk":
                LogLoader(settings.events.log_dir, store).run()
            report = campaign_lift(
                session,
                OPERATOR,
                store,
                settings.measurement,
                campaign,
                first,
                last,
                target=chosen,
                use_cuped=cuped,
                pre_days=pre_days,
                exposure=treated,
            )
            shown = LiftOut.of(report, 0)
    finally:
        engine.dispose()
    table = Table(title=f"Lift of campaign {campaign}, {first} – {last}")
    table.add_column("measure")
    table.add_column("value (95% interval)", justify="right")
    rows = [
        ("holdout share", str(shown.holdout_share)),
        ("treated group", shown.exposure),
        ("exposed / held-out users", f"{shown.exposed_users} / {shown.control_users}"),
        ("target SKUs", f"{shown.target_skus} ({shown.target})"),
        ("spend, tiyn", str(shown.spend_tiyn)),
        ("sales per exposed user, tiyn", str(shown.sales_per_exposed_tiyn or "—")),
        ("sales per held-out user, tiyn", str(shown.sales_per_control_tiyn or "—")),
        ("lift per user, tiyn", _interval(shown.lift_per_user_tiyn)),
        ("relative lift", _interval(shown.relative_lift)),
        ("incremental sales, tiyn", _interval(shown.incremental_sales_tiyn)),
        ("incremental ROAS", _interval(shown.incremental_roas)),
    ]
    if shown.cuped:
        rows.append(("CUPED variance reduction", str(shown.variance_reduction or "—")))
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)
    if shown.note:
        out.print(shown.note)


@report_app.command("recompute")
def recompute() -> None:
    """Run the attribution recomputes that settings changes scheduled (idempotent)."""
    from jarnama.core.db import make_engine, make_sessionmaker, transaction
    from jarnama.measurement.pipeline import store_lock
    from jarnama.measurement.rules import run_recomputes

    out = Console(soft_wrap=True)
    settings = load_settings()
    store = AnalyticsStore(settings.measurement.store_dir)
    engine = make_engine(settings.database.url)
    try:
        with store_lock(store), transaction(make_sessionmaker(engine)) as session:
            jobs = run_recomputes(session, store, settings.measurement)
            done = [(j.id, j.first_day, j.last_day, j.status, j.lines) for j in jobs]
    finally:
        engine.dispose()
    for job_id, first, last, status, lines in done:
        out.print(f"recompute {job_id}: {first} – {last} {status}, {lines or 0} lines credited")
    if not done:
        out.print("nothing to recompute")

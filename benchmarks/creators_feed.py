"""Benchmark of the creators' purchase-feed import: rows/s for a first upload and a re-upload.

Builds an advertiser with one active offer (10% of sales, 14-day hold) and 50 approved
creators in a fresh migrated SQLite file (and, with --postgres, a fresh PostgreSQL schema),
generates a deterministic CSV of N orders (2,000 by default; bounded to 50,000) — promo-code
sales, a tenth of them by click, a tenth reported approved, a few cancelled — imports it in one
transaction, then imports it again (every row unchanged), and prints a table.

    .venv/bin/python benchmarks/creators_feed.py [--rows 2000] [--postgres [URL]]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event
from sqlalchemy.engine import Engine

from benchmarks.catalog_import import (
    DEFAULT_POSTGRES,
    machine,
    postgres_engine,
    sqlite_engine,
)
from jarnama.catalog.readers import rows_of_bytes
from jarnama.config import Settings
from jarnama.core.db import make_sessionmaker, transaction
from jarnama.creators import feed, ledger, participation, postback, repository
from jarnama.creators import service as creators
from jarnama.creators.models import OfferStatus
from jarnama.creators.schemas import CreatorProfileIn, OfferCreate
from jarnama.demo.creators import _iin, _operator
from jarnama.tenancy import service as tenancy
from jarnama.tenancy.models import AccountKind

SEED = 20_261_128
CREATORS = 50
MAX_ROWS = 50_000
CITIES = ("Almaty", "Almaty", "Almaty", "Astana", "Shymkent")


def build(engine: object, settings: Settings) -> tuple[int, list[str], list[str]]:
    """The offer, its creators' codes and one click id per creator."""
    admin = _operator()
    with transaction(make_sessionmaker(engine)) as session:
        advertiser = tenancy.create_account(
            session, "bench", kind=AccountKind.ADVERTISER, name="Bench Market"
        )
        body = {
            "account_id": advertiser.id,
            "name": "Bench offer",
            "landing_url": "https://shop.example.kz/bench",
            "goals": [{"goal": "sale", "kind": "percent", "percent_bp": 1_000}],
            "hold_days": 14,
        }
        offer, _goals, _token, _secret = creators.create_offer(
            session, admin, settings, OfferCreate.model_validate(body)
        )
        creators.change_offer_status(session, admin, offer.id, OfferStatus.ACTIVE)
        ledger.deposit(session, advertiser.id, 10**13)
        codes, clicks = [], []
        for n in range(CREATORS):
            account = tenancy.create_account(
                session, "bench", kind=AccountKind.CREATOR, name=f"Creator {n}"
            )
            profile = {
                "account_id": account.id,
                "display_name": f"Creator {n}",
                "platforms": [{"platform": "instagram", "handle": f"bench{n}", "followers": 9_000}],
                "audience_cities": {"Almaty": 0.7},
                "tax_status": "individual",
                "tax_id": _iin(f"9005153{n:03d}"),
            }
            creators.save_profile(
                session, admin, settings, CreatorProfileIn.model_validate(profile)
            )
            participation.apply(session, admin, offer.id, account.id, "")
            codes.append(repository.codes_of(session, offer.id, account.id)[0].code)
            link = repository.links_of(session, offer.id, account.id)[0]
            clicks.append(postback.click(session, link.slug, None, None)[1])
        return offer.id, codes, clicks


def generate(rows: int, codes: list[str], clicks: list[str]) -> bytes:
    """A deterministic feed CSV."""
    rng = random.Random(SEED)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["order_id", "amount", "status", "promo_code", "click_id", "city", "buyer"])
    for index in range(rows):
        creator = rng.randrange(len(codes))
        by_click = rng.random() < 0.1
        status = rng.choices(["pending", "approved", "cancelled"], [85, 10, 5])[0]
        writer.writerow(
            [
                f"ORD-{index:07d}",
                f"{rng.randrange(2_000, 60_000)}",
                status,
                "" if by_click else codes[creator],
                clicks[creator] if by_click else "",
                rng.choice(CITIES),
                f"buyer-{rng.randrange(rows * 3):08x}",
            ]
        )
    return out.getvalue().encode()


def run(
    engine: Engine, settings: Settings, offer_id: int, data: bytes
) -> tuple[float, float, int, feed.FeedReport]:
    """Import the file in one transaction (commit included): wall s, CPU s, SQL statements."""
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        with transaction(make_sessionmaker(engine)) as session:
            offer = repository.offer(session, offer_id)
            assert offer is not None
            source = rows_of_bytes(data, "csv", "orders.csv")
            report = feed.import_feed(
                session, settings, offer, source, actor="benchmark", source=source.name
            )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return time.perf_counter() - started, time.process_time() - cpu_started, statements, report


def main() -> None:
    """Build, import twice per backend, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=2_000, help=f"Orders (at most {MAX_ROWS:,}).")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=os.environ.get("JARNAMA_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        default=None,
        metavar="URL",
        help="Also measure PostgreSQL (default URL: JARNAMA_TEST_POSTGRES_URL or local 'test').",
    )
    args = parser.parse_args()
    rows = min(max(args.rows, 1), MAX_ROWS)
    settings = Settings(_env_file=None, environment="test", auth={"secret_key": "bench-secret"})
    print(f"machine: {machine()}")
    results: list[tuple[str, str, float, float, int, feed.FeedReport]] = []
    import tempfile

    with tempfile.TemporaryDirectory(prefix="jarnama-bench-") as tmp:
        backends: list[tuple[str, str | None]] = [("sqlite", None)]
        if args.postgres:
            backends.append(("postgresql", args.postgres))
        for backend, url in backends:
            engines = sqlite_engine(Path(tmp)) if url is None else postgres_engine(url)
            with engines as engine:
                offer_id, codes, clicks = build(engine, settings)
                data = generate(rows, codes, clicks)
                for label in ("first upload", "re-upload"):
                    seconds, cpu, statements, report = run(engine, settings, offer_id, data)
                    results.append((backend, label, seconds, cpu, statements, report))
                    print(f"  {backend} {label}: {seconds:.1f} s", flush=True)
    print()
    print(
        f"{'backend':<11} {'run':<13} {'rows':>7} {'seconds':>8} {'rows/s':>7} {'cpu s':>6}"
        f" {'SQL/row':>7}  outcome"
    )
    for backend, label, seconds, cpu, statements, report in results:
        outcome = (
            f"created {report.created:,}, updated {report.updated:,}, "
            f"unchanged {report.unchanged:,}, rejected {report.rejected:,}"
        )
        print(
            f"{backend:<11} {label:<13} {report.rows:>7,} {seconds:>8.1f} "
            f"{report.rows / seconds:>7,.0f} {cpu:>6.1f} {statements / max(report.rows, 1):>7.2f}"
            f"  {outcome}"
        )


if __name__ == "__main__":
    main()

"""Benchmark of the bulk product import: rows/s for a first import and a re-import.

Generates a deterministic CSV of N products (1,000,000 by default) in a temporary folder,
imports it into a fresh migrated SQLite file (and, with --postgres, into a fresh schema of
a PostgreSQL database), then imports it again (every row unchanged), and prints a table.

    .venv/bin/python benchmarks/catalog_import.py [--rows 1000000] [--postgres [URL]]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from jarnama.catalog.fields import gtin_with_check_digit
from jarnama.catalog.importer import ImportReport, import_products, read_csv
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.migrate import upgrade

SEED = 20_261_127
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HEADER = ["sku", "gtin", "brand", "category", "name_kk", "name_ru", "name_en", "price", "stock"]
HEADER += ["active"]
DEPARTMENTS = {
    "dairy": ["milk", "kefir", "cheese", "butter", "yogurt", "kurt"],
    "bakery": ["bread", "baursak", "cakes", "cookies"],
    "meat": ["beef", "horse-meat", "chicken", "lamb", "sausages"],
    "drinks": ["water", "juice", "tea", "coffee", "soda", "kumys"],
    "grocery": ["flour", "rice", "pasta", "buckwheat", "sugar", "oil", "spices"],
    "produce": ["fruit", "vegetables", "herbs", "dried-fruit"],
    "household": ["detergent", "paper", "cleaning"],
    "sweets": ["chocolate", "candy", "halva"],
}
WORDS_KK = ["сүт", "нан", "ет", "шай", "су", "ірімшік", "май", "қант", "күріш", "шырын"]
WORDS_RU = ["молоко", "хлеб", "мясо", "чай", "вода", "сыр", "масло", "сахар", "рис", "сок"]
WORDS_EN = ["milk", "bread", "meat", "tea", "water", "cheese", "butter", "sugar", "rice", "juice"]


def generate_csv(path: Path, rows: int) -> None:
    """Write `rows` deterministic product rows (same seed, same file)."""
    rng = random.Random(SEED)
    categories = [f"{dept}/{leaf}" for dept, leaves in DEPARTMENTS.items() for leaf in leaves]
    categories += [f"{path}/premium" for path in categories[::3]]
    brands = [f"Brand {index:03d}" for index in range(400)]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for index in range(rows):
            word = rng.randrange(10)
            grams = rng.choice((200, 250, 400, 500, 900, 1000))
            writer.writerow(
                (
                    f"SKU{index:08d}",
                    gtin_with_check_digit(f"487{index:09d}"),
                    brands[rng.randrange(len(brands))],
                    categories[rng.randrange(len(categories))],
                    f"{WORDS_KK[word]} {grams} г",
                    f"{WORDS_RU[word]} {grams} г",
                    f"{WORDS_EN[word]} {grams} g",
                    f"{rng.randrange(50, 250_000)}.{rng.randrange(100):02d}",
                    rng.randrange(0, 500),
                    "true" if rng.random() > 0.03 else "false",
                )
            )


def run_import(engine: Engine, path: Path) -> tuple[float, float, ImportReport]:
    """Import the file in one transaction (commit included); wall and CPU seconds, report."""
    factory = make_sessionmaker(engine)
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction(factory) as session:
        report = import_products(session, read_csv(path), actor="benchmark")
    return time.perf_counter() - started, time.process_time() - cpu_started, report


@contextmanager
def sqlite_engine(folder: Path) -> Iterator[Engine]:
    """A fresh migrated SQLite file."""
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def postgres_engine(url: str) -> Iterator[Engine]:
    """A fresh migrated schema in the PostgreSQL database at `url`, dropped afterwards."""
    schema = f"jarnama_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def machine() -> str:
    """One line describing this machine and the library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {sqlalchemy.__version__}"
    )


def main() -> None:
    """Generate, import twice per backend, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="Products in the file.")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=os.environ.get("JARNAMA_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        default=None,
        metavar="URL",
        help="Also measure PostgreSQL (default URL: JARNAMA_TEST_POSTGRES_URL or local 'test').",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="jarnama-bench-") as tmp:
        folder = Path(tmp)
        path = folder / "products.csv"
        started = time.perf_counter()
        generate_csv(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        elapsed = time.perf_counter() - started
        print(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {elapsed:.1f} s")
        results: list[tuple[str, str, float, float, ImportReport]] = []
        backends: list[tuple[str, object]] = [("sqlite", None)]
        if args.postgres:
            backends.append(("postgresql", args.postgres))
        for backend, url in backends:
            engines = sqlite_engine(folder) if url is None else postgres_engine(str(url))
            with engines as engine:
                for run in ("first import", "re-import"):
                    seconds, cpu, report = run_import(engine, path)
                    results.append((backend, run, seconds, cpu, report))
                    print(f"  {backend} {run}: {seconds:.1f} s", flush=True)
    print()
    # CPU seconds are this process's own (the SQLite engine runs in it; PostgreSQL's server
    # work is not counted): they show the cost when other jobs share the cores.
    print(
        f"{'backend':<11} {'run':<13} {'rows':>10} {'seconds':>8} {'rows/s':>9} "
        f"{'cpu s':>6}  outcome"
    )
    for backend, run, seconds, cpu, report in results:
        outcome = (
            f"created {report.created:,}, updated {report.updated:,}, "
            f"unchanged {report.unchanged:,}, rejected {report.rejected:,}"
        )
        print(
            f"{backend:<11} {run:<13} {report.rows:>10,} {seconds:>8.1f} "
            f"{report.rows / seconds:>9,.0f} {cpu:>6.1f}  {outcome}"
        )


if __name__ == "__main__":
    main()

"""`jarnama import products|stock` against a temporary SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from jarnama.catalog.models import Product, Store
from jarnama.cli import app
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.migrate import upgrade
from tests.catalog.helpers import product_row, write_csv, write_jsonl


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file the CLI is pointed at."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JARNAMA_DATABASE__URL", url)
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _products(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Product)) or 0)
    finally:
        engine.dispose()


def test_import_products_prints_summary_and_is_idempotent(database: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "products.csv", [product_row(i) for i in range(1, 21)])
    runner = CliRunner()
    result = runner.invoke(app, ["import", "products", str(path)])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    assert "20" in result.output
    assert "applied" in result.output
    again = runner.invoke(app, ["import", "products", str(path)])
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
    assert _products(database) == 20


def test_bad_rows_exit_1_and_list_errors(database: str, tmp_path: Path) -> None:
    rows = [product_row(i) for i in range(1, 61)]
    for index in range(0, 60):
        rows[index] = product_row(index + 1, price="1.234")
    path = write_jsonl(tmp_path / "products.jsonl", rows)
    result = CliRunner().invoke(app, ["import", "products", str(path)])
    assert result.exit_code == 1, result.output
    assert "has more than 2 decimals" in result.output
    assert "and 10 more problems" in result.output
    assert "nothing applied" in result.output
    assert _products(database) == 0
    rows[0] = product_row(1)
    write_jsonl(path, rows)
    partial = CliRunner().invoke(app, ["import", "products", str(path), "--allow-partial"])
    assert partial.exit_code == 1
    assert "applied" in partial.output
    assert _products(database) == 1


def test_import_stock(database: str, tmp_path: Path) -> None:
    factory = make_sessionmaker(make_engine(database))
    with transaction(factory) as session:
        session.add(Store(code="ALA-01", name="Abay", city="Almaty", lat=43.2, lon=76.9))
    runner = CliRunner()
    products = write_csv(tmp_path / "p.csv", [product_row(1)])
    assert runner.invoke(app, ["import", "products", str(products)]).exit_code == 0
    stock = tmp_path / "stock.csv"
    stock.write_text("sku,store,quantity\nSKU-00001,ALA-01,9\nSKU-404,ALA-01,1\n", "utf-8")
    result = runner.invoke(app, ["import", "stock", str(stock)])
    assert result.exit_code == 1
    assert "no product has this SKU" in result.output
    (tmp_path / "p.xlsx").write_bytes(b"PK")
    unknown = runner.invoke(app, ["import", "stock", str(tmp_path / "p.xlsx")])
    assert unknown.exit_code == 2
    assert "cannot tell the format" in unknown.output

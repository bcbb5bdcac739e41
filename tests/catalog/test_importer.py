"""The bulk product and stock imports, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.catalog.importer import (
    RowError,
    import_products,
    read_csv,
    read_jsonl,
    read_rows,
)
from jarnama.catalog.models import Brand, Category, Product, ProductStock, Store
from jarnama.catalog.stock_import import import_stock
from tests.catalog.helpers import audit_entries, count, product_row, write_csv, write_jsonl


def _product(session: Session, sku: str) -> Product:
    product = session.scalars(select(Product).where(Product.sku == sku)).one()
    session.refresh(product)
    return product


def test_import_creates_products_brands_and_category_tree(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "products.csv", [product_row(i) for i in range(1, 7)])
    seen: list[int] = []
    report = import_products(session, read_csv(path), actor="test", progress=seen.append)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (6, 0, 0, 0)
    assert report.applied
    assert report.rows == 6
    assert seen[-1] == 6
    assert (report.brands_created, report.categories_created) == (2, 4)
    paths = sorted(session.scalars(select(Category.path)))
    assert paths == ["dairy", "dairy/milk", "sweets", "sweets/chocolate"]
    milk = session.scalars(select(Category).where(Category.path == "dairy/milk")).one()
    dairy = session.scalars(select(Category).where(Category.path == "dairy")).one()
    assert (milk.code, milk.parent_id, dairy.parent_id) == ("milk", dairy.id, None)
    product = _product(session, "SKU-00001")
    assert product.price_tiyn == 10190
    assert (product.name_kk, product.name_ru, product.stock_total) == ("Сүт 1", "Молоко 1", 1)
    assert product.category_id == milk.id
    brand = session.get(Brand, product.brand_id)
    assert brand is not None
    assert brand.name == "Food Master"
    # One audit entry for the run, with the counts, not one per product.
    [entry] = audit_entries(session, "product")
    assert entry.action == "import"
    assert entry.entity_id == "products.csv"
    assert entry.after is not None
    assert entry.after["created"] == 6


def test_reimport_changes_nothing_and_updates_only_what_changed(
    session: Session, tmp_path: Path
) -> None:
    rows = [product_row(i) for i in range(1, 11)]
    path = write_csv(tmp_path / "products.csv", rows)
    import_products(session, read_csv(path), actor="test")
    stamp = _product(session, "SKU-00003").updated_at
    again = import_products(session, read_csv(path), actor="test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    assert (again.brands_created, again.categories_created) == (0, 0)
    assert count(session, Product) == 10
    assert count(session, Brand) == 2
    assert _product(session, "SKU-00003").updated_at == stamp

    rows[2] = product_row(3, price="999.99")
    rows.append(product_row(11))
    changed = import_products(session, read_csv(write_csv(tmp_path / "v2.csv", rows)), actor="t")
    assert (changed.created, changed.updated, changed.unchanged) == (1, 1, 9)
    assert _product(session, "SKU-00003").price_tiyn == 99999


def test_empty_optional_cells_keep_the_current_values(session: Session, tmp_path: Path) -> None:
    import_products(session, [product_row(1, stock="5", active="no")], actor="test")
    report = import_products(
        session,
        [{"sku": "SKU-00001", "name_ru": "Молоко", "price": "120", "stock": "", "active": ""}],
        actor="test",
    )
    assert report.updated == 1
    product = _product(session, "SKU-00001")
    assert (product.name_ru, product.price_tiyn) == ("Молоко", 12000)
    assert (product.stock_total, product.active, product.name_en) == (5, False, "Milk 1")
    assert product.gtin is not None
    assert product.brand_id is not None


def test_one_bad_row_applies_nothing_and_names_line_field_reason(
    session: Session, tmp_path: Path
) -> None:
    rows = [product_row(i) for i in range(1, 6)]
    rows[2] = product_row(3, price="1.234")  # the fourth line of the file
    rows[4] = product_row(5, gtin="4006381333932", name_kk="", name_ru="")
    path = write_csv(tmp_path / "bad.csv", rows)
    report = import_products(session, read_csv(path), actor="test")
    assert not report.applied
    assert (report.created, report.rejected, report.brands_created) == (0, 2, 0)
    assert report.errors == [
        RowError(4, "price", "has more than 2 decimals (tiyn are the smallest unit)"),
        RowError(6, "gtin", "has a wrong GS1 check digit"),
        RowError(6, "name_kk", "at least one of name_kk and name_ru is required"),
    ]
    assert count(session, Product) == 0
    assert count(session, Brand) == 0
    assert count(session, Category) == 0
    assert audit_entries(session, "product") == []


def test_allow_partial_applies_the_good_rows(session: Session, tmp_path: Path) -> None:
    rows = [product_row(i) for i in range(1, 6)]
    rows[1] = product_row(2, price="-3")
    rows[3] = product_row(4, stock="many", active="maybe")
    report = import_products(
        session, read_csv(write_csv(tmp_path / "p.csv", rows)), actor="test", allow_partial=True
    )
    assert report.applied
    assert (report.created, report.rejected) == (3, 2)
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "price"),
        (5, "stock"),
        (5, "active"),
    ]
    assert sorted(session.scalars(select(Product.sku))) == ["SKU-00001", "SKU-00003", "SKU-00005"]


def test_every_field_rule_is_reported(session: Session) -> None:
    rows: list[dict[str, object]] = [
        {"price": "1"},
        product_row(2, price=""),
        product_row(3, price="0.1", gtin="12345"),
        product_row(4, category="dairy//milk"),
        product_row(5, sku="x" * 65),
        {**product_row(6), "colour": "red"},
        product_row(7),
        product_row(7, price="1.00"),
    ]
    report = import_products(session, rows, actor="test", first_line=1)
    assert [(e.line, e.field) for e in report.errors] == [
        (1, "sku"),
        (1, "name_kk"),
        (2, "price"),
        (3, "gtin"),
        (4, "category"),
        (5, "sku"),
        (6, "colour"),
        (8, "sku"),
    ]
    assert report.errors[0].reason == "is required"
    assert report.errors[-1].reason == "repeats the SKU of line 7"
    assert report.rejected == 7
    assert not report.applied


def test_prices_are_exact_and_floats_refused(session: Session) -> None:
    rows: list[dict[str, object]] = [
        product_row(1, price="0.1"),
        product_row(2, price="0.2"),
        product_row(3, price=Decimal("0.30")),
        product_row(4, price=459),
        product_row(5, price=0.3),
    ]
    report = import_products(session, rows, actor="test", allow_partial=True)
    assert report.errors == [
        RowError(6, "price", 'must be a decimal string such as "459.90", not a binary float')
    ]
    prices = {sku: tiyn for sku, tiyn in session.execute(select(Product.sku, Product.price_tiyn))}
    assert prices == {"SKU-00001": 10, "SKU-00002": 20, "SKU-00003": 30, "SKU-00004": 45900}
    assert prices["SKU-00001"] + prices["SKU-00002"] == prices["SKU-00003"]


def test_jsonl_rows_are_numbered_from_one_with_exact_decimals(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "products.jsonl"
    good = product_row(1) | {"price": 459.90, "stock": 3, "active": False}
    write_jsonl(path, [good, product_row(2, price="1.234")])
    with path.open("a", encoding="utf-8") as stream:
        stream.write("{not json\n[1, 2]\n\n")
    report = import_products(session, read_rows(path), actor="test", allow_partial=True)
    assert report.created == 1
    assert [(e.line, e.field) for e in report.errors] == [(2, "price"), (3, "row"), (4, "row")]
    assert report.errors[2].reason == "is not a JSON object"
    product = _product(session, "SKU-00001")
    # 459.90 in the file is read as Decimal("459.90"), never as a binary float.
    assert (product.price_tiyn, product.stock_total, product.active) == (45990, 3, False)
    assert read_jsonl(path).first_line == 1
    assert read_csv(path).first_line == 2


def test_csv_blank_lines_and_short_rows_keep_line_numbers(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    write_csv(path, [product_row(1)])
    with path.open("a", encoding="utf-8") as stream:
        stream.write("\nSKU-9,,,,,Молоко,,5\nSKU-10,,,,,,,1,1,true,extra\n\n")
    report = import_products(session, read_csv(path), actor="test", allow_partial=True)
    assert report.created == 2
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (3, "row", "is blank"),
        (5, "row", "has more cells than the header"),
        (5, "name_kk", "at least one of name_kk and name_ru is required"),
    ]


def _stores(session: Session) -> None:
    session.add_all(
        [
            Store(code="ALA-01", name="Abay", city="Almaty", lat=43.24, lon=76.91),
            Store(code="AST-01", name="Mangilik", city="Astana", lat=51.13, lon=71.43),
        ]
    )
    session.flush()


def test_stock_import_sets_quantities_and_totals(session: Session) -> None:
    _stores(session)
    import_products(session, [product_row(1), product_row(2)], actor="test")
    rows: list[dict[str, object]] = [
        {"sku": "SKU-00001", "store": "ALA-01", "quantity": "4"},
        {"sku": "SKU-00001", "store": "AST-01", "quantity": "6"},
        {"sku": "SKU-00002", "store": "ALA-01", "quantity": 0},
    ]
    report = import_stock(session, rows, actor="test")
    assert report.applied
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert _product(session, "SKU-00001").stock_total == 10
    assert _product(session, "SKU-00002").stock_total == 0
    rows[0]["quantity"] = "5"
    again = import_stock(session, rows, actor="test")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert _product(session, "SKU-00001").stock_total == 11
    assert [e.entity for e in audit_entries(session, "product_stock")] == ["product_stock"] * 2


def test_stock_import_rejects_unknown_references_all_or_nothing(session: Session) -> None:
    _stores(session)
    import_products(session, [product_row(1)], actor="test")
    rows: list[dict[str, object]] = [
        {"sku": "SKU-00001", "store": "ALA-01", "quantity": "4"},
        {"sku": "NOPE", "store": "ALA-01", "quantity": "1"},
        {"sku": "SKU-00001", "store": "XXX", "quantity": "-1"},
        {"sku": "SKU-00001", "store": "ALA-01", "quantity": "2"},
    ]
    report = import_stock(session, rows, actor="test")
    assert not report.applied
    assert report.rejected == 3
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (4, "quantity", "must be a whole number >= 0"),
        (5, "sku", "repeats the SKU and store of line 2"),
        (3, "sku", "no product has this SKU"),
    ]
    assert session.scalars(select(ProductStock)).all() == []
    partial = import_stock(session, rows, actor="test", allow_partial=True)
    assert partial.applied
    assert partial.created == 1
    assert _product(session, "SKU-00001").stock_total == 4


@pytest.mark.parametrize("name", ["p.txt", "p"])
def test_unknown_file_extension_is_refused(tmp_path: Path, name: str) -> None:
    from jarnama.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="cannot tell the format"):
        read_rows(tmp_path / name)

"""Bulk import of per-store stock (sku, store code, quantity), with the product import's rules.

Unknown SKUs and store codes are bad rows like any other; all or nothing unless
`allow_partial`; one audit entry per run. Products' `stock_total` becomes the sum of their
per-store quantities.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from jarnama.catalog import repository
from jarnama.catalog.fields import parse_count
from jarnama.catalog.importer import (
    BATCH_ROWS,
    STOCK_COLUMNS,
    Problems,
    Progress,
    StockImportReport,
    StockRow,
    _counts,
    _required_text,
    _unknown_columns,
    _where,
)
from jarnama.catalog.readers import PROBLEM_KEY
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal


def check_stock_row(row: Mapping[str, object], line: int, problems: Problems) -> StockRow:
    """Check one per-store stock row (sku, store, quantity)."""
    if PROBLEM_KEY in row:
        problems.append(("row", str(row[PROBLEM_KEY])))
        return (line, "", "", 0)
    if len(row) > 3 or not STOCK_COLUMNS.issuperset(row.keys()):
        _unknown_columns(row, STOCK_COLUMNS, problems)
    sku = _required_text(row.get("sku"), "sku", 64, problems)
    store = _required_text(row.get("store"), "store", 64, problems)
    quantity = 0
    value = row.get("quantity")
    if value is None or value == "":
        problems.append(("quantity", "is required"))
    else:
        try:
            quantity = parse_count(value)
        except ValueError as exc:
            problems.append(("quantity", str(exc)))
    return (line, sku, store, quantity)


class _StockWriter:
    """Resolves SKUs and store codes (unknown ones are row errors) and upserts quantities."""

    def __init__(self, session: Session, report: StockImportReport, allow_partial: bool) -> None:
        self.session = session
        self.report = report
        self.allow_partial = allow_partial
        self.stores = repository.store_ids_by_code(session)

    def check_and_write(self, batch: list[StockRow], *, write: bool) -> bool:
        """Resolve a batch and, when `write`, apply it unless it has bad rows (and not partial).

        Returns False when the batch had bad rows.
        """
        products = repository.product_ids_by_sku(self.session, list({row[1] for row in batch}))
        resolved: list[tuple[int, int, int]] = []
        clean = True
        for line, sku, store, quantity in batch:
            product_id = products.get(sku)
            store_id = self.stores.get(store)
            if product_id is None or store_id is None:
                problems: Problems = []
                if product_id is None:
                    problems.append(("sku", "no product has this SKU"))
                if store_id is None:
                    problems.append(("store", "no store has this code"))
                self.report.reject(line, problems)
                clean = False
                continue
            resolved.append((product_id, store_id, quantity))
        if not write or not (clean or self.allow_partial) or not resolved:
            return clean
        current = repository.stock_quantities(self.session, sorted({r[0] for r in resolved}))
        writes = []
        for product_id, store_id, quantity in resolved:
            old = current.get((product_id, store_id))
            if old == quantity:
                self.report.unchanged += 1
                continue
            if old is None:
                self.report.created += 1
            else:
                self.report.updated += 1
            writes.append({"product_id": product_id, "store_id": store_id, "quantity": quantity})
        repository.upsert_stock(self.session, writes)
        repository.recompute_stock_totals(self.session, sorted({w["product_id"] for w in writes}))
        return clean


def import_stock(
    session: Session,
    rows: Iterable[Mapping[str, object]],
    *,
    actor: Principal | str,
    allow_partial: bool = False,
    progress: Progress | None = None,
    first_line: int | None = None,
    source: str | None = None,
) -> StockImportReport:
    """Set per-store stock (sku, store code, quantity) and each product's total; all or nothing.

    Unknown SKUs and store codes are bad rows like any other. Products' `stock_total`
    becomes the sum of their per-store quantities.
    """
    first_line, source = _where(rows, first_line, source)
    report = StockImportReport(source=source)
    nested = session.begin_nested()
    try:
        writer = _StockWriter(session, report, allow_partial)
        seen: dict[tuple[str, str], int] = {}
        batch: list[StockRow] = []
        writing = True
        count = 0
        for count, row in enumerate(rows, 1):
            line = count - 1 + first_line
            problems: Problems = []
            checked = check_stock_row(row, line, problems)
            if not problems:
                earlier = seen.setdefault((checked[1], checked[2]), line)
                if earlier != line:
                    problems.append(("sku", f"repeats the SKU and store of line {earlier}"))
            if problems:
                report.reject(line, problems)
                writing = writing and allow_partial
            else:
                batch.append(checked)
                if len(batch) >= BATCH_ROWS:
                    clean = writer.check_and_write(batch, write=writing)
                    writing = writing and (clean or allow_partial)
                    batch = []
            if progress is not None and count % BATCH_ROWS == 0:
                progress(count)
        report.rows = count
        if batch:
            clean = writer.check_and_write(batch, write=writing)
            writing = writing and (clean or allow_partial)
    except BaseException:
        nested.rollback()
        raise
    if progress is not None:
        progress(report.rows)
    if not writing:
        nested.rollback()
        report._undo_writes()
        return report
    nested.commit()
    report.applied = True
    # One audit entry per run (see import_products).
    audit.record(
        session,
        actor,
        "import",
        "product_stock",
        (source or "rows")[-64:],
        account_id=None,
        after=_counts(report),
        note="bulk stock import",
    )
    return report

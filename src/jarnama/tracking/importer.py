"""Bulk import of historic purchases from CSV or Parquet: one row per purchase line.

Columns (a header row in CSV; names in Parquet): `order_id`, `at` (ISO 8601 with a UTC offset,
or a timezone-aware Parquet timestamp), `sku`, `quantity`, and the unit price as
`unit_price_tiyn` (whole tiyn) or `unit_price` (tenge, decimal, rounded half up to tiyn);
optional `channel` (`store` by default, or `online`), `store_code`, `user_id` (loyalty id),
and `id` (the event id; `order:<order_id>` otherwise, so a re-run or an overlapping export
is the same purchase). An order's rows must be consecutive.

Each purchase is validated like the batch API's; a bad row is reported with its line number
(CSV, header = line 1) or row number (Parquet, first row = 1) and field, and its whole order
is skipped. Re-running a file is safe: accepted purchases come back as duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from jarnama.tracking import events as ev
from jarnama.tracking.batch import error_field
from jarnama.tracking.links import event_id, tenge_to_tiyn
from jarnama.tracking.service import EventIntake, Verdict

REQUIRED = ("order_id", "at", "sku", "quantity")
PRICE_COLUMNS = ("unit_price_tiyn", "unit_price")


class ImportFileError(ValueError):
    """The file cannot be imported at all (unknown format, missing columns)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a row (and its order) was refused: its line or row number, field and reason."""

    line: int
    order_id: str | None
    field: str | None
    detail: str


@dataclass(slots=True)
class ImportTally:
    """What an import did so far."""

    rows: int = 0
    purchases: int = 0
    accepted: int = 0
    duplicates: int = 0
    lines: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    values: dict[str, Any]


def _csv_rows(path: Path, position: list[int]) -> Iterator[_Row]:
    with path.open("rb") as binary, _text(binary) as text:
        reader = csv.DictReader(text)
        _check_columns(reader.fieldnames or [])
        for values in reader:
            position[0] = binary.tell()
            yield _Row(reader.line_num, values)


def _text(binary: BinaryIO) -> Any:
    import io

    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


def _parquet_rows(path: Path, position: list[int]) -> Iterator[_Row]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    _check_columns(parquet.schema_arrow.names)
    number = 0
    for batch in parquet.iter_batches(batch_size=10_000):
        for values in batch.to_pylist():
            number += 1
            position[0] = number
            yield _Row(number, values)


def _check_columns(names: Sequence[str]) -> None:
    missing = [name for name in REQUIRED if name not in names]
    if not any(name in names for name in PRICE_COLUMNS):
        missing.append("unit_price_tiyn or unit_price")
    if missing:
        raise ImportFileError(f"missing column(s): {', '.join(missing)}")


def file_size(path: Path) -> tuple[str, int]:
    """The file's format and the progress bar's total (bytes for CSV, rows for Parquet)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv", path.stat().st_size
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        return "parquet", pq.ParquetFile(path).metadata.num_rows
    raise ImportFileError(f"{path.name}: expected a .csv or .parquet file")


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _instant(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value  # a Parquet timestamp; naive ones are refused by the event model
    return _text_or_none(value)


def _price(values: dict[str, Any]) -> int | str | None:
    tiyn = values.get("unit_price_tiyn")
    if tiyn not in (None, ""):
        if isinstance(tiyn, int):
            return tiyn
        text = str(tiyn).strip()
        return int(text) if text.lstrip("-").isdigit() else text
    tenge = values.get("unit_price")
    if tenge in (None, ""):
        return None
    try:
        return tenge_to_tiyn(Decimal(str(tenge).strip()))
    except InvalidOperation:
        return str(tenge)


def _quantity(value: Any) -> Any:
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.lstrip("-").isdigit() else text


def _purchase(rows: list[_Row]) -> ev.Purchase | RowError:
    """The purchase of one order's rows, or the error of its first bad row."""
    head = rows[0].values
    order_id = _text_or_none(head.get("order_id"))
    raw: dict[str, Any] = {
        "kind": "purchase",
        "id": _text_or_none(head.get("id")) or event_id("order", order_id or ""),
        "at": _instant(head.get("at")),
        "order_id": order_id,
        "channel": _text_or_none(head.get("channel")) or "store",
        "store_code": _text_or_none(head.get("store_code")),
        "user_id": _text_or_none(head.get("user_id")),
        "lines": [
            {
                "sku": _text_or_none(row.values.get("sku")),
                "quantity": _quantity(row.values.get("quantity")),
                "unit_price_tiyn": _price(row.values),
            }
            for row in rows
        ],
    }
    try:
        return msgspec.convert(raw, ev.Purchase)
    except msgspec.ValidationError as exc:
        message = str(exc)
        path = error_field(message)
        line = rows[0].line
        if path and path.startswith("lines["):
            index = int(path[len("lines[") : path.index("]")])
            line = rows[index].line
            path = path.split(".", 1)[1] if "." in path else path
            if path == "unit_price_tiyn" and "unit_price_tiyn" not in rows[index].values:
                path = "unit_price"
        return RowError(line, order_id, path, message.split(" - at ")[0])


def _orders(rows: Iterator[_Row], tally: ImportTally) -> Iterator[list[_Row]]:
    """Consecutive rows of one order; an order seen again later is an error."""
    done: set[str] = set()
    current: list[_Row] = []
    for row in rows:
        tally.rows += 1
        order = _text_or_none(row.values.get("order_id")) or ""
        if current and order != (_text_or_none(current[0].values.get("order_id")) or ""):
            done.add(_text_or_none(current[0].values.get("order_id")) or "")
            yield current
            current = []
        if order and order in done:
            tally.errors.append(
                RowError(row.line, order, "order_id", "the order's rows must be consecutive")
            )
            continue
        current.append(row)
    if current:
        yield current


def import_purchases(
    intake: EventIntake,
    path: Path,
    *,
    batch_size: int = 1000,
    progress: Any = None,
) -> ImportTally:
    """Import a CSV or Parquet file of purchase lines into the intake; what happened.

    `progress(position)` is called after each batch (bytes read for CSV, rows for Parquet).
    Raises `ImportFileError` when the file cannot be imported at all, `LogError` when the
    log cannot make a batch durable (batches before it stay; a re-run skips them).
    """
    kind, _total = file_size(path)
    position = [0]
    rows = _csv_rows(path, position) if kind == "csv" else _parquet_rows(path, position)
    tally = ImportTally()
    pending: list[ev.Purchase] = []

    def flush() -> None:
        verdicts = intake.submit(pending)
        for purchase, verdict in zip(pending, verdicts, strict=True):
            if verdict is Verdict.ACCEPTED:
                tally.accepted += 1
                tally.lines += len(purchase.lines)
            else:
                tally.duplicates += 1
        pending.clear()
        if progress is not None:
            progress(position[0])

    for order_rows in _orders(rows, tally):
        built = _purchase(order_rows)
        if isinstance(built, RowError):
            tally.errors.append(built)
            continue
        tally.purchases += 1
        pending.append(built)
        if len(pending) >= batch_size:
            flush()
    flush()
    tally.errors.sort(key=lambda error: error.line)
    return tally

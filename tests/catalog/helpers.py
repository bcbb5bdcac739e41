"""Builders of catalog test data."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.catalog.fields import gtin_with_check_digit
from jarnama.catalog.models import Brand, Category, Product
from jarnama.tenancy.models import AuditEntry

HEADER = ["sku", "gtin", "brand", "category", "name_kk", "name_ru", "name_en", "price"]
HEADER += ["stock", "active"]


def product_row(index: int, **overrides: object) -> dict[str, object]:
    """A valid product row as a CSV reader yields it."""
    row: dict[str, object] = {
        "sku": f"SKU-{index:05d}",
        "gtin": gtin_with_check_digit(f"487{index:09d}"),
        "brand": "Food Master" if index % 2 else "Rahat",
        "category": "dairy/milk" if index % 3 else "sweets/chocolate",
        "name_kk": f"Сүт {index}",
        "name_ru": f"Молоко {index}",
        "name_en": f"Milk {index}",
        "price": f"{100 + index}.90",
        "stock": str(index % 7),
        "active": "true",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows: Iterable[Mapping[str, object]]) -> Path:
    """Write rows under the standard header."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def write_jsonl(path: Path, rows: Iterable[Mapping[str, object]]) -> Path:
    """Write rows as JSON Lines."""
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


def count(session: Session, model: type[Product] | type[Brand] | type[Category]) -> int:
    """Rows of a catalog table."""
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def audit_entries(session: Session, entity: str) -> list[AuditEntry]:
    """Audit entries about one kind of entity."""
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == entity)))

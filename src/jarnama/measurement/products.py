"""The product list export: the catalog's products as the analytics store's product dimension.

Attribution matches purchased lines to advertised products by SKU, brand (halo) and category,
so it needs the catalog beside the events: `products.parquet` at the store's root holds one row
per product (id, SKU, brand id, category id, plus names for people reading the files). It is
replaced whole and atomically (temporary file, fsync, rename), streamed in batches of 10,000
so a catalog of millions never sits in memory as Python objects at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from jarnama.measurement import repository
from jarnama.measurement.store import AnalyticsStore

PRODUCTS_FILE = "products.parquet"
# The first four columns are the ones attribution joins on (the store's `products` schema).
PRODUCT_SCHEMA = pa.schema(
    [
        ("product_id", pa.int64()),
        ("sku", pa.string()),
        ("brand_id", pa.int64()),
        ("category_id", pa.int64()),
        ("name", pa.string()),
        ("brand", pa.string()),
        ("category", pa.string()),
        ("price_tiyn", pa.int64()),
        ("active", pa.bool_()),
    ]
)


@dataclass(frozen=True, slots=True)
class ProductExport:
    """What one export wrote."""

    products: int
    path: str


def export_products(session: Session, store: AnalyticsStore) -> ProductExport:
    """Replace the store's product dimension with the catalog's current products."""
    store.root.mkdir(parents=True, exist_ok=True)
    final = store.root / PRODUCTS_FILE
    temporary = store.root / f".{PRODUCTS_FILE}.tmp"
    count = 0
    with pq.ParquetWriter(temporary, PRODUCT_SCHEMA, compression="zstd") as writer:
        for rows in repository.product_rows(session):
            columns = list(zip(*rows, strict=True))
            names = [ru or kk for ru, kk in zip(columns[4], columns[5], strict=True)]
            arrays = [
                pa.array(columns[0], pa.int64()),
                pa.array(columns[1], pa.string()),
                pa.array(columns[2], pa.int64()),
                pa.array(columns[3], pa.int64()),
                pa.array(names, pa.string()),
                pa.array(columns[6], pa.string()),
                pa.array(columns[7], pa.string()),
                pa.array(columns[8], pa.int64()),
                pa.array(columns[9], pa.bool_()),
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=PRODUCT_SCHEMA))
            count += len(rows)
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    temporary.replace(final)
    return ProductExport(count, str(final))

"""The analytics store: day-partitioned Parquet files read by DuckDB, and its loader.

Layout under `store_dir`: `<table>/day=YYYY-MM-DD/part-<first log sequence>.parquet` for
the event tables (`part-lane-<n>-<sequence>` from a lane of the log, `part-k…` from Kafka),
`attributions/day=…/part-0.parquet` for attribution results, `products.parquet` for the
product dimension, and `_checkpoint.json` (`_checkpoint.lane-<n>.json`) for the loader. Times are
epoch milliseconds (BIGINT) and every file carries its `day` column, so the queries are plain
SQL that any engine reading Parquet (Spark, Trino, BigQuery external tables) runs unchanged.

The loader moves the event log into the store exactly once: a batch's files are named by the
log position it starts at and written under a temporary name then renamed; the checkpoint is
replaced (atomically) only after them. A run first deletes files at or past the checkpoint —
leftovers of an interrupted run, and their ids in the index — so a crash at any point repeats
the batch, never doubles it. Duplicate event ids (retries the intake did not catch) are dropped
against the store's id index (`jarnama.measurement.dedupe`), which answers in time proportional
to the batch, not to the history.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from jarnama.measurement.dedupe import DedupeIndex
from jarnama.tracking import events as ev
from jarnama.tracking.log import lanes, read_log

_AD = [
    ("bid_id", pa.string()),
    ("campaign_id", pa.int64()),
    ("ad_group_id", pa.int64()),
    ("account_id", pa.int64()),
    ("placement_id", pa.int64()),
    ("product_id", pa.int64()),
    ("creative_id", pa.int64()),
    ("user_id", pa.string()),
    ("billing", pa.string()),
    ("price_tiyn", pa.int64()),
]
_HEAD = [("event_id", pa.string()), ("at_ms", pa.int64()), ("day", pa.date32())]
SCHEMAS: dict[str, pa.Schema] = {
    "impressions": pa.schema(
        [*_HEAD, *_AD, ("viewable", pa.bool_()), ("cost_mtiyn", pa.int64()), ("ivt", pa.string())]
    ),
    "clicks": pa.schema([*_HEAD, *_AD, ("cost_mtiyn", pa.int64()), ("ivt", pa.string())]),
    # Ghost ads: what a held-out user would have been shown (never shown, never billed).
    "ghosts": pa.schema([*_HEAD, *_AD, ("ivt", pa.string())]),
    # Their twins: ads of holdout campaigns placed for treated users, logged at decision time.
    "served": pa.schema([*_HEAD, *_AD, ("ivt", pa.string())]),
    "purchase_lines": pa.schema(
        [
            *_HEAD,
            ("line_no", pa.int32()),
            ("order_id", pa.string()),
            ("user_id", pa.string()),
            ("sku", pa.string()),
            ("quantity", pa.int64()),
            ("unit_price_tiyn", pa.int64()),
            ("channel", pa.string()),
            ("store_code", pa.string()),
            ("ivt", pa.string()),
        ]
    ),
    "add_to_carts": pa.schema(
        [
            *_HEAD,
            ("sku", pa.string()),
            ("quantity", pa.int64()),
            ("user_id", pa.string()),
            ("campaign_id", pa.int64()),
            ("ivt", pa.string()),
        ]
    ),
    "plays": pa.schema(
        [
            *_HEAD,
            ("screen_id", pa.string()),
            ("creative_id", pa.int64()),
            ("duration_ms", pa.int64()),
            ("audience_multiplier", pa.float64()),
            ("campaign_id", pa.int64()),
            ("ivt", pa.string()),
        ]
    ),
    "conversions": pa.schema(
        [
            *_HEAD,
            ("offer_id", pa.int64()),
            ("creator_id", pa.int64()),
            ("order_id", pa.string()),
            ("amount_tiyn", pa.int64()),
            ("promo_code", pa.string()),
            ("ivt", pa.string()),
        ]
    ),
    "products": pa.schema(
        [
            ("product_id", pa.int64()),
            ("sku", pa.string()),
            ("brand_id", pa.int64()),
            ("category_id", pa.int64()),
        ]
    ),
}


def _ad_columns(ad: ev.AdRef | None) -> dict[str, Any]:
    if ad is None:
        return {name: None for name, _ in _AD}
    return {
        "bid_id": ad.bid_id,
        "campaign_id": ad.campaign_id,
        "ad_group_id": ad.ad_group_id,
        "account_id": ad.account_id,
        "placement_id": ad.placement_id,
        "product_id": ad.product_id,
        "creative_id": ad.creative_id,
        "user_id": ad.user_id,
        "billing": ad.billing,
        "price_tiyn": ad.price_tiyn,
    }


def rows_of(event: ev.Event) -> tuple[str, list[dict[str, Any]]]:
    """The store table of an event and its rows (a purchase has one row per line)."""
    head = {
        "event_id": event.id,
        "at_ms": int(event.at.timestamp() * 1000),
        "day": ev.day_of(event),
        "ivt": event.ivt,
    }
    valid = event.ivt is None
    if isinstance(event, ev.Impression):
        # CPM: one impression costs price/1000 tiyn = `price` milli-tiyn (as the spend ledger).
        cost = event.ad.price_tiyn if valid and event.ad.billing == "cpm" else 0
        row = {**head, **_ad_columns(event.ad), "viewable": event.viewable, "cost_mtiyn": cost}
        return "impressions", [row]
    if isinstance(event, ev.Click):
        billed = valid and event.ad is not None and event.ad.billing == "cpc"
        cost = event.ad.price_tiyn * 1000 if billed and event.ad is not None else 0
        return "clicks", [{**head, **_ad_columns(event.ad), "cost_mtiyn": cost}]
    if isinstance(event, ev.Ghost):
        return "ghosts", [{**head, **_ad_columns(event.ad)}]
    if isinstance(event, ev.Served):
        return "served", [{**head, **_ad_columns(event.ad)}]
    if isinstance(event, ev.Purchase):
        return "purchase_lines", [
            {
                **head,
                "line_no": number,
                "order_id": event.order_id,
                "user_id": event.user_id,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price_tiyn": line.unit_price_tiyn,
                "channel": event.channel,
                "store_code": event.store_code,
            }
            for number, line in enumerate(event.lines)
        ]
    if isinstance(event, ev.AddToCart):
        campaign = event.ad.campaign_id if event.ad else None
        row = {
            **head,
            "sku": event.sku,
            "quantity": event.quantity,
            "user_id": event.user_id,
            "campaign_id": campaign,
        }
        return "add_to_carts", [row]
    if isinstance(event, ev.Play):
        row = {
            **head,
            "screen_id": event.screen_id,
            "creative_id": event.creative_id,
            "duration_ms": event.duration_ms,
            "audience_multiplier": event.audience_multiplier,
            "campaign_id": event.ad.campaign_id if event.ad else None,
        }
        return "plays", [row]
    row = {
        **head,
        "offer_id": event.offer_id,
        "creator_id": event.creator_id,
        "order_id": event.order_id,
        "amount_tiyn": event.amount_tiyn,
        "promo_code": event.promo_code,
    }
    return "conversions", [row]


class AnalyticsStore:
    """Paths and file operations of one analytics store directory."""

    def __init__(self, root: Path | str) -> None:
        """The store at `root` (created on first write)."""
        self.root = Path(root)

    def day_dir(self, table: str, day: dt.date) -> Path:
        """The partition directory of a table's day."""
        return self.root / table / f"day={day.isoformat()}"

    def files(self, table: str, days: Iterable[dt.date] | None = None) -> list[Path]:
        """The Parquet files of a table (of some days only), sorted."""
        if days is None:
            return sorted((self.root / table).glob("day=*/*.parquet"))
        found: list[Path] = []
        for day in days:
            found.extend(sorted(self.day_dir(table, day).glob("*.parquet")))
        return found

    def write(self, table: str, day: dt.date, name: str, data: pa.Table) -> Path:
        """Write one partition file atomically (temporary name, fsync, rename)."""
        directory = self.day_dir(table, day)
        directory.mkdir(parents=True, exist_ok=True)
        final = directory / name
        temporary = directory / f".{name}.tmp"
        pq.write_table(data, temporary, compression="zstd")
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        temporary.replace(final)
        return final

    def write_products(self, rows: list[dict[str, Any]]) -> None:
        """Replace the product dimension (product id, SKU, brand, category)."""
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / ".products.parquet.tmp"
        pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS["products"]), temporary)
        temporary.replace(self.root / "products.parquet")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The next log record to load: its sequence number and where it starts."""

    seq: int = 0
    segment: int = 0
    offset: int = 0


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one loader run did."""

    records: int
    rows: int
    duplicates: int
    batches: int
    checkpoint: Checkpoint


class LogLoader:
    """Moves the event log into the analytics store exactly once, resumably."""

    def __init__(self, log_dir: Path | str, store: AnalyticsStore, *, lane: str = "") -> None:
        """A loader from the disk log at `log_dir` (and its lanes) into `store`."""
        self.log_dir = Path(log_dir)
        self.store = store
        # Each lane (`jarnama.tracking.log.lanes`) has its own checkpoint and part-file names.
        self._lane = lane
        suffix = f".{lane}" if lane else ""
        self._checkpoint_path = store.root / f"_checkpoint{suffix}.json"
        self._prefix = f"part-{lane}-" if lane else "part-"

    def checkpoint(self) -> Checkpoint:
        """The current checkpoint (the log's start when none was written)."""
        if not self._checkpoint_path.exists():
            return Checkpoint()
        data = json.loads(self._checkpoint_path.read_text())
        return Checkpoint(int(data["seq"]), int(data["segment"]), int(data["offset"]))

    def _save(self, point: Checkpoint) -> None:
        temporary = self._checkpoint_path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps({"seq": point.seq, "segment": point.segment, "offset": point.offset})
        )
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        temporary.replace(self._checkpoint_path)

    def _drop_uncommitted(self, point: Checkpoint, index: DedupeIndex) -> None:
        """Delete part files of batches at or past the checkpoint (an interrupted run's)."""
        # Their ids first: a crash between the two repeats this, never leaves ids without files.
        index.forget_from(self._prefix, f"{self._prefix}{point.seq:020d}.parquet")
        for table in SCHEMAS:
            for path in (self.store.root / table).glob(f"day=*/{self._prefix}*.parquet"):
                stem = path.stem.removeprefix(self._prefix)
                if stem.isdigit() and int(stem) >= point.seq:
                    path.unlink()

    def run(self, batch_records: int = 200_000) -> LoadResult:
        """Load everything after the checkpoints of every lane, batch by batch; what was loaded."""
        with DedupeIndex(self.store) as index:
            return self._run_lanes(batch_records, index)

    def _run_lanes(self, batch_records: int, index: DedupeIndex) -> LoadResult:
        result = self._run_lane(batch_records, index)
        if self._lane:
            return result
        for lane in lanes(self.log_dir)[1:]:
            part = LogLoader(lane, self.store, lane=lane.name)._run_lane(batch_records, index)
            result = LoadResult(
                result.records + part.records,
                result.rows + part.rows,
                result.duplicates + part.duplicates,
                result.batches + part.batches,
                result.checkpoint,
            )
        return result

    def _run_lane(self, batch_records: int, index: DedupeIndex) -> LoadResult:
        """Load one lane after its checkpoint, batch by batch."""
        self.store.root.mkdir(parents=True, exist_ok=True)
        point = self.checkpoint()
        self._drop_uncommitted(point, index)
        records = rows = duplicates = batches = 0
        while True:
            loaded = self._batch(point, batch_records, index)
            if loaded is None:
                break
            point, n_records, n_rows, n_dupes = loaded
            records, rows, duplicates = records + n_records, rows + n_rows, duplicates + n_dupes
            batches += 1
        return LoadResult(records, rows, duplicates, batches, point)

    def _batch(
        self, point: Checkpoint, limit: int, index: DedupeIndex
    ) -> tuple[Checkpoint, int, int, int] | None:
        decoded: list[ev.Event] = []
        last = None
        for record in read_log(
            self.log_dir, seq=point.seq, segment=point.segment, offset=point.offset
        ):
            try:
                decoded.append(ev.decode(record.payload))
            except msgspec.ValidationError:
                pass  # written by a newer version: skipped here, still in the log
            last = record
            if len(decoded) >= limit:
                break
        if last is None:
            return None
        name = f"{self._prefix}{point.seq:020d}.parquet"
        n_rows, dupes = write_events(self.store, decoded, name, index)
        after = Checkpoint(last.seq + 1, last.segment, last.next_offset)
        self._save(after)
        return after, last.seq + 1 - point.seq, n_rows, dupes


def write_events(
    store: AnalyticsStore, events: list[ev.Event], name: str, index: DedupeIndex | None = None
) -> tuple[int, int]:
    """Write the new events' rows as part files called `name`; (rows written, duplicates).

    New: neither earlier in the batch nor in the store's id index (`measurement.dedupe`).
    Shared by the disk-log loader and the Kafka loader (`jarnama.tracking.kafka_loader`).
    """
    if index is None:
        with DedupeIndex(store) as opened:
            return write_events(store, events, name, opened)
    with index.batch(name, events) as fresh:
        grouped: dict[tuple[str, dt.date], list[dict[str, Any]]] = defaultdict(list)
        for event in fresh:
            table, event_rows = rows_of(event)
            grouped[(table, ev.day_of(event))].extend(event_rows)
        for (table, day), table_rows in grouped.items():
            store.write(table, day, name, pa.Table.from_pylist(table_rows, SCHEMAS[table]))
    return sum(len(r) for r in grouped.values()), len(events) - len(fresh)

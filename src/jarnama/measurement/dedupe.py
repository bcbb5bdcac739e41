"""The loader's index of event ids already in the store, so a load costs what its batch costs.

A DuckDB file `_dedupe.duckdb` in the store holds one row per (table, event id) with the
event's day and the part file (batch) that brought it, keyed by an ART primary key: a batch's
ids go in with `INSERT … ON CONFLICT DO NOTHING RETURNING`, and what comes back is exactly the
new events — one index probe per event (~1.7 µs measured at 200,000 ids a batch, the same at
2 million ids held), never a read of earlier files.

Bounded: the index keeps the days from `INDEX_DAYS` before the newest loaded day (capped at
tomorrow by the clock, so a bogus future event cannot empty it) and is rebuilt without the
older days once they are `DEDUPE_DAYS` past that (DuckDB deletes from an ART slowly, ~40 µs a
row; a rebuild re-inserts the kept rows at ~1.5 µs). An event late enough that its +-8-day
window reaches a pruned day also reads the ids of those days' files, as the loader always did:
a cost only late events pay.

Exactly once with the part files: before a batch's files are written its name and (table, day)
pairs are committed as `pending`; the ids go in one transaction that also clears the pending
row and commits after the files are durable. A crash before that commit leaves the pending row:
the next open deletes those files (the caller replays the batch). A crash after it leaves ids
whose files exist; a disk loader that replays from an older checkpoint deletes both
(`forget_from`). One process at a time holds the index (an flock beside it).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from jarnama.tracking import events as ev

if TYPE_CHECKING:
    from jarnama.measurement.store import AnalyticsStore

# The store table each event kind goes to.
EVENT_TABLES: dict[type[ev.EventBase], str] = {
    ev.Impression: "impressions",
    ev.Click: "clicks",
    ev.Purchase: "purchase_lines",
    ev.AddToCart: "add_to_carts",
    ev.Play: "plays",
    ev.Conversion: "conversions",
    ev.Ghost: "ghosts",
    ev.Served: "served",
}


def table_of(event: ev.Event) -> str:
    """The store table an event goes to."""
    return EVENT_TABLES[type(event)]


DEDUPE_DAYS = 8  # duplicates within +-8 days of an event's day are always found
INDEX_DAYS = 3 * DEDUPE_DAYS  # days before the newest that the index always holds
_FILE = "_dedupe.duckdb"
_KEYS = pa.schema(
    [
        ("tbl", pa.string()),
        ("event_id", pa.string()),
        ("day", pa.date32()),
        ("batch", pa.string()),
    ]
)
_SEEN = """CREATE TABLE {name} (
  tbl VARCHAR NOT NULL, event_id VARCHAR NOT NULL, day DATE NOT NULL, batch VARCHAR NOT NULL,
  PRIMARY KEY (tbl, event_id))"""


class DedupeIndex:
    """The store's event-id index, open for one loader run (use as a context manager)."""

    def __init__(self, store: AnalyticsStore) -> None:
        """The index of `store` (opened by `with`)."""
        self.store = store
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock: IO[str] | None = None
        self.pruned_before = dt.date.min  # every id of this day or later is in the index
        self.newest = dt.date.min

    def __enter__(self) -> DedupeIndex:
        """Take the lock, open (or create and fill) the index, finish an interrupted batch."""
        self.store.root.mkdir(parents=True, exist_ok=True)
        self._lock = (self.store.root / ".dedupe.lock").open("a")
        fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX)
        try:
            self._con = duckdb.connect(str(self.store.root / _FILE))
            self._open()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        """Close the index and release the lock."""
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._lock is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The open connection."""
        if self._con is None:
            raise RuntimeError("the dedupe index is not open")
        return self._con

    def _open(self) -> None:
        con = self.con
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        if "meta" not in tables:
            con.begin()
            con.execute(_SEEN.format(name="seen"))
            con.execute("CREATE TABLE pending (batch VARCHAR PRIMARY KEY, dirs VARCHAR NOT NULL)")
            con.execute("CREATE TABLE meta (newest DATE NOT NULL, pruned_before DATE NOT NULL)")
            con.execute("INSERT INTO meta VALUES (DATE '0001-01-01', DATE '0001-01-01')")
            self._backfill()  # a store loaded before the index existed
            con.commit()
        row = con.execute("SELECT newest, pruned_before FROM meta").fetchone()
        assert row is not None
        self.newest, self.pruned_before = row
        for batch, dirs in con.execute("SELECT batch, dirs FROM pending").fetchall():
            self._delete_files(str(batch), json.loads(dirs))  # its ids never committed
            con.execute("DELETE FROM pending WHERE batch = ?", [batch])
        self._prune()

    def _backfill(self) -> None:
        for table in sorted(set(EVENT_TABLES.values())):
            files = self.store.files(table)
            if not files:
                continue
            listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            self.con.execute(
                f"""INSERT INTO seen SELECT '{table}', event_id, day, parse_filename(filename)
                FROM read_parquet([{listing}], filename = true) ON CONFLICT DO NOTHING"""
            )
        newest = self.con.execute("SELECT MAX(day) FROM seen").fetchone()
        if newest is not None and newest[0] is not None:
            self.con.execute("UPDATE meta SET newest = ?", [newest[0]])

    def _prune(self) -> None:
        """Rebuild without the days before the horizon once they are DEDUPE_DAYS past it."""
        horizon = self.newest - dt.timedelta(days=INDEX_DAYS) if self.newest > dt.date.min else None
        if horizon is None or (horizon - self.pruned_before).days < DEDUPE_DAYS:
            return
        con = self.con
        con.begin()
        con.execute(_SEEN.format(name="seen_next"))
        con.execute("INSERT INTO seen_next SELECT * FROM seen WHERE day >= ?", [horizon])
        con.execute("DROP TABLE seen")
        con.execute("ALTER TABLE seen_next RENAME TO seen")
        con.execute("UPDATE meta SET pruned_before = ?", [horizon])
        con.commit()
        self.pruned_before = horizon

    def held(self) -> int:
        """How many ids the index holds."""
        row = self.con.execute("SELECT COUNT(*) FROM seen").fetchone()
        return int(row[0]) if row else 0

    def forget_from(self, prefix: str, first: str) -> None:
        """Drop the ids of a lane's batches named `first` or later (an interrupted run's)."""
        self.con.execute(
            "DELETE FROM seen WHERE starts_with(batch, ?) AND length(batch) = ? AND batch >= ?",
            [prefix, len(first), first],
        )

    def _delete_files(self, batch: str, dirs: list[list[str]]) -> None:
        for table, day in dirs:
            path = self.store.day_dir(table, dt.date.fromisoformat(day)) / batch
            path.unlink(missing_ok=True)

    @contextmanager
    def batch(self, name: str, events: list[ev.Event]) -> Iterator[list[ev.Event]]:
        """The batch's new events; its ids are committed when the block (writing files) ends."""
        con = self.con
        dirs = sorted({(table_of(e), ev.day_of(e).isoformat()) for e in events})
        con.execute("INSERT INTO pending VALUES (?, ?)", [name, json.dumps(dirs)])
        con.begin()
        try:
            fresh = self._claim(name, events)
            yield fresh
            con.execute("DELETE FROM pending WHERE batch = ?", [name])
            con.commit()
        except BaseException:
            con.rollback()
            self._delete_files(name, [list(d) for d in dirs])
            con.execute("DELETE FROM pending WHERE batch = ?", [name])
            raise

    def _claim(self, name: str, events: list[ev.Event]) -> list[ev.Event]:
        known = self._late_known(events)
        keyed: dict[tuple[str, str], ev.Event] = {}
        for event in events:
            key = (table_of(event), event.id)
            if key not in keyed and key not in known:
                keyed[key] = event  # the first of the batch's copies
        if not keyed:
            return []
        days = [ev.day_of(e) for e in keyed.values()]
        rows = pa.table(
            [
                [k[0] for k in keyed],
                [k[1] for k in keyed],
                pa.array(days, pa.date32()),
                [name] * len(keyed),
            ],
            schema=_KEYS,
        )
        con = self.con
        con.register("batch_keys", rows)
        try:
            inserted = con.execute(
                "INSERT INTO seen SELECT * FROM batch_keys ON CONFLICT DO NOTHING "
                "RETURNING tbl, event_id"
            ).fetchall()
        finally:
            con.unregister("batch_keys")
        newest = min(max(days), dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1))
        if newest > self.newest:
            con.execute("UPDATE meta SET newest = ?", [newest])
            self.newest = newest
        new = {(str(t), str(i)) for t, i in inserted}
        return [event for key, event in keyed.items() if key in new]

    def _late_known(self, events: list[ev.Event]) -> set[tuple[str, str]]:
        """Ids in the files of pruned days within +-8 days of a late event's day."""
        if self.pruned_before == dt.date.min:
            return set()
        window: dict[str, set[dt.date]] = defaultdict(set)
        for event in events:
            day = ev.day_of(event)
            first = day - dt.timedelta(days=DEDUPE_DAYS)
            while first < self.pruned_before and first <= day + dt.timedelta(days=DEDUPE_DAYS):
                window[table_of(event)].add(first)
                first += dt.timedelta(days=1)
        known: set[tuple[str, str]] = set()
        for table, days in window.items():
            for path in self.store.files(table, sorted(days)):
                ids = pq.read_table(path, columns=["event_id"]).column("event_id").to_pylist()
                known.update((table, str(i)) for i in ids)
        return known

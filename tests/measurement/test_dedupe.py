"""The loader's id index: duplicates found without reading history, bounded, crash-safe."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from jarnama.measurement.dedupe import DEDUPE_DAYS, INDEX_DAYS, DedupeIndex
from jarnama.measurement.store import AnalyticsStore, LogLoader
from jarnama.tracking import events as ev
from jarnama.tracking.log import SegmentLog

from ..tracking.helpers import T0, ad, purchase


def _count(store: AnalyticsStore, table: str) -> tuple[int, int]:
    files = [str(f) for f in store.files(table)]
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT event_id) FROM read_parquet({files!r})"
        ).fetchall()
    return int(rows[0][0]), int(rows[0][1])


def _load(root: Path, events: list[ev.Event]) -> tuple[int, int]:
    """Append to the log, load; (records read, duplicates dropped)."""
    log = SegmentLog(root / "log")
    log.append([ev.encode(e) for e in events])
    log.close()
    result = LogLoader(root / "log", AnalyticsStore(root / "store")).run()
    return result.records, result.duplicates


def test_the_same_event_weeks_of_loads_later_is_still_counted_once(tmp_path: Path) -> None:
    store = AnalyticsStore(tmp_path / "store")
    first = purchase("p-first", T0)
    assert _load(tmp_path, [first]) == (1, 0)
    # Forty days of traffic after it, a load every four days: the index prunes the oldest days.
    for first_day in range(1, 41, 4):
        loaded: list[ev.Event] = []
        for day in range(first_day, first_day + 4):
            at = T0 + dt.timedelta(days=day)
            loaded += [purchase(f"p{day}-{n}", at) for n in range(5)]
            loaded.append(ev.Click(id=f"c{day}", at=at, ad=ad(f"b{day}")))
        assert _load(tmp_path, loaded) == (24, 0)
    with DedupeIndex(store) as index:
        assert index.newest == (T0 + dt.timedelta(days=40)).date()
        assert index.pruned_before > T0.date()  # the first day left the index …
        horizon = index.newest - dt.timedelta(days=INDEX_DAYS + DEDUPE_DAYS)
        assert index.pruned_before >= horizon  # … and it holds at most 32 days of ids
        assert index.held() <= 6 * (INDEX_DAYS + DEDUPE_DAYS)

    # The very first event again (a client's retry, weeks late), and a copy stamped 5 days on.
    late = purchase("p-first", T0 + dt.timedelta(days=5))
    recent = purchase("p35-2", T0 + dt.timedelta(days=35))  # a day the index still holds
    assert _load(tmp_path, [first, late, recent]) == (3, 3)
    assert _count(store, "purchase_lines") == (201, 201)
    assert _count(store, "clicks") == (40, 40)


def test_the_index_answers_without_reading_earlier_files(tmp_path: Path) -> None:
    store = AnalyticsStore(tmp_path / "store")
    events: list[ev.Event] = [purchase(f"p{n}", T0 + dt.timedelta(hours=n)) for n in range(30)]
    assert _load(tmp_path, events) == (30, 0)
    # The files are gone (moved to cold storage, say): the duplicates are found all the same.
    for path in store.files("purchase_lines"):
        path.unlink()
    assert _load(tmp_path, events[:10]) == (10, 10)
    assert store.files("purchase_lines") == []


def test_a_store_loaded_before_the_index_existed_is_indexed_on_first_open(
    tmp_path: Path,
) -> None:
    store = AnalyticsStore(tmp_path / "store")
    events: list[ev.Event] = [purchase(f"p{n}", T0 + dt.timedelta(days=n % 4)) for n in range(12)]
    assert _load(tmp_path, events) == (12, 0)
    for leftover in store.root.glob("_dedupe.duckdb*"):
        leftover.unlink()  # an older version's store: part files only
    assert _load(tmp_path, [events[3], purchase("p-new", T0)]) == (2, 1)
    assert _count(store, "purchase_lines") == (13, 13)


def test_a_loader_killed_after_writing_files_but_before_the_ids_commit_leaves_nothing(
    tmp_path: Path,
) -> None:
    store = AnalyticsStore(tmp_path / "store")
    assert _load(tmp_path, [purchase("p0", T0)]) == (1, 0)
    # A separate process writes a batch's files inside the index's batch and dies (os._exit:
    # no rollback, no clean-up), as a SIGKILL would leave it.
    script = textwrap.dedent(
        f"""
        import os, sys
        from jarnama.measurement.dedupe import DedupeIndex
        from jarnama.measurement.store import AnalyticsStore, rows_of, SCHEMAS
        from tests.tracking.helpers import T0, purchase
        import pyarrow as pa
        store = AnalyticsStore({str(store.root)!r})
        events = [purchase("p1", T0), purchase("p2", T0)]
        with DedupeIndex(store) as index, index.batch("part-k0-crash.parquet", events) as fresh:
            rows = [r for e in fresh for r in rows_of(e)[1]]
            table = pa.Table.from_pylist(rows, SCHEMAS["purchase_lines"])
            store.write("purchase_lines", T0.date(), "part-k0-crash.parquet", table)
            sys.stdout.flush()
            os._exit(9)
        """
    )
    killed = subprocess.run(
        [sys.executable, "-c", script], cwd=Path(__file__).parents[2], check=False, timeout=60
    )
    assert killed.returncode == 9
    assert len(store.files("purchase_lines")) == 2  # the dead batch's file is there
    # The next open deletes it (its ids never committed), and the batch loads once.
    assert _load(tmp_path, [purchase("p1", T0), purchase("p2", T0)]) == (2, 0)
    assert _count(store, "purchase_lines") == (3, 3)
    assert not any("crash" in path.name for path in store.files("purchase_lines"))

"""The loader moves the log into the store exactly once: idempotent, resumable after a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import duckdb
import pytest

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


def test_loading_twice_and_duplicates_in_the_log_count_once(tmp_path: Path) -> None:
    log = SegmentLog(tmp_path / "log")
    events: list[ev.Event] = [purchase(f"p{i}", T0 + dt.timedelta(hours=i)) for i in range(50)]
    events += [ev.Click(id=f"c{i}", at=T0, ad=ad(f"b{i}")) for i in range(20)]
    log.append([ev.encode(e) for e in events])
    store = AnalyticsStore(tmp_path / "store")
    first = LogLoader(tmp_path / "log", store).run(batch_records=16)
    assert (first.records, first.duplicates) == (70, 0)
    assert LogLoader(tmp_path / "log", store).run().records == 0
    # The same purchase again 6 days later in the log (a retry the intake did not catch).
    log.append([ev.encode(purchase("p3", T0 + dt.timedelta(hours=3)))])
    log.append([ev.encode(ev.Click(id="c-new", at=T0 + dt.timedelta(days=6), ad=ad("bn")))])
    log.close()
    again = LogLoader(tmp_path / "log", store).run()
    assert (again.records, again.duplicates) == (2, 1)
    assert _count(store, "purchase_lines") == (50, 50)
    assert _count(store, "clicks") == (21, 21)


def test_a_crash_between_files_and_checkpoint_repeats_the_batch_never_doubles(
    tmp_path: Path,
) -> None:
    log = SegmentLog(tmp_path / "log")
    log.append([ev.encode(purchase(f"p{i}", T0 + dt.timedelta(days=i % 3))) for i in range(30)])
    log.close()
    store = AnalyticsStore(tmp_path / "store")
    loader = LogLoader(tmp_path / "log", store)
    with (
        mock.patch.object(LogLoader, "_save", side_effect=OSError("killed")),
        pytest.raises(OSError, match="killed"),
    ):
        loader.run(batch_records=10)
    assert loader.checkpoint().seq == 0
    assert store.files("purchase_lines")  # files of the interrupted batch are there
    result = LogLoader(tmp_path / "log", store).run(batch_records=10)
    assert (result.records, result.duplicates, result.batches) == (30, 0, 3)
    assert _count(store, "purchase_lines") == (30, 30)

"""Several writers of one log directory take lanes; the loader reads every lane exactly once."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
import pytest

from jarnama.config import Settings
from jarnama.measurement.store import AnalyticsStore, LogLoader
from jarnama.tracking import events as ev
from jarnama.tracking.log import LogBusy, SegmentLog, lanes, open_lane, read_log
from jarnama.tracking.service import EventIntake, Verdict

from .helpers import purchase


def _ids(store: AnalyticsStore) -> Counter[str]:
    ids: Counter[str] = Counter()
    for path in store.files("purchase_lines"):
        ids.update(pq.read_table(path, columns=["event_id"]).column("event_id").to_pylist())
    return ids


def test_a_second_writer_gets_the_next_free_lane(tmp_path: Path) -> None:
    first = open_lane(tmp_path)
    second = open_lane(tmp_path)
    assert (first.directory, second.directory) == (tmp_path, tmp_path / "lane-1")
    with pytest.raises(LogBusy, match="another process"):
        SegmentLog(tmp_path / "lane-1")
    first.close()
    third = open_lane(tmp_path)  # lane 0 is free again
    assert third.directory == tmp_path
    second.close()
    third.close()
    assert lanes(tmp_path) == [tmp_path, tmp_path / "lane-1"]


def test_the_lock_is_held_across_processes_and_freed_when_the_holder_dies(
    tmp_path: Path,
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from jarnama.tracking.log import SegmentLog; "
         f"log = SegmentLog({str(tmp_path)!r}); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LogBusy):
            SegmentLog(tmp_path)
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()
    SegmentLog(tmp_path).close()  # the kernel released the dead holder's lock


def test_the_loader_reads_every_lane_once_and_drops_a_retry_sent_to_another_lane(
    tmp_path: Path,
) -> None:
    settings = Settings(_env_file=None, events={"log_dir": str(tmp_path / "log")})
    worker_a = EventIntake.from_settings(settings)
    worker_b = EventIntake.from_settings(settings)  # a second server process
    assert worker_a.submit([purchase("p1"), purchase("p2")]) == [Verdict.ACCEPTED] * 2
    # The client's retry of p2 reaches the other worker, which has not seen it.
    assert worker_b.submit([purchase("p2"), purchase("p3")]) == [Verdict.ACCEPTED] * 2
    store = AnalyticsStore(tmp_path / "store")
    first = LogLoader(tmp_path / "log", store).run()
    assert (first.records, first.duplicates) == (4, 1)
    assert _ids(store) == Counter({"p1": 1, "p2": 1, "p3": 1})

    worker_b.submit([purchase("p4")])
    # A crash after lane-1's part file and before its checkpoint: the batch is repeated.
    with (
        mock.patch.object(LogLoader, "_save", side_effect=OSError("killed")),
        pytest.raises(OSError, match="killed"),
    ):
        LogLoader(tmp_path / "log", store).run()
    again = LogLoader(tmp_path / "log", store).run()
    assert (again.records, again.duplicates) == (1, 0)
    assert _ids(store) == Counter({"p1": 1, "p2": 1, "p3": 1, "p4": 1})
    assert LogLoader(tmp_path / "log", store).run().records == 0
    worker_a.close()
    worker_b.close()

    # A restarted process knows the ids of every lane.
    restarted = EventIntake.from_settings(settings)
    assert restarted.submit([purchase("p3"), purchase("p1")]) == [Verdict.DUPLICATE] * 2
    restarted.close()
    logged = [ev.decode(r.payload).id for lane in lanes(tmp_path / "log") for r in read_log(lane)]
    assert sorted(logged) == ["p1", "p2", "p2", "p3", "p4"]


def test_the_load_command_reads_every_lane_of_the_disk_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from jarnama.cli import app

    first, second = open_lane(tmp_path / "log"), open_lane(tmp_path / "log")
    first.append([ev.encode(purchase("p1"))])
    second.append([ev.encode(purchase("p2")), ev.encode(purchase("p1"))])
    first.close()
    second.close()
    monkeypatch.setenv("JARNAMA_EVENTS__LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("JARNAMA_MEASUREMENT__STORE_DIR", str(tmp_path / "store"))
    result = CliRunner().invoke(app, ["events", "load"])
    assert result.exit_code == 0, result.output
    assert "3 events read from the disk log: 2 rows written, 1 duplicates" in result.output
    assert _ids(AnalyticsStore(tmp_path / "store")) == Counter({"p1": 1, "p2": 1})

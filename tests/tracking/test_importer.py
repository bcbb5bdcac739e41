"""Historic purchases from CSV and Parquet: grouped by order, per-row errors, safe to re-run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from jarnama.cli import app
from jarnama.tracking import events as ev
from jarnama.tracking.importer import ImportFileError, import_purchases
from jarnama.tracking.ivt import InvalidTrafficFilter
from jarnama.tracking.log import SegmentLog, read_log
from jarnama.tracking.service import EventIntake

CSV = """order_id,at,sku,quantity,unit_price,channel,store_code,user_id
A-1,2025-11-03T18:20:00+05:00,4870001,2,899.90,store,ALA-01,card-7
A-1,2025-11-03T18:20:00+05:00,4870002,1,450,store,ALA-01,card-7
A-2,2025-11-04T09:00:00+05:00,4870003,zero,100,store,ALA-02,
A-3,2025-11-04T10:00:00,4870003,1,100,online,,card-8
A-4,2025-11-05T10:00:00+05:00,4870004,3,12.345,online,,card-9
A-1,2025-11-06T10:00:00+05:00,4870005,1,100,store,ALA-01,card-7
"""


def _intake(directory: Path) -> EventIntake:
    intake = EventIntake(SegmentLog(directory), InvalidTrafficFilter([], 30))
    intake.remember_log(directory, 8 * 86400)
    return intake


def _logged(directory: Path) -> list[ev.Event]:
    return [ev.decode(r.payload) for r in read_log(directory)]


def test_csv_orders_become_purchases_and_bad_rows_name_their_line_and_field(
    tmp_path: Path,
) -> None:
    source = tmp_path / "history.csv"
    source.write_text(CSV, encoding="utf-8")
    intake = _intake(tmp_path / "log")
    seen: list[int] = []
    tally = import_purchases(intake, source, batch_size=1, progress=seen.append)
    intake.close()
    assert (tally.rows, tally.purchases, tally.accepted, tally.lines) == (6, 2, 2, 3)
    assert [(e.line, e.order_id, e.field) for e in tally.errors] == [
        (4, "A-2", "quantity"),  # header is line 1
        (5, "A-3", "at"),  # no UTC offset
        (7, "A-1", "order_id"),  # A-1 again, not next to its other rows
    ]
    assert seen[-1] == source.stat().st_size
    first, second = _logged(tmp_path / "log")
    assert isinstance(first, ev.Purchase)
    assert isinstance(second, ev.Purchase)
    assert first.id == "order:A-1"
    assert [(line.sku, line.quantity, line.unit_price_tiyn) for line in first.lines] == [
        ("4870001", 2, 89_990),
        ("4870002", 1, 45_000),
    ]
    assert (first.channel, first.store_code, first.user_id) == ("store", "ALA-01", "card-7")
    assert first.at == dt.datetime(2025, 11, 3, 13, 20, tzinfo=dt.UTC)
    assert second.lines[0].unit_price_tiyn == 1235  # 12.345 tenge, half up
    assert second.channel == "online"

    # A re-run (after a crash, or by mistake) adds nothing: every purchase is a duplicate.
    again = _intake(tmp_path / "log")
    rerun = import_purchases(again, source)
    again.close()
    assert (rerun.accepted, rerun.duplicates) == (0, 2)
    assert len(_logged(tmp_path / "log")) == 2


def test_parquet_rows_are_numbered_from_one(tmp_path: Path) -> None:
    at = dt.datetime(2025, 12, 1, 8, 0, tzinfo=dt.UTC)
    table = pa.table(
        {
            "order_id": ["P-1", "P-1", "P-2", "P-3"],
            "id": ["pos:1", "pos:1", "pos:2", "pos:3"],
            "at": pa.array([at, at, at, at], pa.timestamp("ms", tz="UTC")),
            "sku": ["S1", "S2", "", "S4"],
            "quantity": [1, 2, 1, 1],
            "unit_price_tiyn": [100_00, 250_00, 10, 10],
        }
    )
    source = tmp_path / "history.parquet"
    pq.write_table(table, source)
    intake = _intake(tmp_path / "log")
    tally = import_purchases(intake, source)
    intake.close()
    assert (tally.rows, tally.accepted, tally.lines) == (4, 2, 3)
    assert [(e.line, e.field) for e in tally.errors] == [(3, "sku")]
    assert [e.id for e in _logged(tmp_path / "log")] == ["pos:1", "pos:3"]


def test_a_file_without_the_needed_columns_is_refused_whole(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("order,at,sku\n1,2025-01-01T00:00:00Z,A\n", encoding="utf-8")
    intake = _intake(tmp_path / "log")
    with pytest.raises(ImportFileError, match="order_id, quantity, unit_price_tiyn or unit_price"):
        import_purchases(intake, source)
    with pytest.raises(ImportFileError, match=r"expected a \.csv or \.parquet"):
        import_purchases(intake, tmp_path / "x.json")
    intake.close()


def test_the_command_prints_a_summary_and_the_refused_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "history.csv"
    source.write_text(CSV, encoding="utf-8")
    monkeypatch.setenv("JARNAMA_EVENTS__LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("JARNAMA_DATABASE__URL", f"sqlite:///{tmp_path}/unused.db")
    runner = CliRunner()
    errors = tmp_path / "errors.csv"
    result = runner.invoke(
        app, ["events", "import-purchases", str(source), "--errors", str(errors)]
    )
    assert result.exit_code == 1, result.output
    assert "line 4 (order A-2): quantity:" in result.output
    assert errors.read_text().splitlines()[1].startswith("4,A-2,quantity,")
    assert len(_logged(tmp_path / "log")) == 2

    # Beside a server writing the log, the import takes the next lane and, knowing every
    # lane's ids, finds the purchases already there.
    holder = SegmentLog(tmp_path / "log")
    try:
        beside = runner.invoke(app, ["events", "import-purchases", str(source)])
    finally:
        holder.close()
    assert beside.exit_code == 1
    assert (tmp_path / "log" / "lane-1").is_dir()
    assert [r.payload for r in read_log(tmp_path / "log" / "lane-1")] == []
    assert "│    6 │         2 │        0 │          2 │" in beside.output

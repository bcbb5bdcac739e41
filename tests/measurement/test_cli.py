"""`jarnama report show` over the golden analytics store."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from jarnama.cli import app
from jarnama.measurement.store import AnalyticsStore

from .test_reports import END, START
from .test_reports import store as store  # the golden store fixture


@pytest.fixture
def runner(store: AnalyticsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner reading the golden store, outside the developer's environment."""
    for name in list(os.environ):
        if name.startswith("JARNAMA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "240")
    monkeypatch.setenv("JARNAMA_MEASUREMENT__STORE_DIR", str(store.root))
    return CliRunner()


def test_report_prints_a_table_and_writes_parquet(runner: CliRunner, tmp_path: Path) -> None:
    span = ["--from", START.isoformat(), "--to", END.isoformat()]
    shown = runner.invoke(app, ["report", "show", *span, "--by", "campaign"])
    assert shown.exit_code == 0, shown.output
    assert "Report by campaign" in shown.output
    assert "ROAS" in shown.output
    assert "same SKU ₸" in shown.output
    wide = runner.invoke(app, ["report", "show", *span, "--by", "campaign", "--wide"])
    assert wide.exit_code == 0, wide.output
    assert "sales_sku_tiyn" in wide.output
    target = tmp_path / "r.parquet"
    written = runner.invoke(app, ["report", "show", *span, "--by", "day", "--out", str(target)])
    assert written.exit_code == 0, written.output
    assert pq.read_table(target).column_names[0] == "day"
    backwards = runner.invoke(app, ["report", "show", "--from", "2026-02-02", "--to", "2026-02-01"])
    assert backwards.exit_code != 0


def test_report_chart_writes_a_png(runner: CliRunner, tmp_path: Path) -> None:
    from PIL import Image

    target = tmp_path / "spend.png"
    span = ["--from", START.isoformat(), "--to", END.isoformat()]
    drawn = runner.invoke(
        app, ["report", "chart", *span, "--account", "1000", "--out", str(target)]
    )
    assert drawn.exit_code == 0, drawn.output
    assert "written to" in drawn.output
    with Image.open(target) as image:
        assert image.format == "PNG"
        assert image.size == (1000, 480)

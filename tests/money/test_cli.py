"""`jarnama rates import | show | convert` against a real SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jarnama.cli import app
from tests.money.conftest import SAMPLE


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner on a migrated SQLite file, outside the developer's environment."""
    for name in list(os.environ):
        if name.startswith("JARNAMA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JARNAMA_DATABASE__URL", f"sqlite:///{tmp_path}/cli.db")
    cli = CliRunner()
    assert cli.invoke(app, ["db", "upgrade"]).exit_code == 0
    return cli


def test_import_show_convert(runner: CliRunner) -> None:
    first = runner.invoke(app, ["rates", "import", str(SAMPLE)])
    assert first.exit_code == 0, first.output
    assert "rates of 2026-01-15 — 3 new, 0 updated, 0 unchanged, 14 other" in first.output

    again = runner.invoke(app, ["rates", "import", str(SAMPLE)])
    assert "0 new, 0 updated, 3 unchanged" in again.output

    shown = runner.invoke(app, ["rates", "show", "--on", "2026-01-16"])
    assert shown.exit_code == 0, shown.output
    assert "506.12" in shown.output
    assert "589.4" in shown.output

    converted = runner.invoke(app, ["rates", "convert", "100", "EUR", "KZT", "--on", "2026-01-15"])
    assert converted.exit_code == 0, converted.output
    assert "100 EUR = 58940.00 KZT" in converted.output


def test_errors_are_reported_without_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<rates><date>15.01.2026</date><item><title>USD</title></item></rates>")
    result = runner.invoke(app, ["rates", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.xml: <item> #1 (USD) has no <description> element" in result.output
    stale = runner.invoke(app, ["rates", "convert", "1", "USD", "KZT", "--on", "2026-01-15"])
    assert stale.exit_code == 1
    assert "no USD rate on or before 2026-01-15" in stale.output

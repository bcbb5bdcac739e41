"""`jarnama exchange report` on a real migrated SQLite file: a rich table, or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jarnama.cli import app
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.migrate import upgrade
from jarnama.core.money import Currency
from jarnama.exchange.adapters import AdapterResult
from jarnama.exchange.auction import Approval, AuctionInput, run_auction
from jarnama.exchange.core import BidderOutcome, ExchangeAuction
from jarnama.exchange.reports import record_auction
from jarnama.tenancy.models import AccountKind
from tests.exchange.samples import RATES, screen
from tests.exchange.test_approvals import bid
from tests.factories import account

AT = dt.datetime(2030, 6, 4, 14, 0, tzinfo=dt.UTC)
RATES_USD = Currency.USD


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI on a migrated database holding two recorded auctions of one media owner."""
    url = f"sqlite:///{tmp_path / 'exchange.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_sessionmaker(engine)) as session:
        owner = account(session, "Almaty Smartboards", kind=AccountKind.MEDIA_OWNER)
        session.flush()
        board = screen(account_id=owner.id)
        for name, answers in (("c-1", [bid("alpha"), bid("beta", "4.00")]), ("c-2", [])):
            result = run_auction(
                AuctionInput(
                    auction_id=name,
                    imp_id="1",
                    screen=board,
                    plays_at=AT,
                    bids=answers,
                    bidder_currency={"alpha": RATES_USD, "beta": RATES_USD},
                    bidder_order={"alpha": 0, "beta": 1},
                    pricing="second_price",
                    day=AT.date(),
                    approval=lambda b: Approval.APPROVED,
                ),
                RATES,
            )
            outcomes = (
                BidderOutcome("alpha", "bids", AdapterResult(bids=tuple(answers[:1])))
                if answers
                else BidderOutcome("alpha", "timeout"),
                BidderOutcome("beta", "bids", AdapterResult(bids=tuple(answers[1:])))
                if answers
                else BidderOutcome("beta", "no_bid"),
            )
            record_auction(session, board, ExchangeAuction(name, {}, outcomes, result, 9.0), now=AT)
    engine.dispose()
    for name in list(os.environ):
        if name.startswith("JARNAMA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "240")
    monkeypatch.setenv("JARNAMA_DATABASE__URL", url)
    return CliRunner()


def test_the_report_prints_a_table_and_writes_csv(runner: CliRunner, tmp_path: Path) -> None:
    span = ["--from", "2030-06-04", "--to", "2030-06-05"]
    shown = runner.invoke(app, ["exchange", "report", *span, "--by", "bidder"])
    assert shown.exit_code == 0, shown.output
    assert "Exchange report by bidder, 2030-06-04 – 2030-06-05" in shown.output
    lines = [line for line in shown.output.splitlines() if line.strip().startswith("│")]
    alpha = next(line for line in lines if " alpha " in line)
    assert [cell.strip() for cell in alpha.split("│")[2:9]] == ["2", "2", "1", "1", "0", "1", "0"]
    target = tmp_path / "by-day.csv"
    written = runner.invoke(app, ["exchange", "report", *span, "--out", str(target)])
    assert written.exit_code == 0, written.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["day"], r["auctions"], r["wins"]) for r in rows] == [
        ("2030-06-04", "2", "1"),
        ("total", "2", "1"),
    ]
    backwards = runner.invoke(
        app, ["exchange", "report", "--from", "2030-06-05", "--to", "2030-06-04"]
    )
    assert backwards.exit_code == 2
    assert "--to is before --from" in backwards.output

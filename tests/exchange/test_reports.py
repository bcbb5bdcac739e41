"""Exchange reports from recorded auctions and billed plays: every dimension, totals that add up,
tenant scope, CSV."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.core.money import Currency
from jarnama.exchange.adapters import AdapterResult, TypedBid
from jarnama.exchange.auction import Approval, AuctionInput, run_auction
from jarnama.exchange.core import BidderOutcome, ExchangeAuction
from jarnama.exchange.models import Screen
from jarnama.exchange.ops_models import BidRecord, Creative
from jarnama.exchange.player import billing_row, record_lease
from jarnama.exchange.player_models import PlayBilling
from jarnama.exchange.reports import Dimension, ReportFilter, build_report, record_auction
from jarnama.exchange.settings import ExchangeSettings
from jarnama.exchange.snapshot import ScreenSnapshot, screen_snapshot
from tests.exchange.helpers import Owners, screen_payload
from tests.exchange.samples import RATES, deal

P = "/api/v1/exchange/reports"
DAY1 = "2030-06-04"
DAY2 = "2030-06-05"
# 19:00 in Almaty on each day (no daypart floor).
AT1 = dt.datetime(2030, 6, 4, 14, 0, tzinfo=dt.UTC)
AT2 = dt.datetime(2030, 6, 5, 14, 0, tzinfo=dt.UTC)
SHARE = Decimal("0.15")


def _bid(bidder: str, price: str, **overrides: Any) -> TypedBid:
    base = TypedBid(
        bidder=bidder,
        seat=f"{bidder}-seat",
        bid_id=f"{bidder}-1",
        imp_id="1",
        price=Decimal(price),
        currency="USD",
        adm="<img src='https://cdn.example/a.jpg'>",
        crid=f"{bidder}-creative",
        adomain=("shoro.kz",),
        w=1920,
        h=1080,
        mtype=1,
    )
    return dataclasses.replace(base, **overrides)


def _approval(bid: TypedBid) -> Approval:
    return Approval.PENDING if bid.crid == "unreviewed" else Approval.APPROVED


def _auction(
    board: ScreenSnapshot, name: str, at: dt.datetime, answers: dict[str, list[TypedBid] | str]
) -> ExchangeAuction:
    """An auction as the core ends it: each bidder's answer (bids or a status), the result."""
    bids = [b for value in answers.values() if isinstance(value, list) for b in value]
    result = run_auction(
        AuctionInput(
            auction_id=name,
            imp_id="1",
            screen=board,
            plays_at=at,
            bids=bids,
            bidder_currency=dict.fromkeys(answers, Currency.USD),
            bidder_order={code: i for i, code in enumerate(answers)},
            pricing="second_price",
            day=at.date(),
            approval=_approval,
        ),
        RATES,
    )
    outcomes = tuple(
        BidderOutcome(code, "bids", AdapterResult(bids=tuple(v)), 12.0)
        if isinstance(v, list)
        else BidderOutcome(code, v, latency_ms=12.0)  # type: ignore[arg-type]
        for code, v in answers.items()
    )
    return ExchangeAuction(name, {}, outcomes, result, 15.0)


@dataclasses.dataclass
class World:
    """Owner A's two screens, owner B's one, and what was recorded on them."""

    s1: ScreenSnapshot
    s2: ScreenSnapshot
    s3: ScreenSnapshot
    plays: list[PlayBilling]


def _snapshot(session: Session, screen_id: int, **overrides: Any) -> ScreenSnapshot:
    row = session.get(Screen, screen_id)
    assert row is not None
    return dataclasses.replace(screen_snapshot(row, "owner"), **overrides)


def _play(
    session: Session, board: ScreenSnapshot, auction: ExchangeAuction, at: dt.datetime
) -> PlayBilling:
    lease = record_lease(session, board, auction, at, ExchangeSettings(), source="player")
    row = billing_row(lease, at + dt.timedelta(seconds=10), SHARE)
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def world(client: TestClient, session: Session, owners: Owners) -> World:
    """Four auctions over two days; three proven plays."""
    ids = []
    for code, caller in (("R-1", owners.a), ("R-2", owners.a), ("R-3", owners.b)):
        response = client.post(
            "/api/v1/exchange/screens",
            json=screen_payload(code, daypart_floors=[], blocked_categories=[]),
            headers=caller.headers,
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    s1 = _snapshot(session, ids[0])
    s2 = _snapshot(session, ids[1], deals=(deal("JRN-1", bidders=frozenset({"alpha"})),))
    s3 = _snapshot(session, ids[2])
    plays = []
    # Day 1, screen 1: alpha beats beta, gamma times out; the play is proven.
    first = _auction(
        s1,
        "a-1",
        AT1,
        {"alpha": [_bid("alpha", "5.00")], "beta": [_bid("beta", "4.00")], "gamma": "timeout"},
    )
    record_auction(session, s1, first, now=AT1)
    plays.append(_play(session, s1, first, AT1))
    # Day 1, screen 1: alpha's new creative waits for review, beta has no bid: unfilled.
    second = _auction(
        s1, "a-2", AT1, {"alpha": [_bid("alpha", "6.00", crid="unreviewed")], "beta": "no_bid"}
    )
    record_auction(session, s1, second, now=AT1)
    # Day 2, screen 2: alpha wins on the deal; beta's open bid loses to the deal.
    third = _auction(
        s2,
        "a-3",
        AT2,
        {"alpha": [_bid("alpha", "5.00", dealid="JRN-1")], "beta": [_bid("beta", "7.00")]},
    )
    record_auction(session, s2, third, now=AT2)
    plays.append(_play(session, s2, third, AT2))
    # Owner B's screen, day 2.
    fourth = _auction(s3, "a-4", AT2, {"alpha": [_bid("alpha", "8.00")]})
    record_auction(session, s3, fourth, now=AT2)
    plays.append(_play(session, s3, fourth, AT2))
    return World(s1, s2, s3, plays)


def _get(client: TestClient, caller: Any, **params: Any) -> dict[str, Any]:
    response = client.get(
        P, params={"since": DAY1, "until": DAY2, **params}, headers=caller.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _rows(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in body["rows"]}


COUNTS = ("auctions", "bid_requests", "bids", "wins", "no_bids", "timeouts", "errors", "plays")


def _counts(row: dict[str, Any]) -> tuple[Any, ...]:
    return (*(row[name] for name in COUNTS), row["rejections"])


def test_report_by_day_screen_bidder_and_deal(
    client: TestClient, world: World, owners: Owners
) -> None:
    a = owners.a
    by_day = _rows(_get(client, a, group_by="day"))
    # auctions, requests, bids, wins, no-bids, timeouts, errors, plays, refusals
    assert _counts(by_day["2030-06-04"]) == (2, 5, 3, 1, 1, 1, 0, 1, {"201": 1})
    assert _counts(by_day["2030-06-05"]) == (1, 2, 2, 1, 0, 0, 0, 1, {})
    by_screen = _rows(_get(client, a, group_by="screen"))
    assert set(by_screen) == {str(world.s1.id), str(world.s2.id)}
    by_bidder = _rows(_get(client, a, group_by="bidder"))
    assert _counts(by_bidder["alpha"]) == (3, 3, 3, 2, 0, 0, 0, 2, {"201": 1})
    assert _counts(by_bidder["beta"]) == (3, 3, 2, 0, 1, 0, 0, 0, {})
    assert _counts(by_bidder["gamma"]) == (1, 1, 0, 0, 0, 1, 0, 0, {})
    by_deal = _rows(_get(client, a, group_by="deal"))
    assert _counts(by_deal["JRN-1"]) == (1, 0, 1, 1, 0, 0, 0, 1, {})
    assert _counts(by_deal["open"]) == (3, 0, 4, 1, 0, 0, 0, 1, {"201": 1})
    # The losing open bid on the deal screen was recorded with "lost to a PMP deal".
    assert by_bidder["alpha"]["spend_kzt"] == str(world.plays[0].cost_kzt + world.plays[1].cost_kzt)


def test_money_adds_up_and_every_dimension_has_the_same_totals(
    client: TestClient, world: World, owners: Owners
) -> None:
    reports = {by.value: _get(client, owners.a, group_by=by.value) for by in Dimension}
    totals = {name: report["totals"] for name, report in reports.items()}
    assert len({str(sorted(t.items())) for t in totals.values()}) == 1
    total = totals["day"]
    mine = world.plays[:2]
    assert Decimal(total["spend_kzt"]) == sum(p.cost_kzt for p in mine)
    assert Decimal(total["owner_kzt"]) + Decimal(total["exchange_kzt"]) == Decimal(
        total["spend_kzt"]
    )
    assert Decimal(total["exchange_kzt"]) == sum(p.cost_kzt for p in mine) * SHARE
    for name in ("plays", "wins", "bids"):
        assert sum(row[name] for row in reports["day"]["rows"]) == total[name]


def test_a_media_owner_sees_only_its_screens(
    client: TestClient, world: World, owners: Owners
) -> None:
    b_rows = _rows(_get(client, owners.b, group_by="screen"))
    assert list(b_rows) == [str(world.s3.id)]
    admin = _rows(_get(client, owners.admin, group_by="screen"))
    assert set(admin) == {str(world.s1.id), str(world.s2.id), str(world.s3.id)}
    foreign = client.get(
        P,
        params={"since": DAY1, "until": DAY2, "screen_id": world.s1.id},
        headers=owners.b.headers,
    )
    assert foreign.status_code == 404
    assert foreign.json()["field"] == "screen_id"
    assert _get(client, owners.advertiser)["rows"] == []
    backwards = client.get(P, params={"since": DAY2, "until": DAY1}, headers=owners.a.headers)
    assert (backwards.status_code, backwards.json()["field"]) == (400, "until")


def test_csv_export_has_a_row_per_group_and_totals(
    client: TestClient, world: World, owners: Owners
) -> None:
    response = client.get(
        f"{P}/csv",
        params={"since": DAY1, "until": DAY2, "group_by": "bidder"},
        headers=owners.a.headers,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["bidder"] for r in rows] == ["alpha", "beta", "gamma", "total"]
    assert rows[0]["rejected_201_pending_approval"] == "1"
    assert Decimal(rows[-1]["spend_kzt"]) == sum(p.cost_kzt for p in world.plays[:2])


def test_recording_keeps_every_bid_and_queues_unreviewed_creatives(
    session: Session, world: World
) -> None:
    outcomes = {(r.bidder, r.outcome, r.loss) for r in session.scalars(select(BidRecord)).all()}
    assert ("beta", "lost", 103) in outcomes  # lost to the PMP deal
    assert ("alpha", "rejected", 201) in outcomes
    [queued] = session.scalars(select(Creative)).all()
    assert (queued.crid, queued.account_id) == ("unreviewed", world.s1.account_id)
    flt = ReportFilter(
        dt.date(2030, 6, 4), dt.date(2030, 6, 5), frozenset({world.s1.account_id}), bidder="gamma"
    )
    assert set(build_report(session, Dimension.DAY, flt)) == {"2030-06-04"}

"""Exchange reports per screen, bidder, deal and day, from the persisted auction and play records.

`record_auction` writes what one auction did (its record, every bidder's answer, every bid with
its outcome or OpenRTB loss reason) and queues creatives the owner has not reviewed yet; the
entry points that run auctions call it in the request's unit of work. Plays and money come from
the billing rows of proven plays (`PlayBilling`, exact decimals).

What a row counts, by dimension:
- day, screen: auctions run; bid requests sent; their no-bids, timeouts and errors; bids;
  refused bids by loss reason; auctions won; plays, spend and its split.
- bidder: auctions the bidder was offered (its bid requests); the rest as above, its own.
- deal: auctions with a bid on the deal; bids, refusals, wins and plays on it (bid requests,
  no-bids and timeouts belong to no deal and are 0). Open-market bids are the row "open".
A media owner sees only its own screens' rows; a network admin sees every owner's.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, insert, select
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput, NotFound
from jarnama.core.time import business_day, utcnow
from jarnama.exchange import repository
from jarnama.exchange.adapters import TypedBid
from jarnama.exchange.approvals import enqueue_unreviewed
from jarnama.exchange.auction import Loss
from jarnama.exchange.core import ExchangeAuction
from jarnama.exchange.ops_models import AuctionRecord, BidderCall, BidRecord
from jarnama.exchange.ops_schemas import ExchangeReportOut, ExchangeReportRow
from jarnama.exchange.player_models import PlayBilling
from jarnama.exchange.snapshot import ScreenSnapshot
from jarnama.tenancy.principal import Principal

OPEN_MARKET = "open"
MAX_DAYS = 366


class Dimension(enum.StrEnum):
    """What a report groups by."""

    DAY = "day"
    SCREEN = "screen"
    BIDDER = "bidder"
    DEAL = "deal"


# --- recording -----------------------------------------------------------------------------


def _bid_row(record: AuctionRecord, bid: TypedBid, outcome: str, loss: Loss) -> dict[str, Any]:
    return {
        "auction_record_id": record.id,
        "account_id": record.account_id,
        "screen_id": record.screen_id,
        "day": record.day,
        "bidder": bid.bidder[:64],
        "seat": bid.seat[:200],
        "bid_id": bid.bid_id[:200],
        "crid": (bid.crid or None) and bid.crid[:200],
        "deal_code": (bid.dealid or None) and bid.dealid[:64],
        "outcome": outcome,
        "loss": int(loss),
    }


def record_auction(
    session: Session,
    screen: ScreenSnapshot,
    auction: ExchangeAuction,
    *,
    now: dt.datetime | None = None,
) -> AuctionRecord:
    """Persist one finished auction for the reports and queue its unreviewed creatives."""
    [record] = record_auctions(session, [(screen, auction, now or utcnow())])
    return record


def record_auctions(
    session: Session, finished: Sequence[tuple[ScreenSnapshot, ExchangeAuction, dt.datetime]]
) -> list[AuctionRecord]:
    """Persist a batch of finished auctions (screen, auction, when) in a few bulk statements.

    One INSERT … RETURNING for the records, one executemany for the bidder answers and one for
    the bids, then the unreviewed creatives queued (the background recorder's unit of work).
    """
    records = []
    for screen, auction, now in finished:
        win = auction.result.win
        records.append(
            AuctionRecord(
                auction_id=auction.request_id[:64],
                account_id=screen.account_id,
                screen_id=screen.id,
                day=business_day(now),
                occurred_at=now,
                filled=win is not None,
                winner_bidder=win.bid.bidder if win else None,
                winner_seat=win.bid.seat[:200] if win else None,
                deal_code=win.deal.code if win and win.deal else None,
            )
        )
    session.add_all(records)
    session.flush()
    calls: list[dict[str, Any]] = []
    bids: list[dict[str, Any]] = []
    for record, (_, auction, _) in zip(records, finished, strict=True):
        calls.extend(
            {
                "auction_record_id": record.id,
                "account_id": record.account_id,
                "screen_id": record.screen_id,
                "day": record.day,
                "bidder": outcome.bidder[:64],
                "status": outcome.status,
                "bids": len(outcome.result.bids),
                "latency_ms": round(outcome.latency_ms),
            }
            for outcome in auction.outcomes
        )
        result = auction.result
        if result.win is not None:
            bids.append(_bid_row(record, result.win.bid, "won", Loss.WON))
        bids.extend(_bid_row(record, c.bid, "lost", loss) for c, loss in result.losers)
        bids.extend(_bid_row(record, r.bid, "rejected", r.loss) for r in result.rejections)
    if calls:
        session.execute(insert(BidderCall), calls)
    if bids:
        session.execute(insert(BidRecord), bids)
    for screen, auction, _ in finished:
        if any(r.loss is Loss.PENDING_APPROVAL for r in auction.result.rejections):
            enqueue_unreviewed(session, screen, auction.result.rejections)
    return records


# --- reading -------------------------------------------------------------------------------


@dataclass
class _Row:
    auctions: int = 0
    bid_requests: int = 0
    bids: int = 0
    wins: int = 0
    no_bids: int = 0
    timeouts: int = 0
    errors: int = 0
    rejections: dict[str, int] = field(default_factory=dict)
    plays: int = 0
    spend: Decimal = Decimal(0)
    owner: Decimal = Decimal(0)
    exchange: Decimal = Decimal(0)

    def add(self, other: _Row) -> None:
        for name in ("auctions", "bid_requests", "bids", "wins", "no_bids", "timeouts", "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, count in other.rejections.items():
            self.rejections[code] = self.rejections.get(code, 0) + count
        self.plays += other.plays
        self.spend += other.spend
        self.owner += other.owner
        self.exchange += other.exchange

    def out(self, key: str) -> ExchangeReportRow:
        return ExchangeReportRow(
            key=key,
            auctions=self.auctions,
            bid_requests=self.bid_requests,
            bids=self.bids,
            wins=self.wins,
            no_bids=self.no_bids,
            timeouts=self.timeouts,
            errors=self.errors,
            rejections=dict(sorted(self.rejections.items(), key=lambda kv: int(kv[0]))),
            plays=self.plays,
            spend_kzt=self.spend,
            owner_kzt=self.owner,
            exchange_kzt=self.exchange,
        )


@dataclass(frozen=True)
class ReportFilter:
    """The rows a report covers."""

    since: dt.date
    until: dt.date
    accounts: frozenset[int] | None
    screen_id: int | None = None
    bidder: str | None = None
    deal: str | None = None


def _scoped(stmt: Any, model: Any, flt: ReportFilter, deal_column: Any) -> Any:
    stmt = stmt.where(model.day >= flt.since, model.day <= flt.until)
    if flt.accounts is not None:
        stmt = stmt.where(model.account_id.in_(flt.accounts))
    if flt.screen_id is not None:
        stmt = stmt.where(model.screen_id == flt.screen_id)
    if flt.deal is not None:
        if deal_column is None:
            return stmt.where(model.id.is_(None))  # bidder answers belong to no deal
        stmt = stmt.where(
            deal_column.is_(None) if flt.deal == OPEN_MARKET else deal_column == flt.deal
        )
    return stmt


def _key(value: object, by: Dimension) -> str:
    if value is None:
        return OPEN_MARKET if by is Dimension.DEAL else ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _column(model: Any, by: Dimension) -> Any:
    """The column a table groups by for a dimension (None: the table has none)."""
    if by is Dimension.DAY:
        return model.day
    if by is Dimension.SCREEN:
        return model.screen_id
    if by is Dimension.BIDDER:
        return model.winner_bidder if model is AuctionRecord else model.bidder
    return getattr(model, "deal_code", None)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def build_report(session: Session, by: Dimension, flt: ReportFilter) -> dict[str, _Row]:
    """The report's rows by key (before rendering)."""
    rows: dict[str, _Row] = defaultdict(_Row)
    bidder_of = {
        AuctionRecord: AuctionRecord.winner_bidder,
        BidderCall: BidderCall.bidder,
        BidRecord: BidRecord.bidder,
    }

    def scoped(stmt: Any, model: Any, deal_column: Any) -> Any:
        stmt = _scoped(stmt, model, flt, deal_column)
        if flt.bidder is not None:
            stmt = stmt.where(bidder_of[model] == flt.bidder)
        return stmt

    # Auctions and wins.
    key = _column(AuctionRecord, by)
    stmt = select(key, func.count(), _count_if(AuctionRecord.filled.is_(True))).group_by(key)
    for value, auctions, wins in session.execute(
        scoped(stmt, AuctionRecord, AuctionRecord.deal_code)
    ):
        row = rows[_key(value, by)]
        row.wins += int(wins)
        if by in (Dimension.DAY, Dimension.SCREEN):
            row.auctions += int(auctions)
    # Bidder answers (no deal dimension).
    key = _column(BidderCall, by)
    if key is not None:
        stmt = select(
            key,
            func.count(),
            _count_if(BidderCall.status == "no_bid"),
            _count_if(BidderCall.status == "timeout"),
            _count_if(BidderCall.status == "error"),
        ).group_by(key)
        for value, requests, no_bids, timeouts, errors in session.execute(
            scoped(stmt, BidderCall, None)
        ):
            row = rows[_key(value, by)]
            row.bid_requests += int(requests)
            row.no_bids += int(no_bids)
            row.timeouts += int(timeouts)
            row.errors += int(errors)
            if by is Dimension.BIDDER:
                row.auctions += int(requests)
    # Bids and refusals.
    key = _column(BidRecord, by)
    stmt = select(
        key,
        BidRecord.outcome,
        BidRecord.loss,
        func.count(),
        func.count(func.distinct(BidRecord.auction_record_id)),
    ).group_by(key, BidRecord.outcome, BidRecord.loss)
    deal_auctions: dict[str, set[int]] = defaultdict(set)
    for value, outcome, loss, count, _ in session.execute(
        scoped(stmt, BidRecord, BidRecord.deal_code)
    ):
        row = rows[_key(value, by)]
        row.bids += int(count)
        if outcome == "rejected":
            code = str(int(loss))
            row.rejections[code] = row.rejections.get(code, 0) + int(count)
    if by is Dimension.DEAL:
        stmt = select(BidRecord.deal_code, BidRecord.auction_record_id).distinct()
        for value, record_id in session.execute(scoped(stmt, BidRecord, BidRecord.deal_code)):
            deal_auctions[_key(value, by)].add(record_id)
        for name, ids in deal_auctions.items():
            rows[name].auctions += len(ids)
    # Plays and money (exact decimal text: summed here, not in SQL).
    stmt = select(PlayBilling)
    stmt = stmt.where(PlayBilling.day >= flt.since, PlayBilling.day <= flt.until)
    if flt.accounts is not None:
        stmt = stmt.where(PlayBilling.account_id.in_(flt.accounts))
    if flt.screen_id is not None:
        stmt = stmt.where(PlayBilling.screen_id == flt.screen_id)
    if flt.bidder is not None:
        stmt = stmt.where(PlayBilling.bidder == flt.bidder)
    if flt.deal is not None:
        stmt = stmt.where(
            PlayBilling.deal_code.is_(None)
            if flt.deal == OPEN_MARKET
            else PlayBilling.deal_code == flt.deal
        )
    for play in session.scalars(stmt):
        value = {
            Dimension.DAY: play.day,
            Dimension.SCREEN: play.screen_id,
            Dimension.BIDDER: play.bidder,
            Dimension.DEAL: play.deal_code,
        }[by]
        row = rows[_key(value, by)]
        row.plays += 1
        row.spend += play.cost_kzt
        row.owner += play.owner_kzt
        row.exchange += play.exchange_kzt
    rows.pop("", None)  # unfilled auctions have no winning bidder: counted in totals only
    return dict(rows)


def _totals(session: Session, flt: ReportFilter) -> _Row:
    """The whole range in one row (by day, summed: every count appears exactly once)."""
    total = _Row()
    for row in build_report(session, Dimension.DAY, flt).values():
        total.add(row)
    return total


def report(
    session: Session,
    principal: Principal,
    by: Dimension,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    screen_id: int | None = None,
    bidder: str | None = None,
    deal: str | None = None,
) -> ExchangeReportOut:
    """The caller's report: its own screens' rows (a network admin: every owner's)."""
    principal.ensure_can_read()
    today = business_day(utcnow())
    until = until or today
    since = since or until - dt.timedelta(days=6)
    if until < since:
        raise InvalidInput("until is before since", field="until")
    if (until - since).days >= MAX_DAYS:
        raise InvalidInput(f"a report spans at most {MAX_DAYS} days", field="since")
    if screen_id is not None:
        screen = repository.screen_by_id(session, screen_id)
        if screen is None or not principal.can_access(screen.account_id):
            raise NotFound("screen not found", field="screen_id")
    flt = ReportFilter(since, until, principal.visible_account_ids(), screen_id, bidder, deal)
    return report_for(session, by, flt)


def report_for(session: Session, by: Dimension, flt: ReportFilter) -> ExchangeReportOut:
    """The report over a filter as the API and the CLI render it (no tenant check here)."""
    rows = build_report(session, by, flt)
    return ExchangeReportOut(
        group_by=by.value,
        since=flt.since,
        until=flt.until,
        rows=[rows[key].out(key) for key in sorted(rows, key=lambda k: _sort_key(k, by))],
        totals=_totals(session, flt).out("total"),
    )


def _sort_key(key: str, by: Dimension) -> tuple[int, str]:
    if by is Dimension.SCREEN and key.isdigit():
        return (0, key.zfill(20))
    return (0, key)


CSV_COLUMNS = (
    "auctions",
    "bid_requests",
    "bids",
    "wins",
    "no_bids",
    "timeouts",
    "errors",
)


def report_csv(out: ExchangeReportOut, rows: Iterable[ExchangeReportRow] | None = None) -> str:
    """The report as CSV: one row per group, a column per refusal reason found, then totals."""
    lines = list(out.rows if rows is None else rows)
    codes = sorted({c for r in [*lines, out.totals] for c in r.rejections}, key=int)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            out.group_by,
            *CSV_COLUMNS,
            *(f"rejected_{code}_{_loss_name(code)}" for code in codes),
            "plays",
            "spend_kzt",
            "owner_kzt",
            "exchange_kzt",
        ]
    )
    for row in [*lines, out.totals]:
        writer.writerow(
            [
                row.key,
                *(getattr(row, name) for name in CSV_COLUMNS),
                *(row.rejections.get(code, 0) for code in codes),
                row.plays,
                format(row.spend_kzt, "f"),
                format(row.owner_kzt, "f"),
                format(row.exchange_kzt, "f"),
            ]
        )
    return buffer.getvalue()


def _loss_name(code: str) -> str:
    try:
        return Loss(int(code)).name.lower()
    except ValueError:
        return "other"

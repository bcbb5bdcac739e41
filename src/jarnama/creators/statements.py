"""A creator's monthly statement: opening balance, every line, closing balance; JSON and CSV.

Lines come from the ledger (the creator's CREATOR_PAYABLE and TAX_PAYABLE entries of the
month), so a statement always agrees with the books: approved conversions (gross, tax withheld,
net), refunds and returns as negative lines — also after payout, when the closing balance may
go negative and is carried into the next month's opening — and payouts. Declines of the month
are listed too, moving no money, so a creator sees every decided sale and why. The month is an
Almaty calendar month; the closing balance of one month is the opening of the next.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import InvalidInput
from jarnama.core.money import Tenge
from jarnama.core.time import ALMATY
from jarnama.creators import ledger_repository, repository
from jarnama.creators.models import Book, LedgerTransaction
from jarnama.creators.statement_schemas import LineKind, StatementLine, StatementOut
from jarnama.tenancy.principal import Principal

_KINDS: dict[str, LineKind] = {"approval": "earning", "refund": "refund", "payout": "payout"}
CSV_COLUMNS = (
    "at",
    "kind",
    "conversion_id",
    "offer_id",
    "order_id",
    "payout_batch_id",
    "gross_kzt",
    "tax_kzt",
    "amount_kzt",
    "balance_kzt",
    "declined_payout_kzt",
    "reason",
    "after_payout",
    "note",
)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """An Almaty calendar month 'YYYY-MM' as UTC instants [start, end)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = dt.datetime(year, number, 1, tzinfo=ALMATY)
    except ValueError as exc:
        raise InvalidInput("month is YYYY-MM", field="month") from exc
    end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=ALMATY)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _posting_lines(
    session: Session, creator_id: int, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, int, StatementLine]]:
    """The month's ledger postings as lines (balance filled in later), with a sort key."""
    postings = ledger_repository.creator_postings(session, creator_id, start, end)
    conversions = repository.conversions_by_id(
        session, (t.conversion_id for t, _p, _x in postings if t.conversion_id is not None)
    )
    batches = ledger_repository.batches(
        session, (c.payout_batch_id for c in conversions.values() if c.payout_batch_id)
    )
    out: list[tuple[dt.datetime, int, StatementLine]] = []
    for txn, payable, tax in postings:
        conversion = conversions.get(txn.conversion_id) if txn.conversion_id else None
        kind = _KINDS.get(txn.kind, "adjustment")
        after_payout = False
        note = txn.memo
        if kind == "refund" and conversion is not None and conversion.payout_batch_id:
            batch = batches.get(conversion.payout_batch_id)
            after_payout = batch is not None and batch.created_at <= txn.at
            if after_payout:
                note = note or f"refund after payout (paid in batch {conversion.payout_batch_id})"
        out.append(
            (
                txn.at,
                txn.id,
                StatementLine(
                    at=txn.at,
                    kind=kind,
                    conversion_id=txn.conversion_id,
                    offer_id=conversion.offer_id if conversion else None,
                    order_id=conversion.order_id if conversion else None,
                    payout_batch_id=txn.payout_batch_id,
                    gross_tiyn=payable + tax,
                    tax_tiyn=tax,
                    amount_tiyn=payable,
                    balance_tiyn=0,
                    after_payout=after_payout,
                    note=note or _default_note(txn),
                ),
            )
        )
    return out


def _default_note(txn: LedgerTransaction) -> str:
    if txn.kind == "approval":
        return "approved conversion"
    if txn.kind == "payout":
        return f"payout batch {txn.payout_batch_id}"
    return txn.kind


def statement(
    session: Session, principal: Principal, settings: Settings, creator_id: int, month: str
) -> StatementOut:
    """A creator's month: opening balance, every line, totals and the closing balance."""
    principal.ensure_can_read()
    principal.ensure_access(creator_id, "creator")
    start, end = month_bounds(month)
    before = ledger_repository.entry_sums(session, Book.CREATOR_PAYABLE, creator_id, until=start)
    opening = sum(before.values())
    rows = _posting_lines(session, creator_id, start, end)
    for c in repository.declined_between(session, creator_id, start, end):
        assert c.decided_at is not None  # declined_between filters on it
        line = StatementLine(
            at=c.decided_at,
            kind="declined",
            conversion_id=c.id,
            offer_id=c.offer_id,
            order_id=c.order_id,
            amount_tiyn=0,
            balance_tiyn=0,
            declined_payout_tiyn=c.payout_tiyn,
            reason=c.decline_reason.value if c.decline_reason else None,
            note=c.decline_text or "",
        )
        rows.append((c.decided_at, 0, line))
    rows.sort(key=lambda r: (r[0], r[2].kind == "declined", r[1]))
    balance = opening
    lines: list[StatementLine] = []
    for _at, _id, line in rows:
        balance += line.amount_tiyn
        line.balance_tiyn = balance
        lines.append(line)

    def total(kind: str, attr: str = "amount_tiyn") -> int:
        return sum(int(getattr(line, attr)) for line in lines if line.kind == kind)

    refunds = [line for line in lines if line.kind == "refund"]
    return StatementOut(
        creator_account_id=creator_id,
        month=month,
        opening_tiyn=opening,
        earned_gross_tiyn=total("earning", "gross_tiyn"),
        tax_withheld_tiyn=sum(line.tax_tiyn for line in lines),
        earned_net_tiyn=total("earning"),
        refunds_tiyn=total("refund"),
        refunds_after_payout_tiyn=sum(r.amount_tiyn for r in refunds if r.after_payout),
        paid_out_tiyn=-total("payout"),
        adjustments_tiyn=total("adjustment"),
        closing_tiyn=balance,
        declined_count=sum(1 for line in lines if line.kind == "declined"),
        declined_payout_tiyn=total("declined", "declined_payout_tiyn"),
        payable_now=balance >= settings.creators.min_payout_tiyn,
        minimum_payout_tiyn=settings.creators.min_payout_tiyn,
        lines=lines,
    )


def _kzt(tiyn: int) -> str:
    return str(Tenge(tiyn).to_decimal())


def _balance_row(kind: str, tiyn: int) -> list[str]:
    """The opening or closing row: only its kind and the balance."""
    row = [""] * len(CSV_COLUMNS)
    row[CSV_COLUMNS.index("kind")] = kind
    row[CSV_COLUMNS.index("balance_kzt")] = _kzt(tiyn)
    return row


def statement_csv(out: StatementOut) -> str:
    """A statement as CSV: an opening row, one row per line, a closing row; amounts in tenge."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(_balance_row("opening", out.opening_tiyn))
    for line in out.lines:
        writer.writerow(
            [
                line.at.astimezone(ALMATY).isoformat(timespec="seconds"),
                line.kind,
                line.conversion_id or "",
                line.offer_id or "",
                line.order_id or "",
                line.payout_batch_id or "",
                _kzt(line.gross_tiyn),
                _kzt(line.tax_tiyn),
                _kzt(line.amount_tiyn),
                _kzt(line.balance_tiyn),
                _kzt(line.declined_payout_tiyn) if line.kind == "declined" else "",
                line.reason or "",
                "yes" if line.after_payout else "",
                line.note,
            ]
        )
    writer.writerow(_balance_row("closing", out.closing_tiyn))
    return buffer.getvalue()

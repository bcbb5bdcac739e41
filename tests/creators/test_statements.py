"""Monthly statements: every line, totals that are the lines' sums, balances chained by month."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jarnama.core.time import ALMATY
from jarnama.creators import ledger_repository, lifecycle, payouts, statements
from jarnama.creators.models import (
    Book,
    Conversion,
    DeclineReason,
    LedgerTransaction,
    PayoutBatch,
)
from jarnama.creators.statement_schemas import StatementOut
from jarnama.tenancy.models import Role
from tests.creators.helpers import ADMIN, TABLE, Exchange, T, conversion, fund, report
from tests.factories import api_caller

MONTHS = ("2026-01", "2026-02", "2026-03")


def _last_txn(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(LedgerTransaction.id), 0))) or 0)


def _date(session: Session, after_txn: int, day: str) -> dt.datetime:
    """Move the postings made since `after_txn` to noon of an Almaty day (arranging history)."""
    when = dt.datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=ALMATY)
    session.execute(
        update(LedgerTransaction).where(LedgerTransaction.id > after_txn).values(at=when)
    )
    session.expire_all()
    return when


def _three_months(session: Session, ex: Exchange) -> dict[str, StatementOut]:
    """January: two sales approved, one declined, a payout. February: one of the paid sales is
    returned (negative balance). March: a new sale nets the debt."""
    fund(session, ex, 1_000_000)
    ex.settings.creators.min_payout_tiyn = 1_000 * T
    mark = _last_txn(session)
    first = conversion(session, report(session, ex, "S-1", 20_000).conversion_id)
    second = conversion(session, report(session, ex, "S-2", 10_000).conversion_id)
    lifecycle.approve(session, first, "adv", TABLE)
    lifecycle.approve(session, second, "adv", TABLE)
    declined = conversion(session, report(session, ex, "S-3", 8_000).conversion_id)
    lifecycle.decline(session, declined, "adv", DeclineReason.NOT_PAID, "never paid", ["crm"])
    january = _date(session, mark, "2026-01-10")
    declined.decided_at = january
    mark = _last_txn(session)
    batch = payouts.create_batch(session, ADMIN, ex.settings)
    _date(session, mark, "2026-01-28")
    session.execute(
        update(PayoutBatch).where(PayoutBatch.id == batch.id).values(created_at=january)
    )
    payouts.mark_paid(session, ADMIN, batch.id)
    mark = _last_txn(session)
    lifecycle.refund(session, conversion(session, first.id), "shop", 20_000 * T, "returned")
    _date(session, mark, "2026-02-05")
    mark = _last_txn(session)
    third = conversion(session, report(session, ex, "S-4", 30_000).conversion_id)
    lifecycle.approve(session, third, "adv", TABLE)
    _date(session, mark, "2026-03-03")
    session.flush()
    return {
        m: statements.statement(session, ex.creator, ex.settings, ex.creator_id, m) for m in MONTHS
    }


def _assert_lines_make_the_totals(s: StatementOut) -> None:
    kinds = {line.kind for line in s.lines}
    by = {k: sum(line.amount_tiyn for line in s.lines if line.kind == k) for k in kinds}
    assert s.opening_tiyn + sum(line.amount_tiyn for line in s.lines) == s.closing_tiyn
    assert s.earned_net_tiyn == by.get("earning", 0)
    assert s.earned_gross_tiyn == sum(ln.gross_tiyn for ln in s.lines if ln.kind == "earning")
    assert s.refunds_tiyn == by.get("refund", 0)
    assert s.paid_out_tiyn == -by.get("payout", 0)
    assert s.adjustments_tiyn == by.get("adjustment", 0)
    assert s.tax_withheld_tiyn == sum(line.tax_tiyn for line in s.lines)
    assert by.get("declined", 0) == 0  # a decline is shown, never moves money
    assert s.declined_payout_tiyn == sum(line.declined_payout_tiyn for line in s.lines)
    running = s.opening_tiyn
    for line in s.lines:
        running += line.amount_tiyn
        assert line.balance_tiyn == running
        assert line.gross_tiyn - line.tax_tiyn == line.amount_tiyn


def test_statements_list_every_line_and_chain_month_to_month(
    session: Session, ex: Exchange
) -> None:
    by_month = _three_months(session, ex)
    jan, feb, mar = (by_month[m] for m in MONTHS)
    for s in (jan, feb, mar):
        _assert_lines_make_the_totals(s)
    assert jan.closing_tiyn == feb.opening_tiyn
    assert feb.closing_tiyn == mar.opening_tiyn
    assert mar.closing_tiyn == ledger_repository.balance(
        session, Book.CREATOR_PAYABLE, ex.creator_id
    )
    # January: 2,000 + 1,000 ₸ gross, 10% withheld, 2,700 ₸ paid out; the decline is shown.
    assert jan.opening_tiyn == 0
    assert [line.kind for line in jan.lines] == [
        "earning", "earning", "declined", "payout"
    ]  # fmt: skip
    assert (jan.earned_gross_tiyn, jan.tax_withheld_tiyn) == (3_000 * T, 300 * T)
    assert (jan.earned_net_tiyn, jan.paid_out_tiyn, jan.closing_tiyn) == (2_700 * T, 2_700 * T, 0)
    declined = jan.lines[2]
    assert (declined.order_id, declined.reason, declined.amount_tiyn) == ("S-3", "not_paid", 0)
    assert declined.declined_payout_tiyn == 800 * T
    assert declined.note == "never paid"
    assert (jan.declined_count, jan.declined_payout_tiyn) == (1, 800 * T)
    # February: the returned order after payout is a negative line carried into March.
    (refund,) = feb.lines
    assert (refund.kind, refund.order_id, refund.after_payout) == ("refund", "S-1", True)
    assert (refund.gross_tiyn, refund.tax_tiyn, refund.amount_tiyn) == (
        -2_000 * T,
        -200 * T,
        -1_800 * T,
    )
    assert (feb.closing_tiyn, feb.refunds_after_payout_tiyn) == (-1_800 * T, -1_800 * T)
    assert not feb.payable_now
    # March: opens in debt, a 3,000 ₸ payout (2,700 ₸ net) nets it.
    assert (mar.opening_tiyn, mar.earned_net_tiyn, mar.closing_tiyn) == (
        -1_800 * T,
        2_700 * T,
        900 * T,
    )
    before = statements.statement(session, ex.creator, ex.settings, ex.creator_id, "2025-12")
    assert (before.opening_tiyn, before.closing_tiyn, before.lines) == (0, 0, [])


def test_statement_csv_rows_add_up(session: Session, ex: Exchange) -> None:
    out = _three_months(session, ex)["2026-01"]
    rows = list(csv.DictReader(io.StringIO(statements.statement_csv(out))))
    assert [r["kind"] for r in rows] == [
        "opening", "earning", "earning", "declined", "payout", "closing"
    ]  # fmt: skip
    lines = rows[1:-1]
    total = sum(Decimal(r["amount_kzt"]) for r in lines)
    assert Decimal(rows[-1]["balance_kzt"]) - Decimal(rows[0]["balance_kzt"]) == total
    assert rows[-2]["balance_kzt"] == rows[-1]["balance_kzt"] == "0.00"
    assert (rows[1]["gross_kzt"], rows[1]["tax_kzt"]) == ("2000.00", "200.00")
    assert (rows[3]["reason"], rows[3]["declined_payout_kzt"]) == ("not_paid", "800.00")


def test_statement_csv_over_http(client: TestClient, session: Session, ex: Exchange) -> None:
    _three_months(session, ex)
    session.commit()
    mine = api_caller(session, role=Role.CREATOR, account_id=ex.creator_id)
    other = api_caller(session, role=Role.CREATOR, account_id=ex.creator2_id)
    url = f"/api/v1/creators/statements/{ex.creator_id}"
    r = client.get(f"{url}/csv", params={"month": "2026-02"}, headers=mine.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert ",refund," in r.text
    assert ",yes," in r.text  # the refund came after payout
    body = client.get(url, params={"month": "2026-02"}, headers=mine.headers).json()
    assert body["closing_tiyn"] == -1_800 * T
    assert body["lines"][0]["after_payout"] is True
    for path in (url, f"{url}/csv"):
        answer = client.get(path, params={"month": "2026-02"}, headers=other.headers)
        assert answer.status_code == 404
    r = client.get(f"{url}/csv", params={"month": "2026-13"}, headers=mine.headers)
    assert (r.status_code, r.json()["field"]) == (400, "month")


def test_conversions_of_a_statement_are_the_creator_s_own(session: Session, ex: Exchange) -> None:
    statements_by_month = _three_months(session, ex)
    ids = {
        line.conversion_id
        for s in statements_by_month.values()
        for line in s.lines
        if line.conversion_id
    }
    owners = set(
        session.scalars(select(Conversion.creator_account_id).where(Conversion.id.in_(ids)))
    )
    assert owners == {ex.creator_id}

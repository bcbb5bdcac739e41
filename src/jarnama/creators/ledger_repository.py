"""SQL of the creator exchange's money: ledger balances and entries, payout batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jarnama.creators.models import (
    Book,
    LedgerBalance,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutBatch,
)

# --- ledger ----------------------------------------------------------------------------------


def _locked(session: Session, book: Book, account_id: int) -> LedgerBalance | None:
    return session.scalars(
        select(LedgerBalance)
        .where(LedgerBalance.book == book, LedgerBalance.account_id == account_id)
        .with_for_update()
    ).first()


def lock_balances(
    session: Session, keys: Iterable[tuple[Book, int]]
) -> dict[tuple[Book, int], int]:
    """Current balances of some books, row-locked in a fixed order (no deadlocks); 0 if new.

    A missing balance row is created with INSERT … ON CONFLICT DO NOTHING: two transactions
    posting to a new book at once both get the one row (the second waits for the first, then
    locks it) instead of one failing on the primary key.
    """
    ordered = sorted(set(keys), key=lambda k: (k[0].value, k[1]))
    balances: dict[tuple[Book, int], int] = {}
    maker = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for book, account_id in ordered:
        row = _locked(session, book, account_id)
        if row is None:
            session.execute(
                maker(LedgerBalance)
                .values(book=book, account_id=account_id, balance_tiyn=0)
                .on_conflict_do_nothing(index_elements=["book", "account_id"])
            )
            row = _locked(session, book, account_id)
            assert row is not None  # inserted now, or by the transaction we waited for
        balances[(book, account_id)] = row.balance_tiyn
    return balances


def add_to_balance(session: Session, book: Book, account_id: int, amount: int) -> None:
    """Add to a balance in one UPDATE (the CHECK constraint guards escrow)."""
    session.execute(
        update(LedgerBalance)
        .where(LedgerBalance.book == book, LedgerBalance.account_id == account_id)
        .values(balance_tiyn=LedgerBalance.balance_tiyn + amount)
        .execution_options(synchronize_session=False)
    )


def balance(session: Session, book: Book, account_id: int) -> int:
    """A book's balance for an account (0 when never used)."""
    return int(
        session.scalar(
            select(LedgerBalance.balance_tiyn).where(
                LedgerBalance.book == book, LedgerBalance.account_id == account_id
            )
        )
        or 0
    )


def balances_of(session: Session, book: Book) -> list[LedgerBalance]:
    """Every account's balance of one book."""
    return list(
        session.scalars(
            select(LedgerBalance)
            .where(LedgerBalance.book == book)
            .order_by(LedgerBalance.account_id)
        ).all()
    )


def entry_sums(
    session: Session,
    book: Book,
    account_id: int,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> dict[str, int]:
    """Sums of one book's entries for an account by transaction kind in [since, until)."""
    stmt = (
        select(LedgerTransaction.kind, func.sum(LedgerEntry.amount_tiyn))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerEntry.book == book, LedgerEntry.account_id == account_id)
        .group_by(LedgerTransaction.kind)
    )
    if since is not None:
        stmt = stmt.where(LedgerTransaction.at >= since)
    if until is not None:
        stmt = stmt.where(LedgerTransaction.at < until)
    return {kind: int(total or 0) for kind, total in session.execute(stmt).all()}


def total_of_entries(session: Session) -> int:
    """The sum of every ledger entry (zero in a sound ledger)."""
    return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_tiyn), 0))) or 0)


def ledger_entries(
    session: Session, *, conversion_id: int | None = None
) -> list[tuple[LedgerTransaction, LedgerEntry]]:
    """Transactions and their entries (optionally of one conversion), in posting order."""
    stmt = select(LedgerTransaction, LedgerEntry).join(
        LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id
    )
    if conversion_id is not None:
        stmt = stmt.where(LedgerTransaction.conversion_id == conversion_id)
    return [(t, e) for t, e in session.execute(stmt.order_by(LedgerEntry.id)).all()]


def gross_income(session: Session, creator_id: int, since: dt.datetime, until: dt.datetime) -> int:
    """A creator's approved gross earnings (net of refunds) in [since, until)."""
    stmt = (
        select(func.coalesce(func.sum(LedgerEntry.amount_tiyn), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(
            LedgerEntry.book.in_([Book.CREATOR_PAYABLE, Book.TAX_PAYABLE]),
            LedgerEntry.account_id == creator_id,
            LedgerTransaction.kind.in_(["approval", "refund"]),
            LedgerTransaction.at >= since,
            LedgerTransaction.at < until,
        )
    )
    return int(session.scalar(stmt) or 0)


def creator_postings(
    session: Session, creator_id: int, since: dt.datetime, until: dt.datetime
) -> list[tuple[LedgerTransaction, int, int]]:
    """A creator's postings in [since, until), oldest first: each transaction with its sums on
    the creator's balance (CREATOR_PAYABLE) and on the tax withheld for it (TAX_PAYABLE)."""
    payable = func.sum(
        case((LedgerEntry.book == Book.CREATOR_PAYABLE, LedgerEntry.amount_tiyn), else_=0)
    )
    tax = func.sum(case((LedgerEntry.book == Book.TAX_PAYABLE, LedgerEntry.amount_tiyn), else_=0))
    sums = (
        select(LedgerEntry.transaction_id, payable.label("payable"), tax.label("tax"))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(
            LedgerEntry.account_id == creator_id,
            LedgerEntry.book.in_([Book.CREATOR_PAYABLE, Book.TAX_PAYABLE]),
            LedgerTransaction.at >= since,
            LedgerTransaction.at < until,
        )
        .group_by(LedgerEntry.transaction_id)
        .subquery()
    )
    stmt = (
        select(LedgerTransaction, sums.c.payable, sums.c.tax)
        .join(sums, sums.c.transaction_id == LedgerTransaction.id)
        .order_by(LedgerTransaction.at, LedgerTransaction.id)
    )
    return [(t, int(p or 0), int(x or 0)) for t, p, x in session.execute(stmt).all()]


def batches(session: Session, batch_ids: Iterable[int]) -> dict[int, PayoutBatch]:
    """Payout batches by id."""
    ids = sorted(set(batch_ids))
    if not ids:
        return {}
    return {b.id: b for b in session.scalars(select(PayoutBatch).where(PayoutBatch.id.in_(ids)))}


# --- payouts and posts -----------------------------------------------------------------------


def batch(session: Session, batch_id: int) -> PayoutBatch | None:
    """A payout batch by id."""
    return session.get(PayoutBatch, batch_id)


def payouts_in(session: Session, batch_id: int) -> list[Payout]:
    """The lines of a payout batch."""
    return list(
        session.scalars(select(Payout).where(Payout.batch_id == batch_id).order_by(Payout.id))
    )

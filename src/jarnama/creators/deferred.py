"""Deferred writes: the purchase feed applies a chunk of rows and writes them in a few statements.

Inside `deferred(session)` the lifecycle and the ledger do not flush after each step:
conversions and ledger transactions wait in the session for the caller's one flush, history
events and ledger entries wait in `DeferredBooks` (they need no id back, so they go in as one
executemany each), and ledger balances are kept in memory — read once with a row lock, checked
against every posting (escrow never goes negative) and written back in one executemany.
Everything is written in the order it was made, so ids follow the row order exactly as a
row-by-row run gives them. Outside the block nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import bindparam, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jarnama.creators.models import (
    Book,
    Conversion,
    ConversionEvent,
    LedgerBalance,
    LedgerEntry,
    LedgerTransaction,
)

_KEY = "jarnama.creators.deferred_books"
# What ledger_repository.gross_income counts as a creator's income for the progressive tax.
INCOME_KINDS = frozenset({"approval", "refund"})
INCOME_BOOKS = frozenset({Book.CREATOR_PAYABLE, Book.TAX_PAYABLE})
_BALANCES = LedgerBalance.metadata.tables[LedgerBalance.__tablename__]
_BALANCE_UPDATE = (
    update(_BALANCES)
    .where(
        _BALANCES.c.book == bindparam("b_book"), _BALANCES.c.account_id == bindparam("b_account")
    )
    .values(balance_tiyn=_BALANCES.c.balance_tiyn + bindparam("b_amount"))
)

Mark = tuple[int, int, int]


class DeferredBooks:
    """Balances, income, history events and ledger entries of a chunk, held until it is written."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._base: dict[tuple[Book, int], int] = {}
        self._delta: dict[tuple[Book, int], int] = defaultdict(int)
        self._income_base: dict[tuple[int, dt.datetime, dt.datetime], int] = {}
        self._income_delta: dict[int, int] = defaultdict(int)
        self._creators: frozenset[int] = frozenset()
        self._journal: list[tuple[str, Book, int, int]] = []
        self._events: list[tuple[Conversion, dict[str, Any]]] = []
        self._entries: list[tuple[LedgerTransaction, Book, int, int]] = []

    def prepare(self, advertiser_id: int, creator_ids: Iterable[int]) -> None:
        """Lock, in one query, the existing balances the chunk may post to.

        Books that have no balance row yet are created and locked when first posted to.
        """
        self._creators = frozenset(creator_ids)
        keys = {(Book.ESCROW, advertiser_id)}
        for creator in self._creators:
            keys |= {(Book.CREATOR_PAYABLE, creator), (Book.TAX_PAYABLE, creator)}
        stmt = (
            select(LedgerBalance.book, LedgerBalance.account_id, LedgerBalance.balance_tiyn)
            .where(tuple_(LedgerBalance.book, LedgerBalance.account_id).in_(sorted(keys)))
            .order_by(LedgerBalance.book, LedgerBalance.account_id)
            .with_for_update()
        )
        with self._session.no_autoflush:
            for book, account, amount in self._session.execute(stmt):
                self._base[(Book(book), int(account))] = int(amount)

    def balances(self, keys: Iterable[tuple[Book, int]]) -> dict[tuple[Book, int], int]:
        """Current balances (locked on first use, plus this chunk's postings)."""
        wanted = set(keys)
        missing = sorted(wanted - self._base.keys(), key=lambda k: (k[0].value, k[1]))
        if missing:
            # As ledger_repository.lock_balances, in two statements for all missing books.
            session = self._session
            maker = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            rows = [{"book": b, "account_id": a, "balance_tiyn": 0} for b, a in missing]
            stmt = (
                select(_BALANCES.c.book, _BALANCES.c.account_id, _BALANCES.c.balance_tiyn)
                .where(tuple_(_BALANCES.c.book, _BALANCES.c.account_id).in_(missing))
                .order_by(_BALANCES.c.book, _BALANCES.c.account_id)
                .with_for_update()
            )
            with session.no_autoflush:
                session.execute(
                    maker(_BALANCES).on_conflict_do_nothing(index_elements=["book", "account_id"]),
                    rows,
                )
                for book, account, amount in session.execute(stmt):
                    self._base[(Book(book), int(account))] = int(amount)
        return {key: self._base[key] + self._delta[key] for key in wanted}

    def post(self, txn: LedgerTransaction, book: Book, account_id: int, amount: int) -> None:
        """Record one leg of a posting made in this chunk (its entry and its balance change)."""
        self._entries.append((txn, book, account_id, amount))
        self._journal.append((txn.kind, book, account_id, amount))
        self._apply(txn.kind, book, account_id, amount)

    def _apply(self, kind: str, book: Book, account_id: int, amount: int) -> None:
        self._delta[(book, account_id)] += amount
        if kind in INCOME_KINDS and book in INCOME_BOOKS:
            self._income_delta[account_id] += amount

    def event(self, conversion: Conversion, values: dict[str, Any]) -> None:
        """Record one history step of a conversion (written after the conversion has its id)."""
        self._events.append((conversion, values))

    def mark(self) -> Mark:
        """A point to go back to when a row is refused."""
        return len(self._journal), len(self._events), len(self._entries)

    def discard_since(self, mark: Mark) -> None:
        """Forget what the refused row recorded after `mark`."""
        journal, events, entries = mark
        for kind, book, account_id, amount in self._journal[journal:]:
            self._apply(kind, book, account_id, -amount)
        del self._journal[journal:], self._events[events:], self._entries[entries:]

    def gross_income(self, creator_id: int, since: dt.datetime, until: dt.datetime) -> int:
        """ledger_repository.gross_income, with this chunk's unwritten postings counted.

        The chunk's postings are stamped at the flush, inside the current Almaty year, which is
        the only window the lifecycle asks about. The first question loads every creator of the
        chunk in one grouped query.
        """
        key = (creator_id, since, until)
        if key not in self._income_base:
            creators = sorted(self._creators | {creator_id})
            stmt = (
                select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_tiyn))
                .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
                .where(
                    LedgerEntry.book.in_(sorted(INCOME_BOOKS)),
                    LedgerEntry.account_id.in_(creators),
                    LedgerTransaction.kind.in_(sorted(INCOME_KINDS)),
                    LedgerTransaction.at >= since,
                    LedgerTransaction.at < until,
                )
                .group_by(LedgerEntry.account_id)
            )
            with self._session.no_autoflush:
                found = {int(a): int(total or 0) for a, total in self._session.execute(stmt)}
            for creator in creators:
                self._income_base.setdefault((creator, since, until), found.get(creator, 0))
        return self._income_base[key] + self._income_delta[creator_id]

    def write(self) -> None:
        """After the caller's flush: insert the events and entries, update the balances."""
        session = self._session
        if self._events:
            rows = [{"conversion_id": c.id, **values} for c, values in self._events]
            # render_nulls: a NULL from_status must not split the rows into separate batches.
            session.execute(insert(ConversionEvent).execution_options(render_nulls=True), rows)
        if self._entries:
            session.execute(
                insert(LedgerEntry),
                [
                    {"transaction_id": t.id, "book": b, "account_id": a, "amount_tiyn": x}
                    for t, b, a, x in self._entries
                ],
            )
        changes = [
            {"b_book": book, "b_account": account, "b_amount": amount}
            for (book, account), amount in sorted(
                self._delta.items(), key=lambda item: (item[0][0].value, item[0][1])
            )
            if amount
        ]
        if changes:
            session.execute(_BALANCE_UPDATE, changes)
        self._events.clear()
        self._entries.clear()
        self._journal.clear()
        self._delta.clear()


def books_of(session: Session) -> DeferredBooks | None:
    """The deferred books of a session inside `deferred`, else None."""
    books = session.info.get(_KEY)
    return books if isinstance(books, DeferredBooks) else None


def flush(session: Session) -> None:
    """Flush, unless the session is inside `deferred` (its caller flushes once per chunk)."""
    if _KEY not in session.info:
        session.flush()


@contextmanager
def deferred(session: Session) -> Iterator[DeferredBooks]:
    """Apply writes without a flush per step and ledger balances in memory (see module doc)."""
    if _KEY in session.info:
        raise RuntimeError("deferred writes do not nest")
    books = DeferredBooks(session)
    session.info[_KEY] = books
    try:
        with session.no_autoflush:
            yield books
    finally:
        session.info.pop(_KEY, None)

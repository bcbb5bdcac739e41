"""The double-entry ledger in tiyn: every posting balances, escrow never goes negative.

Books (see `Book`): an advertiser's prepayment moves ADVERTISER_FUNDING → ESCROW; an approved
conversion moves ESCROW → CREATOR_PAYABLE (+ TAX_PAYABLE for withheld income tax); a refund
reverses that, also after payout (CREATOR_PAYABLE may then go negative and is netted on the
next statement); a payout batch moves CREATOR_PAYABLE → PAYOUT_CLEARING → PAID_OUT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict, InvalidInput
from jarnama.creators import deferred, ledger_repository
from jarnama.creators.models import Book, Conversion, LedgerEntry, LedgerTransaction


class InsufficientEscrow(Conflict):
    """The advertiser's prepaid balance cannot cover a payout."""

    code = "insufficient_escrow"


@dataclass(frozen=True, slots=True)
class Leg:
    """One side of a posting: a signed amount on one book of one account."""

    book: Book
    account_id: int
    amount_tiyn: int


def post(
    session: Session,
    kind: str,
    legs: Sequence[Leg],
    *,
    conversion_id: int | None = None,
    payout_batch_id: int | None = None,
    memo: str = "",
    conversion: Conversion | None = None,
) -> LedgerTransaction:
    """Record one balanced transaction; refuse unbalanced legs and any that overdraw escrow.

    `conversion` names the conversion when it may not be flushed yet (deferred writes).
    """
    legs = [leg for leg in legs if leg.amount_tiyn != 0]
    if not legs:
        raise InvalidInput("a ledger transaction needs at least one non-zero leg")
    if sum(leg.amount_tiyn for leg in legs) != 0:
        raise InvalidInput(f"ledger legs of '{kind}' do not sum to zero")
    keys = [(leg.book, leg.account_id) for leg in legs]
    books = deferred.books_of(session)
    current = (
        books.balances(keys)
        if books is not None
        else ledger_repository.lock_balances(session, keys)
    )
    after = dict(current)
    for leg in legs:
        after[(leg.book, leg.account_id)] += leg.amount_tiyn
    for (book, account_id), value in after.items():
        if book is Book.ESCROW and value < 0:
            raise InsufficientEscrow(
                f"advertiser {account_id}'s escrow holds {current[(book, account_id)]} tiyn, "
                f"{-value} tiyn short of this {kind}"
            )
    txn = LedgerTransaction(
        kind=kind, conversion_id=conversion_id, payout_batch_id=payout_batch_id, memo=memo
    )
    if conversion is not None and conversion_id is None:
        txn.conversion = conversion
    session.add(txn)
    if books is not None:
        # The chunk's flush inserts the transaction; its entries and the balances are written
        # by DeferredBooks.write after it.
        for leg in legs:
            books.post(txn, leg.book, leg.account_id, leg.amount_tiyn)
        return txn
    session.flush()
    for leg in legs:
        session.add(
            LedgerEntry(
                transaction_id=txn.id,
                book=leg.book,
                account_id=leg.account_id,
                amount_tiyn=leg.amount_tiyn,
            )
        )
        ledger_repository.add_to_balance(session, leg.book, leg.account_id, leg.amount_tiyn)
    session.flush()
    return txn


def escrow(session: Session, advertiser_id: int) -> int:
    """An advertiser's prepaid balance in tiyn."""
    return ledger_repository.balance(session, Book.ESCROW, advertiser_id)


def deposit(session: Session, advertiser_id: int, amount_tiyn: int, memo: str = "") -> None:
    """Record an advertiser's prepayment into escrow."""
    if amount_tiyn <= 0:
        raise InvalidInput("a deposit must be positive", field="amount_tiyn")
    post(
        session,
        "deposit",
        [
            Leg(Book.ESCROW, advertiser_id, amount_tiyn),
            Leg(Book.ADVERTISER_FUNDING, advertiser_id, -amount_tiyn),
        ],
        memo=memo,
    )


def withdraw(session: Session, advertiser_id: int, amount_tiyn: int, memo: str = "") -> None:
    """Return unused escrow to an advertiser (never more than it holds)."""
    if amount_tiyn <= 0:
        raise InvalidInput("a withdrawal must be positive", field="amount_tiyn")
    post(
        session,
        "withdrawal",
        [
            Leg(Book.ESCROW, advertiser_id, -amount_tiyn),
            Leg(Book.ADVERTISER_FUNDING, advertiser_id, amount_tiyn),
        ],
        memo=memo,
    )


def earn(
    session: Session,
    *,
    advertiser_id: int,
    creator_id: int,
    gross_tiyn: int,
    tax_tiyn: int,
    conversion_id: int | None,
    kind: str = "approval",
    conversion: Conversion | None = None,
) -> None:
    """Move an approved payout from escrow to the creator (and withheld tax to the state)."""
    post(
        session,
        kind,
        [
            Leg(Book.ESCROW, advertiser_id, -gross_tiyn),
            Leg(Book.CREATOR_PAYABLE, creator_id, gross_tiyn - tax_tiyn),
            Leg(Book.TAX_PAYABLE, creator_id, tax_tiyn),
        ],
        conversion_id=conversion_id,
        conversion=conversion,
    )


def reverse(
    session: Session,
    *,
    advertiser_id: int,
    creator_id: int,
    gross_tiyn: int,
    tax_tiyn: int,
    conversion_id: int | None,
    conversion: Conversion | None = None,
) -> None:
    """Give a refunded payout back to escrow (negative entries for the creator)."""
    post(
        session,
        "refund",
        [
            Leg(Book.ESCROW, advertiser_id, gross_tiyn),
            Leg(Book.CREATOR_PAYABLE, creator_id, -(gross_tiyn - tax_tiyn)),
            Leg(Book.TAX_PAYABLE, creator_id, -tax_tiyn),
        ],
        conversion_id=conversion_id,
        conversion=conversion,
    )

"""Ledger invariants under random operations: every posting sums to zero, escrow stays >= 0."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput
from jarnama.creators import ledger, ledger_repository
from jarnama.creators.ledger import InsufficientEscrow, Leg
from jarnama.creators.models import Book, LedgerBalance
from jarnama.tenancy.models import AccountKind
from tests.factories import account

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["deposit", "withdraw", "earn", "refund", "payout"]),
        st.integers(min_value=1, max_value=5_000_000),
        st.integers(min_value=0, max_value=1_500),  # tax in basis points of the gross
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=OPERATIONS)
def test_random_postings_keep_the_books_sound(
    session: Session, operations: list[tuple[str, int, int]]
) -> None:
    adv = account(session, "Adv").id
    creator = account(session, "Creator", AccountKind.CREATOR).id
    for kind, amount, tax_bp in operations:
        tax = amount * tax_bp // 10_000
        try:
            if kind == "deposit":
                ledger.deposit(session, adv, amount)
            elif kind == "withdraw":
                ledger.withdraw(session, adv, amount)
            elif kind == "earn":
                ledger.earn(
                    session,
                    advertiser_id=adv,
                    creator_id=creator,
                    gross_tiyn=amount,
                    tax_tiyn=tax,
                    conversion_id=1,
                )
            elif kind == "refund":
                ledger.reverse(
                    session,
                    advertiser_id=adv,
                    creator_id=creator,
                    gross_tiyn=amount,
                    tax_tiyn=tax,
                    conversion_id=1,
                )
            else:
                ledger.post(
                    session,
                    "payout",
                    [
                        Leg(Book.CREATOR_PAYABLE, creator, -amount),
                        Leg(Book.PAID_OUT, creator, amount),
                    ],
                )
        except InsufficientEscrow:
            pass
        assert ledger.escrow(session, adv) >= 0
        assert ledger_repository.total_of_entries(session) == 0
    # Running balances agree with the entries they summarise.
    for row in session.query(LedgerBalance).filter(LedgerBalance.account_id.in_([adv, creator])):
        sums = ledger_repository.entry_sums(session, row.book, row.account_id)
        assert sum(sums.values()) == row.balance_tiyn


def test_unbalanced_or_empty_postings_are_refused(session: Session) -> None:
    adv = account(session, "Adv").id
    with pytest.raises(InvalidInput, match="sum to zero"):
        ledger.post(
            session, "bad", [Leg(Book.ESCROW, adv, 5), Leg(Book.ADVERTISER_FUNDING, adv, -4)]
        )
    with pytest.raises(InvalidInput, match="non-zero"):
        ledger.post(session, "bad", [Leg(Book.ESCROW, adv, 0)])


def test_an_overdraft_leaves_no_trace(session: Session) -> None:
    adv = account(session, "Adv").id
    creator = account(session, "Creator", AccountKind.CREATOR).id
    ledger.deposit(session, adv, 100)
    with pytest.raises(InsufficientEscrow):
        ledger.earn(
            session,
            advertiser_id=adv,
            creator_id=creator,
            gross_tiyn=101,
            tax_tiyn=0,
            conversion_id=1,
        )
    assert ledger.escrow(session, adv) == 100
    assert ledger_repository.balance(session, Book.CREATOR_PAYABLE, creator) == 0
    assert len(ledger_repository.ledger_entries(session)) >= 2

"""Concurrent first postings on the real PostgreSQL: two sessions, one row, a clean answer.

Each test commits, so the module uses a PostgreSQL schema of its own (built by the migrations
and dropped at the end) rather than the shared, rolled-back test transaction. The first session
writes and holds its transaction open; the second runs in a thread until PostgreSQL makes it
wait on the first one's uncommitted row (seen in pg_stat_activity); then the first commits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from jarnama.config import Settings
from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.migrate import upgrade
from jarnama.creators import ledger_repository, lifecycle, repository
from jarnama.creators.models import Book, Conversion, ConversionStatus
from jarnama.creators.schemas import PostbackResult
from tests.conftest import POSTGRES_URL, _postgres_engine
from tests.creators.helpers import TABLE, Exchange, T, build, fund, report

R = TypeVar("R")
WAIT_SECONDS = 10.0  # a bound for the thread to start waiting, not a speed check


@pytest.fixture(scope="module")
def pg() -> Iterator[sessionmaker[Session]]:
    """Sessions on a migrated PostgreSQL schema of this module's own."""
    engine, schema = _postgres_engine()
    try:
        upgrade(engine)
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()
        admin = make_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def committed(pg: sessionmaker[Session], settings: Settings) -> Exchange:
    """An exchange committed to the database, with escrow."""
    with pg() as session:
        ex = build(session, settings)
        fund(session, ex, 1_000_000)
        session.commit()
    return ex


def _waiting_backends(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            or 0
        )


def _race(
    pg: sessionmaker[Session], first: Callable[[Session], R], second: Callable[[Session], R]
) -> tuple[R, R]:
    """Run `first` in an open transaction, `second` in a thread until it waits on it, commit."""
    out: dict[str, R] = {}
    errors: list[BaseException] = []

    def run_second() -> None:
        try:
            with pg() as session:
                out["second"] = second(session)
                session.commit()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    with pg() as session:
        out["first"] = first(session)
        thread = threading.Thread(target=run_second)
        thread.start()
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        deadline = time.monotonic() + WAIT_SECONDS
        while _waiting_backends(engine) == 0:
            assert thread.is_alive(), f"the second session did not wait: {errors}"
            assert time.monotonic() < deadline, "the second session never waited on the first"
            time.sleep(0.02)
        session.commit()
    thread.join(WAIT_SECONDS)
    assert not thread.is_alive()
    if errors:
        raise errors[0]
    return out["first"], out["second"]


def test_two_postbacks_of_one_order_at_once_make_one_conversion(
    pg: sessionmaker[Session], committed: Exchange
) -> None:
    ex = committed

    def sale(session: Session) -> PostbackResult:
        return report(session, ex, "RACE-1", 12_000)

    first, second = _race(pg, sale, sale)
    assert (first.duplicate, second.duplicate) == (False, True)
    assert first.conversion_id == second.conversion_id
    assert second.status is ConversionStatus.PENDING
    with pg() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Conversion)
            .where(Conversion.offer_id == ex.offer.id, Conversion.order_id == "RACE-1")
        )
        assert count == 1
        assert [e.kind for e in repository.events_of(session, first.conversion_id)] == ["reported"]


def test_two_first_approvals_of_a_creator_share_one_new_balance_row(
    pg: sessionmaker[Session], committed: Exchange
) -> None:
    ex = committed
    with pg() as session:
        ids = [report(session, ex, f"RACE-{n}", 10_000).conversion_id for n in (2, 3)]
        session.commit()

    def approver(conversion_id: int) -> Callable[[Session], int]:
        def approve(session: Session) -> int:
            conversion = repository.conversion_for_update(session, conversion_id)
            assert conversion is not None
            lifecycle.approve(session, conversion, "test", TABLE)
            return conversion.tax_tiyn

        return approve

    _race(pg, approver(ids[0]), approver(ids[1]))
    with pg() as session:
        assert ledger_repository.balance(session, Book.CREATOR_PAYABLE, ex.creator_id) == (
            2 * 900 * T
        )
        assert ledger_repository.total_of_entries(session) == 0
        statuses = session.scalars(select(Conversion.status).where(Conversion.id.in_(ids)))
        assert set(statuses) == {ConversionStatus.APPROVED}

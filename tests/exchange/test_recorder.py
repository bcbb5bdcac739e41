"""Auction records off the response path, and the caches that do no SQL between their checks."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from jarnama.config import Settings
from jarnama.exchange.approvals import review_creative
from jarnama.exchange.auction import Approval
from jarnama.exchange.ops import ExchangeOps
from jarnama.exchange.ops_models import AuctionRecord, BidderCall, BidRecord, Creative
from jarnama.exchange.ops_models import CreativeStatus as Status
from jarnama.exchange.ops_settings import OpsSettings
from jarnama.exchange.recorder import AuctionRecorder
from jarnama.exchange.runtime import ExchangeRuntime
from jarnama.exchange.schemas import ScreenCreate
from jarnama.exchange.service import create_screen
from jarnama.tenancy.models import Role
from jarnama.tenancy.principal import Principal
from tests.exchange.helpers import Owners, screen_payload
from tests.exchange.samples import NOW, screen
from tests.exchange.test_approvals import bid
from tests.exchange.test_reports import _auction


def _count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_background_writer_batches_records_and_writes_the_rest_on_close(
    session_factory: sessionmaker[Session], session: Session, owners: Owners
) -> None:
    board = screen(id=1, account_id=owners.a_id)
    answers: dict[str, Any] = {
        "alpha": [bid("alpha", "6.00")],
        "beta": [bid("beta", "5.00", crid="unreviewed")],
        "gamma": "timeout",
    }
    auctions = [_auction(board, f"rec-{i}", NOW, answers) for i in range(5)]
    recorder = AuctionRecorder(session_factory, batch=2, interval=0.01)

    async def go() -> None:
        recorder.start()
        for auction in auctions[:3]:
            assert recorder.submit(board, auction, NOW)
        for _ in range(200):  # the writer drains on its own, in batches of 2
            if recorder.stats.written == 3:
                break
            await asyncio.sleep(0.01)
        assert recorder.stats.written == 3
        for auction in auctions[3:]:
            recorder.submit(board, auction, NOW)
        await recorder.close()  # shutdown writes what is still queued

    asyncio.run(go())
    assert (recorder.stats.written, recorder.pending, recorder.stats.dropped) == (5, 0, 0)
    assert recorder.stats.batches >= 3
    assert _count(session, AuctionRecord) == 5
    assert _count(session, BidderCall) == 15
    outcomes = session.execute(select(BidRecord.outcome, func.count()).group_by(BidRecord.outcome))
    assert {outcome: n for outcome, n in outcomes} == {"won": 5, "rejected": 5}
    queued = session.scalars(select(Creative)).all()
    assert [(c.bidder, c.crid, c.status) for c in queued] == [
        ("beta", "unreviewed", Status.PENDING)
    ]


def test_a_full_queue_drops_new_records_and_counts_them(session: Session, owners: Owners) -> None:
    board = screen(id=1, account_id=owners.a_id)
    drops: list[int] = []
    recorder = AuctionRecorder(None, capacity=2, on_drop=lambda: drops.append(1))
    auctions = [_auction(board, f"full-{i}", NOW, {"alpha": [bid("alpha")]}) for i in range(3)]
    accepted = [recorder.submit(board, auction, NOW) for auction in auctions]
    assert accepted == [True, True, False]
    assert (recorder.stats.dropped, len(drops), recorder.pending) == (1, 1, 2)
    # Without a background writer a reader of this process writes them (reports, queue).
    assert recorder.write_pending(session) == 2
    assert _count(session, AuctionRecord) == 2
    assert recorder.pending == 0


def test_ops_caches_check_for_changes_only_every_reload_seconds_or_after_a_local_change(
    session: Session, owners: Owners
) -> None:
    now = [1000.0]
    ops = ExchangeOps(OpsSettings(reload_seconds=5), clock=lambda: now[0])
    board = screen(id=1, account_id=owners.a_id)
    sample = bid("alpha", crid="tea")
    ops.refresh(session)
    assert ops.policy(board)(sample) is Approval.PENDING
    # Another server process approves the creative (no change noted in this one).
    creative = Creative(
        account_id=owners.a_id,
        bidder="alpha",
        crid="tea",
        adomain="shoro.kz",
        seat="alpha",
        status=Status.APPROVED,
        categories=[],
    )
    session.add(creative)
    session.flush()
    statements: list[str] = []
    connection = session.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(connection, "before_cursor_execute", listener)
    try:
        now[0] += 1
        ops.refresh(session)  # within reload_seconds: no SQL, the old decision stands
        assert statements == []
        assert ops.policy(board)(sample) is Approval.PENDING
        now[0] += 5
        ops.refresh(session)  # the fingerprint query sees the other process's review
        assert statements
        assert ops.policy(board)(sample) is Approval.APPROVED
        # A review through this process applies to its next auction at once.
        owner = Principal(
            actor="owner",
            role=Role.ACCOUNT_ADMIN,
            account_id=owners.a_id,
            scopes=frozenset({"read", "manage"}),
            account_ids=frozenset({owners.a_id}),
        )
        review_creative(session, owner, creative.id, Status.REJECTED, "not for kids")
        ops.refresh(session)
        assert ops.policy(board)(sample) is Approval.REJECTED
    finally:
        event.remove(connection, "before_cursor_execute", listener)


def test_the_screen_snapshot_reloads_after_a_local_change_and_not_between_checks(
    session: Session, owners: Owners, settings: Settings
) -> None:
    ex = settings.exchange.model_copy(update={"ops": OpsSettings(reload_seconds=3_600)})
    runtime = ExchangeRuntime(settings.model_copy(update={"exchange": ex}), {})
    try:
        runtime.refresh(session)
        assert not runtime.refresh_due()  # the next auction needs no database
        admin = Principal(
            actor="admin", role=Role.NETWORK_ADMIN, account_id=None, scopes=frozenset({"manage"})
        )
        body = ScreenCreate.model_validate(screen_payload("ALA-NEW", account_id=owners.a_id))
        created = create_screen(session, admin, body)
        assert runtime.refresh_due()  # a change through this process: looked at at once
        runtime.refresh(session)
        assert runtime.inventory.screen(created.id) is not None
        assert not runtime.refresh_due()
    finally:
        asyncio.run(runtime.close())

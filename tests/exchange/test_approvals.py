"""The creative approval queue: unreviewed creatives cannot win, are queued once, and the owner
approves or rejects them (with a reason) over the API, seeing only its own queue."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.core.money import Currency
from jarnama.exchange.adapters import TypedBid
from jarnama.exchange.approvals import ApprovalBook, ApprovalRegistry, enqueue_unreviewed
from jarnama.exchange.auction import AuctionInput, AuctionResult, Loss, run_auction
from jarnama.exchange.ops_models import Creative, CreativeStatus
from jarnama.exchange.snapshot import ScreenSnapshot
from tests.exchange.helpers import Owners, audit_count
from tests.exchange.samples import EVENING, NOW, RATES, screen

P = "/api/v1/exchange/creatives"


def bid(bidder: str = "alpha", price: str = "5.00", **overrides: Any) -> TypedBid:
    """A valid USD bid of a 1920x1080 image for Shoro."""
    base = TypedBid(
        bidder=bidder,
        seat=f"{bidder}-seat",
        bid_id=f"{bidder}-bid",
        imp_id="1",
        price=Decimal(price),
        currency="USD",
        adm=f'<img src="https://cdn.{bidder}.example/shoro.jpg">',
        iurl=f"https://cdn.{bidder}.example/shoro-preview.jpg",
        crid=f"{bidder}-creative",
        adomain=("Shoro.kz",),
        w=1920,
        h=1080,
        mtype=1,
    )
    return dataclasses.replace(base, **overrides)


def run(
    bids: list[TypedBid], book: ApprovalBook, on: ScreenSnapshot | None = None
) -> AuctionResult:
    """One auction with the book's gate for the screen's owner."""
    board = on or screen()
    return run_auction(
        AuctionInput(
            auction_id="auction-1",
            imp_id="1",
            screen=board,
            plays_at=EVENING,
            bids=bids,
            bidder_currency={"alpha": Currency.USD, "beta": Currency.USD},
            bidder_order={"alpha": 0, "beta": 1},
            pricing="second_price",
            day=NOW.date(),
            approval=book.gate(board.account_id),
        ),
        RATES,
    )


def test_only_approved_creatives_win() -> None:
    book = ApprovalBook(
        {
            (7, "alpha", "alpha-creative", "shoro.kz"): CreativeStatus.REJECTED,
            (7, "beta", "beta-creative", "shoro.kz"): CreativeStatus.APPROVED,
            (8, "alpha", "alpha-creative", "shoro.kz"): CreativeStatus.APPROVED,
        }
    )
    result = run([bid("alpha", "9.00"), bid("beta", "4.00")], book)
    assert result.win is not None
    assert result.win.bid.bidder == "beta"
    assert [(r.bid.bidder, r.loss) for r in result.rejections] == [("alpha", Loss.DISAPPROVED)]
    # Another owner's approval counts only on its own screens.
    elsewhere = run([bid("alpha", "9.00")], book, screen(account_id=8))
    assert elsewhere.win is not None
    # Unknown creative, or the same crid for another advertiser: pending, it cannot win.
    new = run([bid("beta", crid="beta-new"), bid("beta", bid_id="b2", adomain=("x.kz",))], book)
    assert new.win is None
    assert [r.loss for r in new.rejections] == [Loss.PENDING_APPROVAL] * 2


def _creatives(session: Session) -> int:
    return session.scalar(select(func.count(Creative.id))) or 0


def test_first_sighting_queues_the_creative_once_with_its_preview(
    session: Session, owners: Owners
) -> None:
    board = screen(id=1, account_id=owners.a_id)
    result = run([bid("alpha"), bid("alpha", bid_id="again")], ApprovalBook(), board)
    assert enqueue_unreviewed(session, board, result.rejections) == 1
    assert enqueue_unreviewed(session, board, result.rejections) == 0
    [creative] = session.scalars(select(Creative)).all()
    assert (creative.status, creative.bidder, creative.crid, creative.adomain) == (
        CreativeStatus.PENDING,
        "alpha",
        "alpha-creative",
        "shoro.kz",
    )
    assert creative.iurl == "https://cdn.alpha.example/shoro-preview.jpg"
    assert creative.adm is not None
    assert "shoro.jpg" in creative.adm
    # Another owner's screen queues it separately, for that owner.
    other = screen(id=2, account_id=owners.b_id)
    result_b = run([bid("alpha")], ApprovalBook(), other)
    assert enqueue_unreviewed(session, other, result_b.rejections) == 1
    assert _creatives(session) == 2


def test_the_owner_reviews_its_queue_and_the_registry_follows(
    client: TestClient, session: Session, owners: Owners
) -> None:
    board = screen(id=1, account_id=owners.a_id)
    registry = ApprovalRegistry()
    registry.refresh(session)
    first = run([bid("alpha"), bid("beta", "4.00")], registry.book, board)
    enqueue_unreviewed(session, board, first.rejections)
    session.flush()
    h = owners.a.headers
    pending = client.get(P, params={"status": "pending"}, headers=h).json()["items"]
    assert sorted(c["bidder"] for c in pending) == ["alpha", "beta"]
    alpha = next(c for c in pending if c["bidder"] == "alpha")
    assert alpha["adomain"] == ["shoro.kz"]
    assert alpha["iurl"] == "https://cdn.alpha.example/shoro-preview.jpg"
    beta = next(c for c in pending if c["bidder"] == "beta")
    ok = client.post(f"{P}/{alpha['id']}/review", json={"decision": "approved"}, headers=h)
    assert ok.status_code == 200, ok.text
    assert (ok.json()["status"], ok.json()["reviewed_by"] is not None) == ("approved", True)
    no_reason = client.post(f"{P}/{beta['id']}/review", json={"decision": "rejected"}, headers=h)
    assert no_reason.status_code == 400
    assert no_reason.json()["field"] == "reason"
    rejected = client.post(
        f"{P}/{beta['id']}/review",
        json={"decision": "rejected", "reason": "Alcohol ads are not allowed near schools"},
        headers=h,
    )
    assert rejected.json()["reason"] == "Alcohol ads are not allowed near schools"
    assert audit_count(session, "exchange_creative") == 2
    # The runtime's registry reloads and the next auction applies the decisions.
    registry.refresh(session)
    again = run([bid("alpha"), bid("beta", "9.00")], registry.book, board)
    assert again.win is not None
    assert again.win.bid.bidder == "alpha"
    assert [r.loss for r in again.rejections] == [Loss.DISAPPROVED]
    listed = client.get(P, params={"status": "approved"}, headers=h).json()["items"]
    assert [c["id"] for c in listed] == [alpha["id"]]


def test_another_owner_never_sees_or_reviews_the_queue(
    client: TestClient, session: Session, owners: Owners
) -> None:
    board = screen(id=1, account_id=owners.a_id)
    enqueue_unreviewed(session, board, run([bid("alpha")], ApprovalBook(), board).rejections)
    session.flush()
    creative_id = session.scalars(select(Creative.id)).one()
    b = owners.b.headers
    assert client.get(P, headers=b).json()["items"] == []
    assert client.get(P, params={"account_id": owners.a_id}, headers=b).json()["items"] == []
    assert client.get(f"{P}/{creative_id}", headers=b).status_code == 404
    review = client.post(f"{P}/{creative_id}/review", json={"decision": "approved"}, headers=b)
    assert review.status_code == 404
    assert audit_count(session, "exchange_creative") == 0
    analyst = client.post(
        f"{P}/{creative_id}/review", json={"decision": "approved"}, headers=owners.a_analyst.headers
    )
    assert analyst.status_code == 403
    assert client.get(f"{P}/{creative_id}", headers=owners.admin.headers).status_code == 200

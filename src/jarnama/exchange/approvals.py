"""The creative approval queue: a DSP creative wins on a screen only once its owner approved it.

A creative is one bidder's `crid` for one set of advertiser domains, per media owner. The first
time it bids on an owner's screen the auction refuses it (loss 201, "pending approval") and it is
queued; the owner approves it, or rejects it with a reason (loss 202 from then on). The hot path
reads an immutable `ApprovalBook` (no ORM); `ApprovalRegistry` reloads it when the decisions
change, checked by a cheap fingerprint like the inventory snapshot.

This module keeps its SQL next to its rules (a small domain of one table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import utcnow
from jarnama.exchange import changes
from jarnama.exchange.adapters import TypedBid
from jarnama.exchange.auction import Approval, Loss, Rejection
from jarnama.exchange.ops_models import Creative, CreativeStatus
from jarnama.exchange.snapshot import ScreenSnapshot
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

CreativeKey = tuple[int, str, str, str]  # owner account, bidder, crid, adomain key
# A preview is for a person to look at; a DSP's 2 MB VAST wrapper is cut.
MAX_PREVIEW_CHARS = 64 * 1024
_STATUS_TO_APPROVAL = {
    CreativeStatus.APPROVED: Approval.APPROVED,
    CreativeStatus.REJECTED: Approval.REJECTED,
    CreativeStatus.PENDING: Approval.PENDING,
}


def adomain_key(domains: Iterable[str]) -> str:
    """The advertiser domains as one key: lower-case, sorted, unique, comma-joined."""
    return ",".join(sorted({domain.strip().lower() for domain in domains if domain.strip()}))


def creative_key(account_id: int, bid: TypedBid) -> CreativeKey:
    """The key a bid's creative is reviewed under by one owner."""
    return (account_id, bid.bidder, bid.crid or "", adomain_key(bid.adomain))


@dataclass(frozen=True)
class ApprovalBook:
    """Every reviewed or queued creative's status, by key (immutable)."""

    statuses: Mapping[CreativeKey, CreativeStatus] = field(default_factory=dict)

    def check(self, account_id: int, bid: TypedBid) -> Approval:
        """Approved or rejected as the owner decided; anything else waits (pending)."""
        status = self.statuses.get(creative_key(account_id, bid))
        return Approval.PENDING if status is None else _STATUS_TO_APPROVAL[status]

    def gate(self, account_id: int) -> Callable[[TypedBid], Approval]:
        """The check of one owner, as the auction takes it."""
        return lambda bid: self.check(account_id, bid)


def load_book(session: Session) -> ApprovalBook:
    """Every creative's status from the database."""
    rows = session.execute(
        select(
            Creative.account_id, Creative.bidder, Creative.crid, Creative.adomain, Creative.status
        )
    )
    return ApprovalBook({(r.account_id, r.bidder, r.crid, r.adomain): r.status for r in rows})


def _fingerprint(session: Session) -> tuple[Any, ...]:
    row = session.execute(
        select(func.count(Creative.id), func.max(Creative.id), func.max(Creative.reviewed_at))
    ).one()
    return tuple(row)


class ApprovalRegistry:
    """The process's approval book, reloaded when a creative is queued or reviewed.

    Plugs into the exchange runtime as its `approval_policy` (screen → bid → Approval).
    """

    def __init__(self) -> None:
        self.book = ApprovalBook()
        self._fingerprint: tuple[Any, ...] | None = None

    def refresh(self, session: Session, *, force: bool = False) -> None:
        """Reload the book if any creative was added or reviewed since the last load."""
        found = _fingerprint(session)
        if force or found != self._fingerprint:
            self.book = load_book(session)
            self._fingerprint = found

    def policy(self, screen: ScreenSnapshot) -> Callable[[TypedBid], Approval]:
        """The approval check for bids on one screen (its owner's decisions)."""
        return self.book.gate(screen.account_id)


def _preview(value: str | None, limit: int) -> str | None:
    return None if value is None else value[:limit]


def enqueue_unreviewed(
    session: Session, screen: ScreenSnapshot, rejections: Iterable[Rejection]
) -> int:
    """Queue the creatives an auction refused as pending approval; returns how many were new.

    Idempotent and safe under concurrency (INSERT … ON CONFLICT DO NOTHING): two servers seeing
    the same new creative at once queue it once.
    """
    rows: dict[CreativeKey, dict[str, Any]] = {}
    now = utcnow()
    for rejection in rejections:
        bid = rejection.bid
        if rejection.loss is not Loss.PENDING_APPROVAL or not bid.crid:
            continue
        key = creative_key(screen.account_id, bid)
        rows.setdefault(
            key,
            {
                "account_id": screen.account_id,
                "bidder": bid.bidder,
                "crid": bid.crid[:200],
                "adomain": key[3][:500],
                "seat": bid.seat[:200],
                "status": CreativeStatus.PENDING.value,
                "adm": _preview(bid.adm, MAX_PREVIEW_CHARS),
                "iurl": _preview(bid.iurl, 2000),
                "nurl": _preview(bid.nurl, 2000),
                "categories": list(bid.cat),
                "width": bid.w,
                "height": bid.h,
                "duration": bid.dur,
                "first_screen_id": screen.id,
                "first_seen_at": now,
            },
        )
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = maker(Creative).values(list(rows.values()))
    stmt = stmt.on_conflict_do_nothing(index_elements=["account_id", "bidder", "crid", "adomain"])
    # RETURNING counts what was inserted on both databases (psycopg's rowcount is -1 here).
    return len(session.execute(stmt.returning(Creative.id)).all())


def queue_creative(
    session: Session,
    account_id: int,
    *,
    bidder: str,
    crid: str,
    adomain: Iterable[str],
    seat: str,
    now: dt.datetime | None = None,
) -> Creative:
    """A creative in one owner's queue before it bid there (pending; the existing row if any).

    For an owner who reviews a DSP's creatives ahead of its first bid (the demo does, so its
    printed player request gets a bid); the review itself goes through `review_creative`.
    """
    key = (account_id, bidder, crid[:200], adomain_key(adomain)[:500])
    stmt = select(Creative).where(
        Creative.account_id == key[0],
        Creative.bidder == key[1],
        Creative.crid == key[2],
        Creative.adomain == key[3],
    )
    found = session.scalars(stmt).one_or_none()
    if found is not None:
        return found
    creative = Creative(
        account_id=account_id,
        bidder=bidder,
        crid=key[2],
        adomain=key[3],
        seat=seat[:200],
        status=CreativeStatus.PENDING,
        categories=[],
        first_seen_at=now or utcnow(),
    )
    session.add(creative)
    session.flush()
    return creative


# --- the owner's queue (API) ---------------------------------------------------------------


def creatives(
    account_ids: frozenset[int] | None,
    *,
    status: CreativeStatus | None,
    account_id: int | None,
    bidder: str | None,
) -> Select[Any]:
    """Creatives of the given owners (None: every owner), optionally filtered."""
    stmt = select(Creative)
    if account_ids is not None:
        stmt = stmt.where(Creative.account_id.in_(account_ids))
    if account_id is not None:
        stmt = stmt.where(Creative.account_id == account_id)
    if status is not None:
        stmt = stmt.where(Creative.status == status)
    if bidder is not None:
        stmt = stmt.where(Creative.bidder == bidder)
    return stmt


def list_creatives(
    session: Session,
    principal: Principal,
    *,
    status: CreativeStatus | None,
    account_id: int | None,
    bidder: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Creative], str | None]:
    """One page of the creatives the caller's screens have seen (oldest first)."""
    principal.ensure_can_read()
    stmt = creatives(
        principal.visible_account_ids(), status=status, account_id=account_id, bidder=bidder
    )
    return paginate(session, stmt, Creative.id, cursor=cursor, limit=limit)


def get_creative(session: Session, principal: Principal, creative_id: int) -> Creative:
    """A creative of the caller's queue (404 otherwise, also for other owners' creatives)."""
    principal.ensure_can_read()
    creative = session.get(Creative, creative_id)
    if creative is None:
        raise NotFound("creative not found")
    principal.ensure_access(creative.account_id, "creative")
    return creative


def review_creative(
    session: Session,
    principal: Principal,
    creative_id: int,
    decision: CreativeStatus,
    reason: str | None,
    *,
    now: dt.datetime | None = None,
) -> Creative:
    """Approve a creative, or reject it with a reason; a later review may change its mind."""
    creative = get_creative(session, principal, creative_id)
    principal.ensure_can_write()
    if decision is CreativeStatus.PENDING:
        raise InvalidInput("decide approved or rejected", field="decision")
    reason = (reason or "").strip() or None
    if decision is CreativeStatus.REJECTED and reason is None:
        raise InvalidInput("a rejection gives its reason", field="reason")
    before = audit.snapshot(creative)
    creative.status = decision
    creative.reason = reason
    creative.reviewed_at = now or utcnow()
    creative.reviewed_by = principal.actor[:100]
    session.flush()
    changes.note_change(session)
    after = audit.snapshot(creative)
    for state in (before, after):
        if state is not None:
            state.pop("adm", None)  # the markup can be large; the audit keeps the decision
    audit.record(
        session,
        principal,
        "update",
        "exchange_creative",
        creative.id,
        account_id=creative.account_id,
        before=before,
        after=after,
        note=f"review: {decision.value}",
    )
    return creative

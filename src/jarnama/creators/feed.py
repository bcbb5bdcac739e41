"""The purchase feed: an advertiser uploads its orders (CSV or JSON Lines) instead of postbacks.

Each row carries the postback macros — order_id, amount, currency, status, promo_code,
click_id, goal, buyer (or buyer_hash), city, referrer, occurred_at, lines — and goes through
`postback.record`, the same code path as a postback, so a feed is idempotent per offer and
order id exactly like postbacks are: re-uploading a file changes nothing, a later status
(approved, cancelled, refunded) moves the existing conversion.

Rows are applied 500 at a time (`_apply_chunk`): one set of queries preloads what the
chunk's rows can ask about (`order_facts.ChunkFacts`: codes, clicks, participations, profiles,
the counts behind caps, tiers and fraud rules), each row is decided in turn by the same
`postback` code against those facts — kept current as rows are applied, so a cap reached or a
repeat buyer inside the chunk is seen by the next row — and the chunk is written in one flush
(`deferred`: a few multi-row statements, balances locked and checked in memory). A refused
row's objects are dropped before the flush, which is what its rolled-back SAVEPOINT did. A
chunk that meets a conflict (the same order written by a postback meanwhile) is rolled back
and applied again row by row, each row in a SAVEPOINT of its own with every fact by SQL — the
reference path, also chosen by `row_by_row=True`; tests/creators/test_feed_chunks.py holds
the two to the same result.

All or nothing: the run writes inside a SAVEPOINT, so a refused row leaves no trace. When a
row is refused and `allow_partial` is off, every row is still tried (so every problem is
reported by line, field and reason) and the outer SAVEPOINT is rolled back at the end. The
caller owns the transaction and commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jarnama.catalog.readers import PROBLEM_KEY
from jarnama.config import Settings
from jarnama.core.errors import JarnamaError
from jarnama.core.time import utcnow
from jarnama.creators import deferred, order_facts, postback, repository
from jarnama.creators.models import Conversion, Offer
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

FEED_COLUMNS = frozenset(
    {
        "order_id",
        "amount",
        "currency",
        "status",
        "promo_code",
        "click_id",
        "goal",
        "buyer",
        "buyer_hash",
        "city",
        "referrer",
        "occurred_at",
        "lines",
    }
)
# Past this many, problems are counted but not listed.
MAX_LISTED_ERRORS = 10_000
LOOKUP_CHUNK = 500  # rows whose facts are preloaded together and written in one flush

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class FeedRowError:
    """One problem of one feed row."""

    line: int
    field: str
    reason: str


@dataclass(slots=True)
class FeedReport:
    """What a feed import did: counts per outcome, and every refused row's line, field, reason."""

    offer_id: int
    source: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    applied: bool = False
    errors: list[FeedRowError] = field(default_factory=list)
    errors_omitted: int = 0

    def reject(self, line: int, name: str, reason: str) -> None:
        """Count a refused row and list its problem."""
        self.rejected += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(FeedRowError(line, name, reason))
        else:
            self.errors_omitted += 1


def _cell(value: object) -> str:
    """A CSV cell or JSON value as the postback parameter string."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int | str):
        return str(value).strip()
    if isinstance(value, bool | float):
        raise ValueError("must be text or a number")
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def _params(row: Mapping[Any, object]) -> tuple[dict[str, str], tuple[str, str] | None]:
    """A row as postback parameters, or the first problem with its shape."""
    if PROBLEM_KEY in row:
        return {}, ("row", str(row[PROBLEM_KEY]))
    params: dict[str, str] = {}
    for key, value in row.items():
        if key is None:
            return {}, ("row", "has more cells than the header")
        name = str(key).strip()
        if name not in FEED_COLUMNS:
            return {}, (name, "is not a known column: " + ", ".join(sorted(FEED_COLUMNS)))
        try:
            params[name] = _cell(value)
        except ValueError as exc:
            return {}, (name, str(exc))
    if "buyer_hash" in params:
        params["buyer"] = params.pop("buyer_hash") or params.get("buyer", "")
    return params, None


def import_feed(
    session: Session,
    settings: Settings,
    offer: Offer,
    rows: Iterable[Mapping[Any, object]],
    *,
    actor: Principal | str,
    source: str | None = None,
    first_line: int = 2,
    allow_partial: bool = False,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    row_by_row: bool = False,
) -> FeedReport:
    """Apply a purchase feed to one offer; nothing is applied if a row is refused (unless partial).

    The caller has checked that `actor` may manage the offer. Rows are applied a chunk at a
    time with preloaded facts and one flush; `row_by_row` takes the reference path instead
    (one SAVEPOINT and every fact by SQL per row), which gives the same result more slowly.
    """
    report = FeedReport(offer_id=offer.id, source=source)
    history_actor = f"feed:offer:{offer.id}"
    outer = session.begin_nested()
    for start, chunk in _chunks(rows, LOOKUP_CHUNK):
        parsed = [_params(row) for row in chunk]
        first = first_line + start
        if row_by_row or not _apply_chunk(
            session, settings, offer, report, first, parsed, history_actor, now
        ):
            # A conflict (the same order reported by a postback meanwhile) or a refused row
            # that had already changed a known conversion: the chunk was rolled back and is
            # applied again the slow, exact way, one SAVEPOINT per row.
            _apply_rows(session, settings, offer, report, first, parsed, history_actor, now)
        if progress is not None:
            progress(report.rows)
    if report.rejected and not allow_partial:
        outer.rollback()
        report.created = report.updated = report.unchanged = 0
        return report
    outer.commit()
    report.applied = True
    audit.record(
        session,
        actor,
        "import",
        "creator_feed",
        offer.id,
        account_id=offer.account_id,
        after={
            "source": source,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
        },
    )
    return report


def _chunks(
    rows: Iterable[Mapping[Any, object]], size: int
) -> Iterator[tuple[int, list[Mapping[Any, object]]]]:
    """Rows in lists of `size`, with the index of each list's first row."""
    chunk: list[Mapping[Any, object]] = []
    start = 0
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield start, chunk
            start += size
            chunk = []
    if chunk:
        yield start, chunk


class _Replay(Exception):
    """A chunk must be rolled back and applied row by row."""


def _row_time(params: dict[str, str], now: dt.datetime | None) -> dt.datetime | None:
    """When a row's order happened, as `postback.record` will read it (None: refused)."""
    try:
        return postback.occurred_at(params.get("occurred_at"), now or utcnow())
    except postback.PostbackRejected:
        return None


def _apply_chunk(
    session: Session,
    settings: Settings,
    offer: Offer,
    report: FeedReport,
    first: int,
    parsed: list[tuple[dict[str, str], tuple[str, str] | None]],
    history_actor: str,
    now: dt.datetime | None,
) -> bool:
    """Apply a chunk with preloaded facts and one flush; False when nothing was applied.

    Rows are decided one after another exactly as `_apply_rows` would (each row sees the
    counts, caps and balances left by the rows before it); a refused row's new objects are
    simply not written, which is what its rolled-back SAVEPOINT did.
    """
    good = [params for params, problem in parsed if problem is None]
    order_ids = sorted({p.get("order_id", "").strip() for p in good} - {""})
    conversions = repository.conversions_by_order(session, offer.id, order_ids)
    times = [t for t in (_row_time(p, now) for p in good) if t is not None]
    saved = (report.rows, report.created, report.updated, report.unchanged, report.rejected)
    saved_errors = (len(report.errors), report.errors_omitted)
    savepoint = session.begin_nested()
    added: list[object] = []

    def track(_session: Session, instance: object) -> None:
        added.append(instance)

    try:
        if all(p.get("order_id", "").strip() in conversions for p in good):
            # Known orders only move (a re-upload, status updates): no row reads the facts.
            facts = order_facts.ChunkFacts(session, offer)
        else:
            facts = order_facts.ChunkFacts.load(session, offer, good, times, conversions.values())
        event.listen(session, "transient_to_pending", track)
        try:
            with deferred.deferred(session) as books:
                books.prepare(offer.account_id, facts.creators)
                for offset, (params, problem) in enumerate(parsed):
                    report.rows += 1
                    if problem is not None:
                        report.reject(first + offset, *problem)
                        continue
                    order_id = params.get("order_id", "").strip()
                    existing = conversions.get(order_id)
                    before = facts.snapshot(existing)
                    added.clear()
                    mark = books.mark()
                    try:
                        applied = postback.apply_order(
                            session,
                            settings,
                            offer,
                            params,
                            history_actor,
                            now=now,
                            looked_up=True,
                            existing=existing,
                            facts=facts,
                        )
                    except JarnamaError as exc:  # refused, or escrow cannot cover an approval
                        if existing is not None and session.is_modified(existing):
                            raise _Replay from exc
                        for instance in added:
                            session.expunge(instance)
                        books.discard_since(mark)
                        report.reject(
                            first + offset, exc.field or "row", f"{exc.code}: {exc.message}"
                        )
                        continue
                    facts.applied(applied.conversion, before)
                    if applied.created:
                        report.created += 1
                        conversions[order_id] = applied.conversion
                    elif applied.duplicate:
                        report.unchanged += 1
                    else:
                        report.updated += 1
        finally:
            event.remove(session, "transient_to_pending", track)
        session.flush()
        books.write()
    except (_Replay, IntegrityError):
        savepoint.rollback()
        report.rows, report.created, report.updated, report.unchanged, report.rejected = saved
        del report.errors[saved_errors[0] :]
        report.errors_omitted = saved_errors[1]
        return False
    savepoint.commit()
    return True


def _apply_rows(
    session: Session,
    settings: Settings,
    offer: Offer,
    report: FeedReport,
    first: int,
    parsed: list[tuple[dict[str, str], tuple[str, str] | None]],
    history_actor: str,
    now: dt.datetime | None,
) -> None:
    """Apply a chunk row by row, each in a SAVEPOINT of its own (every fact by SQL)."""
    order_ids = sorted({p.get("order_id", "").strip() for p, _ in parsed} - {""})
    conversions = repository.conversions_by_order(session, offer.id, order_ids)
    for offset, (params, problem) in enumerate(parsed):
        _apply_row(
            session,
            settings,
            offer,
            report,
            first + offset,
            params,
            problem,
            conversions,
            history_actor,
            now,
        )


def _apply_row(
    session: Session,
    settings: Settings,
    offer: Offer,
    report: FeedReport,
    line: int,
    params: dict[str, str],
    problem: tuple[str, str] | None,
    conversions: dict[str, Conversion],
    history_actor: str,
    now: dt.datetime | None,
) -> None:
    """Apply one feed row in a SAVEPOINT of its own and count its outcome."""
    report.rows += 1
    if problem is not None:
        report.reject(line, *problem)
        return
    order_id = params.get("order_id", "").strip()
    existing = conversions.get(order_id)
    inner = session.begin_nested()
    try:
        result = postback.record(
            session,
            settings,
            offer,
            params,
            history_actor,
            now=now,
            looked_up=True,
            existing=existing,
        )
    except postback.PostbackRejected as exc:
        inner.rollback()
        report.reject(line, exc.field or "row", f"{exc.code}: {exc.message}")
        return
    except JarnamaError as exc:  # e.g. escrow cannot cover an order reported approved
        inner.rollback()
        report.reject(line, exc.field or "row", f"{exc.code}: {exc.message}")
        return
    inner.commit()
    if existing is None:
        report.created += 1
        created = session.get(Conversion, result.conversion_id)
        if created is not None:  # a later row of the same order in this file updates it
            conversions[order_id] = created
    elif result.duplicate:
        report.unchanged += 1
    else:
        report.updated += 1

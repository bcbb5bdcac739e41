"""The purchase feed: an advertiser uploads its orders (CSV or JSON Lines) instead of postbacks.

Each row carries the postback macros — order_id, amount, currency, status, promo_code,
click_id, goal, buyer (or buyer_hash), city, referrer, occurred_at, lines — and goes through
`postback.record`, the same code path as a postback, so a feed is idempotent per offer and
order id exactly like postbacks are: re-uploading a file changes nothing, a later status
(approved, cancelled, refunded) moves the existing conversion.

All or nothing: the run writes inside a SAVEPOINT and each row inside its own, so a refused
row leaves no trace. When a row is refused and `allow_partial` is off, every row is still
tried (so every problem is reported by line, field and reason) and the outer SAVEPOINT is
rolled back at the end. The caller owns the transaction and commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from jarnama.catalog.readers import PROBLEM_KEY
from jarnama.config import Settings
from jarnama.core.errors import JarnamaError
from jarnama.creators import postback, repository
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
PROGRESS_EVERY = 100
LOOKUP_CHUNK = 500  # rows whose known orders are looked up in one query

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
) -> FeedReport:
    """Apply a purchase feed to one offer; nothing is applied if a row is refused (unless partial).

    The caller has checked that `actor` may manage the offer.
    """
    report = FeedReport(offer_id=offer.id, source=source)
    history_actor = f"feed:offer:{offer.id}"
    outer = session.begin_nested()
    for start, chunk in _chunks(rows, LOOKUP_CHUNK):
        # One query finds the chunk's known orders instead of one (or two) per row.
        parsed = [_params(row) for row in chunk]
        order_ids = sorted({p.get("order_id", "").strip() for p, _ in parsed} - {""})
        conversions = repository.conversions_by_order(session, offer.id, order_ids)
        for offset, (params, problem) in enumerate(parsed):
            _apply_row(
                session,
                settings,
                offer,
                report,
                first_line + start + offset,
                params,
                problem,
                conversions,
                history_actor,
                now,
            )
            if progress is not None and report.rows % PROGRESS_EVERY == 0:
                progress(report.rows)
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

"""The purchase feed: the postback path row by row, idempotent, all or nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.catalog.readers import rows_of_bytes
from jarnama.creators import feed
from jarnama.creators.models import Conversion, ConversionStatus
from jarnama.tenancy.models import AuditEntry
from tests.creators.helpers import Exchange, fund

COLUMNS = ["order_id", "amount", "currency", "status", "promo_code", "click_id", "goal", "buyer"]


def _csv(rows: list[dict[str, Any]], columns: list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _order(ex: Exchange, order_id: str, **extra: Any) -> dict[str, Any]:
    row = {"order_id": order_id, "amount": "15000", "currency": "KZT", "promo_code": ex.code}
    row.update(extra)
    return row


def _run(session: Session, ex: Exchange, data: bytes, **kw: Any) -> feed.FeedReport:
    rows = rows_of_bytes(data, "csv", "orders.csv")
    return feed.import_feed(
        session, ex.settings, ex.offer, rows, actor=ex.advertiser, source=rows.name, **kw
    )


def _conversions(session: Session, ex: Exchange) -> int:
    stmt = select(func.count()).select_from(Conversion).where(Conversion.offer_id == ex.offer.id)
    return int(session.scalar(stmt) or 0)


def test_a_feed_creates_conversions_and_a_second_upload_changes_nothing(
    session: Session, ex: Exchange
) -> None:
    data = _csv([_order(ex, "F-1"), _order(ex, "F-2", promo_code=ex.code2, goal="sale")])
    first = _run(session, ex, data)
    assert (first.applied, first.created, first.rows) == (True, 2, 2)
    again = _run(session, ex, data)
    assert (again.created, again.unchanged, again.updated) == (0, 2, 0)
    assert _conversions(session, ex) == 2
    audits = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "creator_feed")
    )
    assert audits == 2


def test_a_later_status_moves_the_conversion_like_a_postback(
    session: Session, ex: Exchange
) -> None:
    fund(session, ex, 10_000)
    _run(session, ex, _csv([_order(ex, "F-3"), _order(ex, "F-4")]))
    moved = _run(
        session,
        ex,
        _csv([_order(ex, "F-3", status="approved"), _order(ex, "F-4", status="cancelled")]),
    )
    assert moved.updated == 2
    by_order = {
        c.order_id: c.status
        for c in session.scalars(select(Conversion).where(Conversion.offer_id == ex.offer.id))
    }
    assert by_order == {"F-3": ConversionStatus.APPROVED, "F-4": ConversionStatus.DECLINED}


def test_one_bad_row_applies_nothing_and_every_problem_is_listed(
    session: Session, ex: Exchange
) -> None:
    data = _csv(
        [
            _order(ex, "F-5"),
            _order(ex, "F-6", promo_code="NOPE-0000"),
            _order(ex, "", amount="10"),
            _order(ex, "F-7", amount="-3"),
            _order(ex, "F-8", status="lost"),
        ]
    )
    report = _run(session, ex, data)
    assert not report.applied
    assert report.created == 0
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "promo_code"),
        (4, "order_id"),
        (5, "amount"),
        (6, "status"),
    ]
    assert report.errors[0].reason.startswith("unknown_promo_code: ")
    assert _conversions(session, ex) == 0


def test_allow_partial_applies_the_good_rows(session: Session, ex: Exchange) -> None:
    data = _csv([_order(ex, "F-9"), _order(ex, "F-10", promo_code="NOPE-0000")])
    report = _run(session, ex, data, allow_partial=True)
    assert (report.applied, report.created, report.rejected) == (True, 1, 1)
    assert _conversions(session, ex) == 1


def test_shape_problems_are_row_errors(session: Session, ex: Exchange) -> None:
    data = b"order_id,amount,promo_code,colour\nF-11,100,X,red\n"
    report = _run(session, ex, data)
    assert [(e.line, e.field) for e in report.errors] == [(2, "colour")]
    jsonl = rows_of_bytes(
        b'{"order_id": "F-12", "amount": 1.5, "buyer_hash": "ab"}\n[1]\n', "jsonl", "x"
    )
    report = feed.import_feed(
        session, ex.settings, ex.offer, jsonl, actor="test", first_line=1, allow_partial=True
    )
    assert [(e.line, e.field) for e in report.errors] == [(1, "click_id"), (2, "row")]


def test_one_order_twice_in_a_file_is_created_then_moved(session: Session, ex: Exchange) -> None:
    fund(session, ex, 100_000)
    data = _csv([_order(ex, "TW-1"), _order(ex, "TW-1", status="approved")], [*COLUMNS])
    out = _run(session, ex, data)
    assert (out.created, out.updated, out.unchanged) == (1, 1, 0)
    statuses = session.scalars(select(Conversion.status).where(Conversion.order_id == "TW-1"))
    assert list(statuses) == [ConversionStatus.APPROVED]

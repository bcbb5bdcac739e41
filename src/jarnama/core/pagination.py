"""Cursor pagination: opaque cursors over a strictly increasing integer key."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jarnama.core.errors import InvalidInput

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of results and the cursor of the next page (null on the last one)."""

    items: list[T]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page.")


def encode_cursor(last_id: int) -> str:
    """An opaque cursor pointing after `last_id`."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id a cursor points after (0 for the first page)."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "id" or not value.isdigit():
            raise ValueError(raw)
        return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput("cursor is not one this API issued", field="cursor") from exc


def paginate(
    session: Session,
    stmt: Select[Any],
    id_column: InstrumentedAttribute[int],
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[T], str | None]:
    """Run `stmt` for the page after `cursor`, ordered by `id_column`: rows and next cursor."""
    after = decode_cursor(cursor)
    rows: list[T] = list(
        session.scalars(stmt.where(id_column > after).order_by(id_column).limit(limit + 1)).all()
    )
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(int(getattr(rows[-1], id_column.key)))
    return rows, None

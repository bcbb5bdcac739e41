"""A process-wide count of operations changes (reviews, DCO campaigns) the caches re-check on.

The serving caches (`ExchangeOps`: approval book, DCO book) re-read their fingerprint query at
most every `exchange.ops.reload_seconds`; a change made through this process bumps the count, so
its next auction re-checks at once instead (immediately after the commit, and once more at it).
Changes made by another server process are seen within `reload_seconds`.
"""

from __future__ import annotations

import itertools

from sqlalchemy import event
from sqlalchemy.orm import Session

_counter = itertools.count(1)
_current = 0


def current() -> int:
    """The number of the latest change noted in this process."""
    return _current


def _bump(*_: object) -> None:
    global _current
    _current = next(_counter)


def note_change(session: Session) -> None:
    """Note a change now and again when `session` commits (a reload before it reads old rows)."""
    _bump()
    event.listen(session, "after_commit", _bump, once=True)

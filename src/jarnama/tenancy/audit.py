"""The audit log: every write records who, what, when, and the state before and after."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from jarnama.core.db import Base
from jarnama.core.logging import request_id_var
from jarnama.tenancy.models import AuditEntry
from jarnama.tenancy.principal import Principal

SECRET_COLUMNS = frozenset({"password_hash", "secret_hash", "token_hash"})


def snapshot(obj: Base | None) -> dict[str, Any] | None:
    """The column values of an ORM object as JSON-safe data (secrets left out)."""
    if obj is None:
        return None
    state: dict[str, Any] = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key in SECRET_COLUMNS:
            continue
        state[attr.key] = _jsonable(getattr(obj, attr.key))
    return state


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(
    session: Session,
    actor: Principal | str,
    action: str,
    entity: str,
    entity_id: object,
    *,
    account_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEntry:
    """Add one audit entry to the current unit of work (committed with the change itself)."""
    entry = AuditEntry(
        actor=actor if isinstance(actor, str) else actor.actor,
        actor_account_id=None if isinstance(actor, str) else actor.account_id,
        account_id=account_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before,
        after=after,
        request_id=request_id_var.get(),
        note=note,
    )
    session.add(entry)
    return entry

"""SQL of the player side: player tokens, leases and billed plays."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.exchange.models import Screen
from jarnama.exchange.player_models import Lease, PlayBilling, PlayerToken


def token_by_prefix(session: Session, prefix: str) -> PlayerToken | None:
    """A player token by its public prefix."""
    return session.scalars(select(PlayerToken).where(PlayerToken.prefix == prefix)).first()


def screen_is_active(session: Session, screen_id: int) -> bool:
    """True when the screen exists and is on sale."""
    return bool(session.scalar(select(Screen.active).where(Screen.id == screen_id)))


def lease_by_code(session: Session, code: str, *, for_update: bool = False) -> Lease | None:
    """A lease by its public id; `for_update` locks the row (PostgreSQL) for a proof or release."""
    stmt = select(Lease).where(Lease.code == code)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def billing_of(session: Session, lease_id: int) -> PlayBilling | None:
    """The billed play of a lease, if any."""
    return session.scalars(select(PlayBilling).where(PlayBilling.lease_id == lease_id)).first()

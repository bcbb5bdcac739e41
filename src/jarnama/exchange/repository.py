"""SQL of the exchange domain (services call these; nothing else here touches the database)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from jarnama.exchange.models import Deal, Screen, ScreenGroup, ScreenGroupMember
from jarnama.tenancy.models import Account

# Keeps every IN (...) list well below SQLite's 32k bound-parameter limit.
CHUNK = 900


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def account_by_id(session: Session, account_id: int) -> Account | None:
    """An account by id."""
    return session.get(Account, account_id)


# --- screens -------------------------------------------------------------------------------


def screen_by_id(session: Session, screen_id: int) -> Screen | None:
    """A screen by id (no tenant check: the service makes it)."""
    return session.get(Screen, screen_id)


def screens(
    account_ids: Collection[int] | None,
    *,
    account_id: int | None = None,
    city: str | None = None,
    active: bool | None = None,
) -> Select[Any]:
    """Screens of the given accounts (None: every account), optionally filtered."""
    stmt = select(Screen)
    if account_ids is not None:
        stmt = stmt.where(Screen.account_id.in_(account_ids))
    if account_id is not None:
        stmt = stmt.where(Screen.account_id == account_id)
    if city is not None:
        stmt = stmt.where(Screen.city == city)
    if active is not None:
        stmt = stmt.where(Screen.active.is_(active))
    return stmt


def screens_by_code(session: Session, account_id: int, codes: Sequence[str]) -> dict[str, Screen]:
    """The account's screens with these codes, by code."""
    found: dict[str, Screen] = {}
    for chunk in _chunks(codes):
        stmt = select(Screen).where(Screen.account_id == account_id, Screen.code.in_(chunk))
        for screen in session.scalars(stmt):
            found[screen.code] = screen
    return found


def screen_owners(session: Session, screen_ids: Sequence[int]) -> dict[int, int]:
    """Screen id → owning account id, for the ids that exist."""
    owners: dict[int, int] = {}
    for chunk in _chunks(screen_ids):
        rows = session.execute(
            select(Screen.id, Screen.account_id).where(Screen.id.in_(chunk))
        ).all()
        owners.update({row.id: row.account_id for row in rows})
    return owners


def active_screens(session: Session) -> list[Screen]:
    """Every active screen (the serving snapshot is compiled from these)."""
    return list(session.scalars(select(Screen).where(Screen.active.is_(True)).order_by(Screen.id)))


# --- groups --------------------------------------------------------------------------------


def group_by_id(session: Session, group_id: int) -> ScreenGroup | None:
    """A screen group by id (no tenant check)."""
    return session.get(ScreenGroup, group_id)


def group_by_name(session: Session, account_id: int, name: str) -> ScreenGroup | None:
    """The account's group with this name."""
    stmt = select(ScreenGroup).where(ScreenGroup.account_id == account_id, ScreenGroup.name == name)
    return session.scalars(stmt).first()


def groups(account_ids: Collection[int] | None, *, account_id: int | None = None) -> Select[Any]:
    """Screen groups of the given accounts (None: every account)."""
    stmt = select(ScreenGroup)
    if account_ids is not None:
        stmt = stmt.where(ScreenGroup.account_id.in_(account_ids))
    if account_id is not None:
        stmt = stmt.where(ScreenGroup.account_id == account_id)
    return stmt


def group_members(session: Session, group_ids: Sequence[int]) -> dict[int, list[int]]:
    """Group id → its screen ids (ascending)."""
    members: dict[int, list[int]] = {group_id: [] for group_id in group_ids}
    for chunk in _chunks(group_ids):
        stmt = (
            select(ScreenGroupMember.group_id, ScreenGroupMember.screen_id)
            .where(ScreenGroupMember.group_id.in_(chunk))
            .order_by(ScreenGroupMember.screen_id)
        )
        for row in session.execute(stmt):
            members[row.group_id].append(row.screen_id)
    return members


def set_group_members(session: Session, group_id: int, screen_ids: Sequence[int]) -> None:
    """Replace a group's members."""
    session.execute(delete(ScreenGroupMember).where(ScreenGroupMember.group_id == group_id))
    if screen_ids:
        session.execute(
            insert(ScreenGroupMember),
            [{"group_id": group_id, "screen_id": screen_id} for screen_id in screen_ids],
        )


def group_owners(session: Session, group_ids: Sequence[int]) -> dict[int, int]:
    """Group id → owning account id, for the ids that exist."""
    owners: dict[int, int] = {}
    for chunk in _chunks(group_ids):
        rows = session.execute(
            select(ScreenGroup.id, ScreenGroup.account_id).where(ScreenGroup.id.in_(chunk))
        ).all()
        owners.update({row.id: row.account_id for row in rows})
    return owners


def all_group_members(session: Session) -> dict[int, list[int]]:
    """Every group's screen ids (for the serving snapshot)."""
    members: dict[int, list[int]] = {}
    stmt = select(ScreenGroupMember.group_id, ScreenGroupMember.screen_id)
    for row in session.execute(stmt):
        members.setdefault(row.group_id, []).append(row.screen_id)
    return members


# --- deals ---------------------------------------------------------------------------------


def deal_by_id(session: Session, deal_id: int) -> Deal | None:
    """A deal by id (no tenant check)."""
    return session.get(Deal, deal_id)


def deal_by_code(session: Session, code: str) -> Deal | None:
    """A deal by its exchange-wide code."""
    return session.scalars(select(Deal).where(Deal.code == code)).first()


def deals(account_ids: Collection[int] | None, *, account_id: int | None = None) -> Select[Any]:
    """Deals of the given accounts (None: every account)."""
    stmt = select(Deal)
    if account_ids is not None:
        stmt = stmt.where(Deal.account_id.in_(account_ids))
    if account_id is not None:
        stmt = stmt.where(Deal.account_id == account_id)
    return stmt


def active_deals(session: Session) -> list[Deal]:
    """Every active deal (for the serving snapshot)."""
    return list(session.scalars(select(Deal).where(Deal.active.is_(True)).order_by(Deal.id)))

"""SQL of the tenancy domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from jarnama.tenancy.models import (
    Account,
    AccountKind,
    AgencyClient,
    ApiKey,
    AuditEntry,
    SessionToken,
    User,
)


def api_key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    """The API key with this public prefix."""
    return session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()


def api_key_by_id(session: Session, key_id: int) -> ApiKey | None:
    """An API key by id."""
    return session.get(ApiKey, key_id)


def api_keys(account_ids: Collection[int] | None, *, account_id: int | None) -> Select[Any]:
    """API keys of the given accounts (None: every key), optionally of one account."""
    stmt = select(ApiKey)
    if account_ids is not None:
        stmt = stmt.where(ApiKey.account_id.in_(account_ids))
    if account_id is not None:
        stmt = stmt.where(ApiKey.account_id == account_id)
    return stmt


def session_token_by_hash(session: Session, token_hash: str) -> SessionToken | None:
    """The console session with this token hash."""
    return session.scalars(
        select(SessionToken).where(SessionToken.token_hash == token_hash)
    ).one_or_none()


def revoke_sessions_of(session: Session, user_id: int, at: dt.datetime) -> None:
    """Revoke every live session of one user."""
    session.execute(
        update(SessionToken)
        .where(SessionToken.user_id == user_id, SessionToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )


def user_by_id(session: Session, user_id: int) -> User | None:
    """A user by id."""
    return session.get(User, user_id)


def user_by_email(session: Session, email: str) -> User | None:
    """A user by (normalised) e-mail address."""
    return session.scalars(select(User).where(User.email == email)).one_or_none()


def users(account_ids: Collection[int] | None, *, account_id: int | None) -> Select[Any]:
    """Users of the given accounts (None: every user), optionally of one account."""
    stmt = select(User)
    if account_ids is not None:
        stmt = stmt.where(User.account_id.in_(account_ids))
    if account_id is not None:
        stmt = stmt.where(User.account_id == account_id)
    return stmt


def account_by_id(session: Session, account_id: int) -> Account | None:
    """An account by id."""
    return session.get(Account, account_id)


def account_by_external_ref(session: Session, external_ref: str) -> Account | None:
    """The account with this external reference."""
    return session.scalars(select(Account).where(Account.external_ref == external_ref)).first()


def account_is_active(session: Session, account_id: int) -> bool:
    """True when the account exists and is active."""
    return bool(session.scalar(select(Account.active).where(Account.id == account_id)))


def accounts(account_ids: Collection[int] | None, *, kind: AccountKind | None) -> Select[Any]:
    """Accounts among `account_ids` (None: every account), optionally of one kind."""
    stmt = select(Account)
    if account_ids is not None:
        stmt = stmt.where(Account.id.in_(account_ids))
    if kind is not None:
        stmt = stmt.where(Account.kind == kind)
    return stmt


def agency_client_ids(session: Session, agency_id: int) -> list[int]:
    """The advertisers an agency acts for."""
    return list(
        session.scalars(select(AgencyClient.client_id).where(AgencyClient.agency_id == agency_id))
    )


def agency_client(session: Session, agency_id: int, client_id: int) -> AgencyClient | None:
    """The link between an agency and one of its advertisers."""
    return session.get(AgencyClient, (agency_id, client_id))


def audit_entries(
    account_ids: Collection[int] | None,
    *,
    entity: str | None,
    entity_id: str | None,
    account_id: int | None,
    since: dt.datetime | None,
) -> Select[Any]:
    """Audit entries of the given accounts (None: all, network-level ones included), filtered."""
    stmt = select(AuditEntry)
    if account_ids is not None:
        stmt = stmt.where(AuditEntry.account_id.in_(account_ids))
    if entity is not None:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if account_id is not None:
        stmt = stmt.where(AuditEntry.account_id == account_id)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    return stmt

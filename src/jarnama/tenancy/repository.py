"""SQL of the tenancy domain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.tenancy.models import AgencyClient, ApiKey, SessionToken, User


def api_key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    """The API key with this public prefix."""
    return session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()


def session_token_by_hash(session: Session, token_hash: str) -> SessionToken | None:
    """The console session with this token hash."""
    return session.scalars(
        select(SessionToken).where(SessionToken.token_hash == token_hash)
    ).one_or_none()


def user_by_id(session: Session, user_id: int) -> User | None:
    """A user by id."""
    return session.get(User, user_id)


def agency_client_ids(session: Session, agency_id: int) -> list[int]:
    """The advertisers an agency acts for."""
    return list(
        session.scalars(select(AgencyClient.client_id).where(AgencyClient.agency_id == agency_id))
    )

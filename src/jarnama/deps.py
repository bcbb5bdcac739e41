"""FastAPI dependencies shared by every domain's API: the unit of work and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import Unauthenticated
from jarnama.tenancy.auth import PrincipalCache, authenticate
from jarnama.tenancy.principal import Principal


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the edge commits on success and rolls back on error."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


# scope="function": the commit runs when the endpoint returns, before the response is sent, so a
# failing commit becomes an error response instead of a success for lost data.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def bearer_token(request: Request) -> str:
    """The token of an `Authorization: Bearer …` header (or `X-API-Key`)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    api_key = request.headers.get("x-api-key", "").strip()
    if api_key:
        return api_key
    raise Unauthenticated("send an API key or session token as 'Authorization: Bearer <token>'")


def get_principal(request: Request, session: SessionDep) -> Principal:
    """The authenticated caller of this request."""
    cache: PrincipalCache = request.app.state.principal_cache
    principal = authenticate(session, bearer_token(request), cache)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]

"""Builders of test data, going through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.tenancy import service
from jarnama.tenancy.models import Account, AccountKind, Role, Scope

ALL_SCOPES = tuple(Scope)


@dataclass(frozen=True)
class Caller:
    """A credential for calling the API in tests."""

    token: str
    account_id: int | None
    role: Role

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header for this caller."""
        return {"Authorization": f"Bearer {self.token}"}


def account(
    session: Session, name: str = "Acme KZ", kind: AccountKind = AccountKind.ADVERTISER
) -> Account:
    """A new tenant account."""
    return service.create_account(session, "test", kind=kind, name=name)


def api_caller(
    session: Session,
    *,
    role: Role = Role.ACCOUNT_ADMIN,
    account_id: int | None = None,
    scopes: tuple[Scope, ...] = ALL_SCOPES,
) -> Caller:
    """An API key for a role (and account), committed so the app sees it."""
    _key, plaintext = service.create_api_key(
        session, "test", name=f"{role.value} key", role=role, account_id=account_id, scopes=scopes
    )
    session.commit()
    return Caller(token=plaintext, account_id=account_id, role=role)


def network_admin(session: Session) -> Caller:
    """A network admin API key with every scope."""
    return api_caller(session, role=Role.NETWORK_ADMIN)

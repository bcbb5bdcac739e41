"""Tenancy operations: the network, accounts, users, API keys, sessions."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput
from jarnama.tenancy import audit, credentials
from jarnama.tenancy.models import Account, AccountKind, ApiKey, Network, Role, Scope
from jarnama.tenancy.principal import Principal

SYSTEM_ACTOR = "system"


def ensure_network(session: Session, name: str) -> Network:
    """The install's one network, created on first use."""
    network = session.scalars(select(Network).order_by(Network.id).limit(1)).one_or_none()
    if network is None:
        network = Network(name=name)
        session.add(network)
        session.flush()
        audit.record(
            session,
            SYSTEM_ACTOR,
            "create",
            "network",
            network.id,
            account_id=None,
            after=audit.snapshot(network),
        )
    return network


def create_account(
    session: Session,
    actor: Principal | str,
    *,
    kind: AccountKind,
    name: str,
    external_ref: str | None = None,
) -> Account:
    """Create a tenant account in the network."""
    network = ensure_network(session, "Jarnama network")
    account = Account(network_id=network.id, kind=kind, name=name, external_ref=external_ref)
    session.add(account)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "account",
        account.id,
        account_id=account.id,
        after=audit.snapshot(account),
    )
    return account


def _role_fits_account(role: Role, account_id: int | None) -> None:
    if role is Role.NETWORK_ADMIN and account_id is not None:
        raise InvalidInput("a network admin credential belongs to no account", field="account_id")
    if role is not Role.NETWORK_ADMIN and account_id is None:
        raise InvalidInput("this role needs an account_id", field="account_id")


def create_api_key(
    session: Session,
    actor: Principal | str,
    *,
    name: str,
    role: Role,
    account_id: int | None,
    scopes: Iterable[Scope | str],
    plaintext: str | None = None,
) -> tuple[ApiKey, str]:
    """Issue an API key; returns the stored key and the plaintext (shown once, never again)."""
    _role_fits_account(role, account_id)
    scope_values = sorted({Scope(scope).value for scope in scopes})
    if not scope_values:
        raise InvalidInput("an API key needs at least one scope", field="scopes")
    issued = credentials.issue_api_key(plaintext)
    key = ApiKey(
        prefix=issued.prefix,
        secret_hash=issued.secret_hash,
        name=name,
        role=role,
        scopes=scope_values,
        account_id=account_id,
        created_by_user_id=None if isinstance(actor, str) else actor.user_id,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "api_key",
        key.id,
        account_id=account_id,
        after=audit.snapshot(key),
    )
    return key, issued.plaintext

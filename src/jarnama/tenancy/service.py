"""Tenancy operations: the network, accounts, agency clients, API keys and the audit log.

Every function that writes takes an `actor`: a `Principal` (an API caller, whose role, scopes and
accounts are checked here) or a string naming a trusted system actor (the CLI, the demo, tests),
which is recorded in the audit log but not restricted. Services flush; the edge commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import as_utc, utcnow
from jarnama.tenancy import audit, credentials, repository
from jarnama.tenancy.models import (
    Account,
    AccountKind,
    AgencyClient,
    ApiKey,
    AuditEntry,
    Network,
    Role,
    Scope,
)
from jarnama.tenancy.principal import Principal

SYSTEM_ACTOR = "system"
Actor = Principal | str

# What each role may hand out (to a user or an API key) inside accounts it can reach.
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.NETWORK_ADMIN: frozenset(Role),
    Role.ACCOUNT_ADMIN: frozenset({Role.ACCOUNT_ADMIN, Role.ACCOUNT_ANALYST, Role.CREATOR}),
    Role.CREATOR: frozenset({Role.CREATOR}),
    Role.ACCOUNT_ANALYST: frozenset(),
}


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


# --- roles -------------------------------------------------------------------------------------


def ensure_may_grant(actor: Actor, role: Role) -> None:
    """Raise 403 unless the caller may hand out `role` (never more than it holds)."""
    if isinstance(actor, str) or actor.is_network_admin:
        return
    if role is Role.NETWORK_ADMIN:
        raise Forbidden("only a network admin may grant the network_admin role", field="role")
    if role not in GRANTABLE_ROLES[actor.role]:
        raise Forbidden(f"a {actor.role.value} may not grant the {role.value} role", field="role")


def ensure_role_fits_account(role: Role, account: Account | None) -> None:
    """Raise 400 unless the role suits the account (network admins have none; creators need one
    of kind creator)."""
    if role is Role.NETWORK_ADMIN:
        if account is not None:
            raise InvalidInput("a network admin belongs to no account", field="account_id")
        return
    if account is None:
        raise InvalidInput(f"the {role.value} role needs an account_id", field="account_id")
    if role is Role.CREATOR and account.kind is not AccountKind.CREATOR:
        raise InvalidInput("the creator role is only for creator accounts", field="role")


# --- accounts ----------------------------------------------------------------------------------


def _ensure_network_writer(actor: Actor) -> None:
    if isinstance(actor, Principal):
        actor.ensure_can_write()
        actor.ensure_network_admin()


def create_account(
    session: Session,
    actor: Actor,
    *,
    kind: AccountKind,
    name: str,
    external_ref: str | None = None,
) -> Account:
    """Create a tenant account in the network (network admins only)."""
    _ensure_network_writer(actor)
    name = _required_text(name, "name")
    if external_ref is not None and repository.account_by_external_ref(session, external_ref):
        raise Conflict("an account with this external_ref exists", field="external_ref")
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


def get_account(session: Session, principal: Principal, account_id: int) -> Account:
    """One account the caller may see (404 otherwise)."""
    principal.ensure_can_read()
    principal.ensure_access(account_id, "account")
    return _account_or_404(session, account_id)


def list_accounts(
    session: Session,
    principal: Principal,
    *,
    kind: AccountKind | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Account], str | None]:
    """The accounts the caller may see: all for a network admin, else its own and its clients."""
    principal.ensure_can_read()
    stmt = repository.accounts(principal.visible_account_ids(), kind=kind)
    return paginate(session, stmt, Account.id, cursor=cursor, limit=limit)


def update_account(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    name: str | None = None,
    active: bool | None = None,
    external_ref: str | None = None,
    clear_external_ref: bool = False,
) -> Account:
    """Rename, (de)activate or re-reference an account (network admins only)."""
    if isinstance(actor, Principal):
        actor.ensure_access(account_id, "account")
    _ensure_network_writer(actor)
    account = _account_or_404(session, account_id)
    before = audit.snapshot(account)
    if name is not None:
        account.name = _required_text(name, "name")
    if active is not None:
        account.active = active
    if clear_external_ref:
        account.external_ref = None
    elif external_ref is not None and external_ref != account.external_ref:
        if repository.account_by_external_ref(session, external_ref):
            raise Conflict("an account with this external_ref exists", field="external_ref")
        account.external_ref = external_ref
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "account",
        account.id,
        account_id=account.id,
        before=before,
        after=audit.snapshot(account),
    )
    return account


def add_agency_client(
    session: Session, actor: Actor, agency_id: int, client_id: int
) -> AgencyClient:
    """Let an agency act for an advertiser (network admins only)."""
    _ensure_network_writer(actor)
    agency = _account_or_404(session, agency_id)
    if agency.kind is not AccountKind.AGENCY:
        raise InvalidInput("only an agency account can have clients", field="agency_id")
    client = repository.account_by_id(session, client_id)
    if client is None:
        raise NotFound("account not found", field="client_id")
    if client.kind is not AccountKind.ADVERTISER:
        raise InvalidInput("an agency's client must be an advertiser account", field="client_id")
    if repository.agency_client(session, agency_id, client_id) is not None:
        raise Conflict("this agency already acts for this advertiser", field="client_id")
    link = AgencyClient(agency_id=agency_id, client_id=client_id)
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "agency_client",
        f"{agency_id}:{client_id}",
        account_id=agency_id,
        after=audit.snapshot(link),
    )
    return link


def remove_agency_client(session: Session, actor: Actor, agency_id: int, client_id: int) -> None:
    """Stop an agency acting for an advertiser (network admins only)."""
    _ensure_network_writer(actor)
    link = repository.agency_client(session, agency_id, client_id)
    if link is None:
        raise NotFound("this agency does not act for this advertiser")
    before = audit.snapshot(link)
    session.delete(link)
    session.flush()
    audit.record(
        session,
        actor,
        "delete",
        "agency_client",
        f"{agency_id}:{client_id}",
        account_id=agency_id,
        before=before,
    )


# --- API keys ----------------------------------------------------------------------------------


def create_api_key(
    session: Session,
    actor: Actor,
    *,
    name: str,
    role: Role,
    account_id: int | None,
    scopes: Iterable[Scope | str],
    plaintext: str | None = None,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiKey, str]:
    """Issue an API key; returns the stored key and the plaintext (shown once, never again).

    A caller defaults to its own account, may name only accounts it can reach (404 otherwise),
    may not grant a role above its own, nor scopes it does not hold itself.
    """
    if isinstance(actor, Principal):
        actor.ensure_can_write()
        ensure_may_grant(actor, role)
        if account_id is None and role is not Role.NETWORK_ADMIN and actor.account_id is not None:
            account_id = actor.account_id
        if account_id is not None:
            actor.ensure_access(account_id, "account")
    account = None if account_id is None else _account_or_404(session, account_id)
    ensure_role_fits_account(role, account)
    scope_values = _scopes(scopes)
    if isinstance(actor, Principal) and not set(scope_values) <= actor.scopes:
        raise Forbidden("an API key cannot carry scopes its creator lacks", field="scopes")
    if expires_at is not None and as_utc(expires_at) <= utcnow():
        raise InvalidInput("expires_at must be in the future", field="expires_at")
    issued = credentials.issue_api_key(plaintext)
    if repository.api_key_by_prefix(session, issued.prefix) is not None:
        raise Conflict("an API key with this prefix exists", field="key")
    key = ApiKey(
        prefix=issued.prefix,
        secret_hash=issued.secret_hash,
        name=_required_text(name, "name"),
        role=role,
        scopes=scope_values,
        account_id=account_id,
        created_by_user_id=None if isinstance(actor, str) else actor.user_id,
        expires_at=expires_at,
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


def list_api_keys(
    session: Session,
    principal: Principal | None,
    *,
    account_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[ApiKey], str | None]:
    """API keys the caller may see (no principal: every key, for the CLI); never the secret."""
    visible = None
    if principal is not None:
        principal.ensure_can_read()
        visible = principal.visible_account_ids()
    stmt = repository.api_keys(visible, account_id=account_id)
    return paginate(session, stmt, ApiKey.id, cursor=cursor, limit=limit)


def revoke_api_key(session: Session, actor: Actor, key_id: int) -> ApiKey:
    """Revoke an API key at once (idempotent); the caller must be able to grant its role."""
    key = repository.api_key_by_id(session, key_id)
    if isinstance(actor, Principal):
        actor.ensure_can_write()
        if key is None or not actor.can_access(key.account_id):
            raise NotFound("API key not found")
        ensure_may_grant(actor, key.role)
    if key is None:
        raise NotFound("API key not found")
    if key.revoked_at is not None:
        return key
    before = audit.snapshot(key)
    key.revoked_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "revoke",
        "api_key",
        key.id,
        account_id=key.account_id,
        before=before,
        after=audit.snapshot(key),
    )
    return key


def api_key_by_prefix(session: Session, prefix: str) -> ApiKey:
    """The API key with this public prefix (404 if none)."""
    key = repository.api_key_by_prefix(session, prefix)
    if key is None:
        raise NotFound("API key not found", field="prefix")
    return key


# --- audit log ---------------------------------------------------------------------------------


def list_audit_entries(
    session: Session,
    principal: Principal,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    account_id: int | None = None,
    since: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[AuditEntry], str | None]:
    """Audit entries the caller may see: all for a network admin, else its accounts' entries."""
    principal.ensure_can_read()
    stmt = repository.audit_entries(
        principal.visible_account_ids(),
        entity=entity,
        entity_id=entity_id,
        account_id=account_id,
        since=None if since is None else as_utc(since),
    )
    return paginate(session, stmt, AuditEntry.id, cursor=cursor, limit=limit)


# --- helpers -----------------------------------------------------------------------------------


def _account_or_404(session: Session, account_id: int) -> Account:
    account = repository.account_by_id(session, account_id)
    if account is None:
        raise NotFound("account not found")
    return account


def _required_text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"{field} must not be empty", field=field)
    return value


def _scopes(scopes: Iterable[Scope | str]) -> list[str]:
    values: set[str] = set()
    for scope in scopes:
        try:
            values.add(Scope(scope).value)
        except ValueError as exc:
            known = ", ".join(s.value for s in Scope)
            raise InvalidInput(f"unknown scope {scope!r} (known: {known})", field="scopes") from exc
    if not values:
        raise InvalidInput("an API key needs at least one scope", field="scopes")
    return sorted(values)

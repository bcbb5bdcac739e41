"""People: user accounts, password login and console sessions.

Network admins manage every user; an account admin manages the users of its own account only
(an agency's admin does not manage its clients' staff); analysts and creators only read.
As in `service`, a string actor is a trusted system actor (the CLI) and is not restricted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from jarnama.core.pagination import paginate
from jarnama.core.time import utcnow
from jarnama.tenancy import audit, credentials, passwords, repository
from jarnama.tenancy.models import Account, Role, SessionToken, User
from jarnama.tenancy.principal import Principal
from jarnama.tenancy.service import Actor, ensure_may_grant, ensure_role_fits_account

USER_ADMIN_ROLES = frozenset({Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOGIN_FAILED = "wrong e-mail or password"


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A fresh console session: the token is shown to the user once, only its hash is kept."""

    token: str
    stored: SessionToken
    user: User


def normalise_email(email: str) -> str:
    """The form an e-mail address is stored and looked up in."""
    return email.strip().lower()


def _user_account_ids(principal: Principal) -> frozenset[int] | None:
    """Whose users the caller sees: every user for a network admin, else its own account's."""
    if principal.is_network_admin:
        return None
    return frozenset() if principal.account_id is None else frozenset({principal.account_id})


def _ensure_user_visible(principal: Principal, user: User | None) -> User:
    visible = _user_account_ids(principal)
    if user is None or (visible is not None and user.account_id not in visible):
        raise NotFound("user not found")
    return user


def _ensure_user_admin(actor: Actor) -> None:
    if isinstance(actor, Principal):
        actor.ensure_can_write()
        if actor.role not in USER_ADMIN_ROLES:
            raise Forbidden(f"a {actor.role.value} may not manage users")


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    password: str,
    role: Role,
    account_id: int | None,
    full_name: str = "",
) -> User:
    """Create a user; an account admin creates them in its own account (the default)."""
    _ensure_user_admin(actor)
    if isinstance(actor, Principal) and not actor.is_network_admin:
        if account_id is None:
            account_id = actor.account_id
        if account_id != actor.account_id:
            raise NotFound("account not found", field="account_id")
        ensure_may_grant(actor, role)
    account = _account(session, account_id)
    ensure_role_fits_account(role, account)
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 320:
        raise InvalidInput("email is not an e-mail address", field="email")
    if repository.user_by_email(session, email) is not None:
        raise Conflict("a user with this e-mail exists", field="email")
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=passwords.hash_password(password),
        role=role,
        account_id=account_id,
        active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "user",
        user.id,
        account_id=account_id,
        after=audit.snapshot(user),
    )
    return user


def get_user(session: Session, principal: Principal, user_id: int) -> User:
    """One user the caller may see (404 otherwise)."""
    principal.ensure_can_read()
    return _ensure_user_visible(principal, repository.user_by_id(session, user_id))


def list_users(
    session: Session,
    principal: Principal,
    *,
    account_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[User], str | None]:
    """The users the caller may see, optionally of one account."""
    principal.ensure_can_read()
    stmt = repository.users(_user_account_ids(principal), account_id=account_id)
    return paginate(session, stmt, User.id, cursor=cursor, limit=limit)


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    role: Role | None = None,
    active: bool | None = None,
    full_name: str | None = None,
    password: str | None = None,
) -> User:
    """Change a user's role, active flag, name or password.

    Deactivating a user or setting a new password revokes every session of that user.
    """
    user = repository.user_by_id(session, user_id)
    if isinstance(actor, Principal):
        user = _ensure_user_visible(actor, user)
        _ensure_user_admin(actor)
        # Changing someone whose role one could not grant would be an escalation by proxy.
        ensure_may_grant(actor, user.role)
    if user is None:
        raise NotFound("user not found")
    before = audit.snapshot(user)
    if role is not None and role is not user.role:
        ensure_may_grant(actor, role)
        ensure_role_fits_account(role, _account(session, user.account_id))
        user.role = role
    if full_name is not None:
        user.full_name = full_name.strip()
    sessions_end = False
    if active is not None and active != user.active:
        user.active = active
        sessions_end = not active
    note = None
    if password is not None:
        user.password_hash = passwords.hash_password(password)
        sessions_end = True
        note = "password changed"
    if sessions_end:
        repository.revoke_sessions_of(session, user.id, utcnow())
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "user",
        user.id,
        account_id=user.account_id,
        before=before,
        after=audit.snapshot(user),
        note=note,
    )
    return user


def login(session: Session, email: str, password: str, *, ttl_hours: int) -> IssuedSession:
    """Check a password and open a console session; every failure is the same 401.

    An unknown e-mail still costs one argon2 verification, so timing does not tell which part
    was wrong.
    """
    user = repository.user_by_email(session, normalise_email(email))
    matched = passwords.verify(None if user is None else user.password_hash, password)
    if user is None or not matched or not user.active:
        raise Unauthenticated(LOGIN_FAILED)
    if user.account_id is not None and not repository.account_is_active(session, user.account_id):
        raise Unauthenticated(LOGIN_FAILED)
    now = utcnow()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hasher().hash(password)
    user.last_login_at = now
    token = credentials.new_session_token()
    stored = SessionToken(
        token_hash=credentials.digest(token),
        user_id=user.id,
        created_at=now,
        expires_at=now + dt.timedelta(hours=ttl_hours),
    )
    session.add(stored)
    session.flush()
    audit.record(
        session,
        f"user:{user.id}",
        "login",
        "session_token",
        stored.id,
        account_id=user.account_id,
        after=audit.snapshot(stored),
    )
    return IssuedSession(token=token, stored=stored, user=user)


def logout(session: Session, principal: Principal, token: str) -> None:
    """Revoke the presented console session."""
    stored = repository.session_token_by_hash(session, credentials.digest(token))
    if principal.user_id is None or stored is None:
        raise InvalidInput(
            "logout ends a console session; revoke API keys with POST /api/v1/api-keys/{id}/revoke"
        )
    if stored.revoked_at is not None:
        return
    before = audit.snapshot(stored)
    stored.revoked_at = utcnow()
    session.flush()
    audit.record(
        session,
        principal,
        "logout",
        "session_token",
        stored.id,
        account_id=principal.account_id,
        before=before,
        after=audit.snapshot(stored),
    )


def _account(session: Session, account_id: int | None) -> Account | None:
    if account_id is None:
        return None
    account = repository.account_by_id(session, account_id)
    if account is None:
        raise NotFound("account not found", field="account_id")
    return account

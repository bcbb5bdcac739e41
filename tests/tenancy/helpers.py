"""Builders and probes shared by the tenancy tests and the tenant matrix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.tenancy import passwords, users
from jarnama.tenancy.models import AuditEntry, Role, User

PASSWORD = "correct horse battery"


@contextmanager
def cheap_hashing() -> Iterator[None]:
    """Swap in argon2's cheapest parameters for the duration (hashes still verify as argon2id)."""
    previous = passwords.use_hasher(PasswordHasher.from_parameters(CHEAPEST))
    try:
        yield
    finally:
        passwords.use_hasher(previous)


def user(
    session: Session,
    *,
    email: str,
    role: Role = Role.ACCOUNT_ADMIN,
    account_id: int | None = None,
    password: str = PASSWORD,
) -> User:
    """A user made through the real service, committed so the app sees it."""
    made = users.create_user(
        session, "test", email=email, password=password, role=role, account_id=account_id
    )
    session.commit()
    return made


def login_headers(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in through the API and return the session's Authorization header."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def audit_count(session: Session) -> int:
    """How many audit entries exist (to prove a refused call wrote nothing)."""
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def last_audit(session: Session, entity: str) -> AuditEntry:
    """The newest audit entry about one kind of entity."""
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None, f"no audit entry for {entity}"
    return entry

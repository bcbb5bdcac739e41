"""Request and response bodies of the tenancy API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jarnama.tenancy.models import AccountKind, Role, Scope


class Me(BaseModel):
    """The caller as the API sees it."""

    actor: str
    role: Role
    account_id: int | None
    account_ids: list[int]
    scopes: list[str]


class _FromOrm(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- login ---------------------------------------------------------------------------------------


class LoginRequest(BaseModel):
    """E-mail and password of a console user."""

    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class UserOut(_FromOrm):
    """A user (never the password hash)."""

    id: int
    email: str
    full_name: str
    role: Role
    account_id: int | None
    active: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


class SessionIssued(BaseModel):
    """A new console session: send `token` as `Authorization: Bearer <token>`."""

    token: str = Field(description="Shown once; only its hash is stored.")
    token_type: str = "bearer"
    expires_at: dt.datetime
    user: UserOut


# --- users ---------------------------------------------------------------------------------------


class UserCreate(BaseModel):
    """A new user; `account_id` defaults to the caller's account (none for a network admin)."""

    email: str = Field(max_length=320)
    password: str = Field(description="At least 10 characters.")
    full_name: str = Field(default="", max_length=200)
    role: Role
    account_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class UserUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    role: Role | None = None
    active: bool | None = None
    full_name: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, description="At least 10 characters.")


# --- accounts ------------------------------------------------------------------------------------


class AccountCreate(BaseModel):
    """A new tenant account."""

    kind: AccountKind
    name: str = Field(max_length=200)
    external_ref: str | None = Field(default=None, max_length=100)


class AccountUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are (`external_ref: null` clears it)."""

    name: str | None = Field(default=None, max_length=200)
    active: bool | None = None
    external_ref: str | None = Field(default=None, max_length=100)


class AccountOut(_FromOrm):
    """A tenant account."""

    id: int
    kind: AccountKind
    name: str
    external_ref: str | None
    active: bool
    created_at: dt.datetime


class AgencyClientCreate(BaseModel):
    """The advertiser an agency will act for."""

    client_id: int = Field(ge=1, le=2**63 - 1)


class AgencyClientOut(_FromOrm):
    """An agency acting for an advertiser."""

    agency_id: int
    client_id: int
    created_at: dt.datetime


# --- API keys ------------------------------------------------------------------------------------


class ApiKeyCreate(BaseModel):
    """A new API key; `account_id` defaults to the caller's account."""

    name: str = Field(max_length=200)
    role: Role
    account_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    scopes: list[Scope] = Field(min_length=1, description="Any of auctions, events, manage, read.")
    expires_at: dt.datetime | None = None


class ApiKeyOut(_FromOrm):
    """An API key as listed: identifiable by prefix, never the secret."""

    id: int
    prefix: str
    name: str
    role: Role
    account_id: int | None
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiKeyIssued(ApiKeyOut):
    """A new API key with its full text: shown this once, never again."""

    key: str = Field(description="The full key; store it now, it cannot be shown again.")


# --- audit log -----------------------------------------------------------------------------------


class AuditEntryOut(_FromOrm):
    """One write: who did what to which object, with the state before and after."""

    id: int
    at: dt.datetime
    actor: str
    actor_account_id: int | None
    account_id: int | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    note: str | None

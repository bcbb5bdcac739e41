"""HTTP API of the tenancy domain: login, users, accounts, agency clients, API keys, audit log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from jarnama.config import Settings
from jarnama.core.errors import Unauthenticated
from jarnama.core.pagination import Page
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep, bearer_token
from jarnama.tenancy import service, users
from jarnama.tenancy.auth import PrincipalCache
from jarnama.tenancy.models import AccountKind
from jarnama.tenancy.schemas import (
    AccountCreate,
    AccountOut,
    AccountUpdate,
    AgencyClientCreate,
    AgencyClientOut,
    ApiKeyCreate,
    ApiKeyIssued,
    ApiKeyOut,
    AuditEntryOut,
    LoginRequest,
    Me,
    SessionIssued,
    UserCreate,
    UserOut,
    UserUpdate,
)
from jarnama.tenancy.throttle import LoginThrottle, check_login_allowed, record_login

router = APIRouter(tags=["tenancy"])

MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
AccountFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only rows of this account.")
]
Cursor = Annotated[str | None, Query(max_length=200, description="`next_cursor` of a page.")]
Limit = Annotated[int | None, Query(ge=1, description="Page size (capped by the server).")]


def _page_size(settings: Settings, limit: int | None) -> int:
    return min(limit or settings.limits.page_size_default, settings.limits.page_size_max)


def _cache(request: Request) -> PrincipalCache:
    cache: PrincipalCache = request.app.state.principal_cache
    return cache


@router.get("/me", summary="Who the current credential acts as.")
def me(principal: PrincipalDep) -> Me:
    """Who the current credential acts as: role, account, scopes."""
    return Me(
        actor=principal.actor,
        role=principal.role,
        account_id=principal.account_id,
        account_ids=sorted(principal.account_ids),
        scopes=sorted(principal.scopes),
    )


# --- login ---------------------------------------------------------------------------------------


@router.post(
    "/auth/login",
    summary="Log in with e-mail and password; returns a session token.",
    responses={
        401: {"description": "Wrong e-mail or password (one answer for both)."},
        429: {"description": "Too many failed logins for this e-mail or address (Retry-After)."},
    },
)
def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> SessionIssued:
    """Check the password and open a console session (the token is shown once).

    Failed attempts are counted per e-mail and per client address (`tenancy.throttle`):
    past the limit the answer is 429 with Retry-After, before any password is checked.
    """
    throttle: LoginThrottle = request.app.state.login_throttle
    email = users.normalise_email(body.email)
    address = request.client.host if request.client else None
    check_login_allowed(throttle, email, address)
    try:
        issued = users.login(
            session, body.email, body.password, ttl_hours=settings.auth.session_ttl_hours
        )
    except Unauthenticated:
        record_login(throttle, email, address, ok=False)
        raise
    record_login(throttle, email, address, ok=True)
    return SessionIssued(
        token=issued.token,
        expires_at=issued.stored.expires_at,
        user=UserOut.model_validate(issued.user),
    )


@router.post(
    "/auth/logout",
    summary="End the presented console session.",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def logout(request: Request, principal: PrincipalDep, session: SessionDep) -> None:
    """Revoke the session token this request carries."""
    users.logout(session, principal, bearer_token(request))


# --- users ---------------------------------------------------------------------------------------


@router.post("/users", summary="Create a user.", status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, principal: PrincipalDep, session: SessionDep) -> UserOut:
    """Create a user (network admins: anyone; account admins: in their own account)."""
    user = users.create_user(
        session,
        principal,
        email=body.email,
        password=body.password,
        role=body.role,
        account_id=body.account_id,
        full_name=body.full_name,
    )
    return UserOut.model_validate(user)


@router.get("/users", summary="List the users the caller may see.")
def list_users(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    account_id: AccountFilter = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[UserOut]:
    """Users of the caller's account (every user for a network admin), oldest first."""
    rows, next_cursor = users.list_users(
        session,
        principal,
        account_id=account_id,
        cursor=cursor,
        limit=_page_size(settings, limit),
    )
    return Page(items=[UserOut.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get("/users/{user_id}", summary="Get one user.")
def get_user(user_id: ObjectId, principal: PrincipalDep, session: SessionDep) -> UserOut:
    """One user of the caller's account (404 for anyone else's)."""
    return UserOut.model_validate(users.get_user(session, principal, user_id))


@router.patch("/users/{user_id}", summary="Change a user's role, active flag, name or password.")
def update_user(
    user_id: ObjectId, body: UserUpdate, principal: PrincipalDep, session: SessionDep
) -> UserOut:
    """Change a user; deactivation or a new password ends the user's sessions."""
    user = users.update_user(
        session,
        principal,
        user_id,
        role=body.role,
        active=body.active,
        full_name=body.full_name,
        password=body.password,
    )
    return UserOut.model_validate(user)


# --- accounts ------------------------------------------------------------------------------------


@router.post("/accounts", summary="Create a tenant account.", status_code=status.HTTP_201_CREATED)
def create_account(body: AccountCreate, principal: PrincipalDep, session: SessionDep) -> AccountOut:
    """Create an advertiser, agency, media owner or creator account (network admins only)."""
    account = service.create_account(
        session, principal, kind=body.kind, name=body.name, external_ref=body.external_ref
    )
    return AccountOut.model_validate(account)


@router.get("/accounts", summary="List the accounts the caller may see.")
def list_accounts(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    kind: AccountKind | None = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[AccountOut]:
    """Every account for a network admin; otherwise the caller's own and its agency clients."""
    rows, next_cursor = service.list_accounts(
        session, principal, kind=kind, cursor=cursor, limit=_page_size(settings, limit)
    )
    return Page(items=[AccountOut.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get("/accounts/{account_id}", summary="Get one account.")
def get_account(account_id: ObjectId, principal: PrincipalDep, session: SessionDep) -> AccountOut:
    """One account the caller may act for (404 otherwise)."""
    return AccountOut.model_validate(service.get_account(session, principal, account_id))


@router.patch("/accounts/{account_id}", summary="Rename, (de)activate or re-reference an account.")
def update_account(
    request: Request,
    account_id: ObjectId,
    body: AccountUpdate,
    principal: PrincipalDep,
    session: SessionDep,
) -> AccountOut:
    """Change an account (network admins only); a deactivated account's credentials stop."""
    account = service.update_account(
        session,
        principal,
        account_id,
        name=body.name,
        active=body.active,
        external_ref=body.external_ref,
        clear_external_ref="external_ref" in body.model_fields_set and body.external_ref is None,
    )
    _cache(request).clear()
    return AccountOut.model_validate(account)


@router.post(
    "/accounts/{agency_id}/clients",
    summary="Let an agency act for an advertiser.",
    status_code=status.HTTP_201_CREATED,
)
def add_agency_client(
    request: Request,
    agency_id: ObjectId,
    body: AgencyClientCreate,
    principal: PrincipalDep,
    session: SessionDep,
) -> AgencyClientOut:
    """Link an advertiser to an agency (network admins only)."""
    link = service.add_agency_client(session, principal, agency_id, body.client_id)
    _cache(request).clear()
    return AgencyClientOut.model_validate(link)


@router.delete(
    "/accounts/{agency_id}/clients/{client_id}",
    summary="Stop an agency acting for an advertiser.",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def remove_agency_client(
    request: Request,
    agency_id: ObjectId,
    client_id: ObjectId,
    principal: PrincipalDep,
    session: SessionDep,
) -> None:
    """Unlink an advertiser from an agency (network admins only)."""
    service.remove_agency_client(session, principal, agency_id, client_id)
    _cache(request).clear()


# --- API keys ------------------------------------------------------------------------------------


@router.post(
    "/api-keys",
    summary="Issue an API key (its full text is returned this once).",
    status_code=status.HTTP_201_CREATED,
)
def create_api_key(
    body: ApiKeyCreate, principal: PrincipalDep, session: SessionDep
) -> ApiKeyIssued:
    """Issue a key for an account the caller may act for, with a role it may grant."""
    key, plaintext = service.create_api_key(
        session,
        principal,
        name=body.name,
        role=body.role,
        account_id=body.account_id,
        scopes=body.scopes,
        expires_at=body.expires_at,
    )
    return ApiKeyIssued(**ApiKeyOut.model_validate(key).model_dump(), key=plaintext)


@router.get("/api-keys", summary="List API keys (never their secrets).")
def list_api_keys(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    account_id: AccountFilter = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[ApiKeyOut]:
    """Keys of the accounts the caller may act for (every key for a network admin)."""
    rows, next_cursor = service.list_api_keys(
        session,
        principal,
        account_id=account_id,
        cursor=cursor,
        limit=_page_size(settings, limit),
    )
    return Page(items=[ApiKeyOut.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.post("/api-keys/{key_id}/revoke", summary="Revoke an API key at once.")
def revoke_api_key(
    request: Request, key_id: ObjectId, principal: PrincipalDep, session: SessionDep
) -> ApiKeyOut:
    """Revoke a key; this process stops accepting it immediately."""
    key = service.revoke_api_key(session, principal, key_id)
    _cache(request).forget_key(key.id)
    return ApiKeyOut.model_validate(key)


# --- audit log -----------------------------------------------------------------------------------


@router.get("/audit-log", summary="List audit entries, newest last.")
def list_audit_log(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    entity: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    account_id: AccountFilter = None,
    since: Annotated[dt.datetime | None, Query(description="Entries at or after this.")] = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[AuditEntryOut]:
    """Every entry for a network admin; otherwise the entries of the caller's accounts."""
    rows, next_cursor = service.list_audit_entries(
        session,
        principal,
        entity=entity,
        entity_id=entity_id,
        account_id=account_id,
        since=since,
        cursor=cursor,
        limit=_page_size(settings, limit),
    )
    return Page(items=[AuditEntryOut.model_validate(row) for row in rows], next_cursor=next_cursor)

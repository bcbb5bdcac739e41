"""Turning a bearer credential into a `Principal`."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jarnama.core.errors import Unauthenticated
from jarnama.core.time import as_utc, utcnow
from jarnama.tenancy import credentials, repository
from jarnama.tenancy.models import ApiKey, Role, Scope
from jarnama.tenancy.principal import Principal

log = logging.getLogger(__name__)
ALL_SCOPES = frozenset(scope.value for scope in Scope)
# last_used_at is written at most this often per key, so hot endpoints do not write per call.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


class PrincipalCache:
    """A short-lived in-process cache of resolved API keys (auction calls must not hit SQL).

    Revocation through this process clears the entry at once; other processes see it within
    `ttl_seconds`.
    """

    def __init__(self, ttl_seconds: float = 5.0) -> None:
        self.ttl_seconds = ttl_seconds
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> Principal | None:
        """A cached principal still within its time to live."""
        entry = self._entries.get(token_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token_hash: str, principal: Principal) -> None:
        """Remember a resolved principal."""
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[token_hash] = (time.monotonic() + self.ttl_seconds, principal)

    def forget_key(self, api_key_id: int) -> None:
        """Drop every entry of one API key (after revocation)."""
        with self._lock:
            for token_hash, (_, principal) in list(self._entries.items()):
                if principal.api_key_id == api_key_id:
                    del self._entries[token_hash]

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._entries.clear()


def _touch_last_used(session: Session, key: ApiKey, now: dt.datetime) -> None:
    """Record the key's use; best effort, in a SAVEPOINT, so it never fails the request.

    Concurrent first calls with one key all try this write; SQLite refuses all but one
    (a reader cannot upgrade to a writer once another has written), which must not turn an
    authenticated call into a 500. The use is recorded again within a minute.
    """
    try:
        with session.begin_nested():
            key.last_used_at = now
            session.flush()
    except OperationalError:
        log.info("last_used_at of key %s not recorded (concurrent write)", key.prefix)


def _account_ids(session: Session, role: Role, account_id: int | None) -> frozenset[int]:
    if role is Role.NETWORK_ADMIN or account_id is None:
        return frozenset()
    return frozenset([account_id, *repository.agency_client_ids(session, account_id)])


def authenticate(session: Session, token: str, cache: PrincipalCache | None = None) -> Principal:
    """Resolve a bearer token (API key or session token) or raise `Unauthenticated`."""
    token_hash = credentials.digest(token)
    if cache is not None and (cached := cache.get(token_hash)) is not None:
        return cached
    now = utcnow()
    principal: Principal | None = None
    prefix = credentials.parse_api_key_prefix(token)
    if prefix is not None:
        key = repository.api_key_by_prefix(session, prefix)
        if (
            key is not None
            and key.revoked_at is None
            and (key.expires_at is None or as_utc(key.expires_at) > now)
            and credentials.matches(token, key.secret_hash)
        ):
            if key.last_used_at is None or now - as_utc(key.last_used_at) > LAST_USED_RESOLUTION:
                _touch_last_used(session, key, now)
            principal = Principal(
                actor=f"key:{key.prefix}",
                role=key.role,
                account_id=key.account_id,
                scopes=frozenset(key.scopes),
                account_ids=_account_ids(session, key.role, key.account_id),
                api_key_id=key.id,
            )
    elif token.startswith(credentials.SESSION_MARK + "_"):
        stored = repository.session_token_by_hash(session, token_hash)
        if stored is not None and stored.revoked_at is None and as_utc(stored.expires_at) > now:
            user = repository.user_by_id(session, stored.user_id)
            if user is not None and user.active:
                principal = Principal(
                    actor=f"user:{user.id}",
                    role=user.role,
                    account_id=user.account_id,
                    scopes=ALL_SCOPES,
                    account_ids=_account_ids(session, user.role, user.account_id),
                    user_id=user.id,
                )
    if (
        principal is not None
        and principal.account_id is not None
        and not repository.account_is_active(session, principal.account_id)
    ):
        principal = None  # a deactivated account's credentials stop working with it
    if principal is None:
        raise Unauthenticated("the bearer credential is unknown, revoked or expired")
    if cache is not None and principal.api_key_id is not None:
        cache.put(token_hash, principal)
    return principal

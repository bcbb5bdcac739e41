"""Failed console logins are counted and, past a limit, refused for a while.

Password guessing against `POST /api/v1/auth/login` is bounded two ways: per e-mail
(`auth.login_max_failures` failures within `auth.login_window_seconds`, default 5 in 15
minutes) and per client address (`auth.login_ip_max_failures`, default 30, for one address
trying many e-mails). A key past its limit gets 429 with `Retry-After` until its window
ends, before any password is checked, so a blocked guesser costs no argon2 work either. The
e-mail is counted whether or not such a user exists, so the answer tells nothing about it.
A successful login clears its e-mail's count (not its address's).

Counts live in Redis when `JARNAMA_REDIS_URL` is set (shared by every server process: a
fixed window per key, INCR + EXPIRE in one script) and in the process otherwise (the demo's
single process; with several processes and no Redis each counts on its own).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis

from jarnama.core.errors import TooManyRequests


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """How many failures each key may have within one window."""

    max_failures: int
    ip_max_failures: int
    window_seconds: int


def _keys(email: str, address: str | None, limits: LoginLimits) -> list[tuple[str, int]]:
    """(key, limit) for the e-mail (hashed: no address book in the store) and the address."""
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    keys = [(f"email:{digest}", limits.max_failures)]
    if address:
        keys.append((f"ip:{address}", limits.ip_max_failures))
    return keys


class LoginThrottle(Protocol):
    """Where failed logins are counted."""

    limits: LoginLimits

    def wait_seconds(self, key: str, limit: int) -> int:
        """Seconds until `key` may try again (0: it may now)."""
        ...

    def failed(self, key: str) -> None:
        """Count one failure for `key`."""
        ...

    def forget(self, key: str) -> None:
        """Clear `key`'s failures."""
        ...


def check_login_allowed(throttle: LoginThrottle, email: str, address: str | None) -> None:
    """Raise `TooManyRequests` if the e-mail or the address is past its limit."""
    wait = max(
        throttle.wait_seconds(key, limit) for key, limit in _keys(email, address, throttle.limits)
    )
    if wait:
        raise TooManyRequests(f"too many failed logins; try again in {wait} s", retry_after=wait)


def record_login(throttle: LoginThrottle, email: str, address: str | None, *, ok: bool) -> None:
    """Count a failed login against the e-mail and the address, or clear the e-mail's count."""
    keys = _keys(email, address, throttle.limits)
    if ok:
        throttle.forget(keys[0][0])
        return
    for key, _ in keys:
        throttle.failed(key)


class InProcessLoginThrottle:
    """Fixed windows per key in this process (the default without Redis)."""

    def __init__(self, limits: LoginLimits, clock: Callable[[], float] = time.monotonic) -> None:
        """Count against `limits`; `clock` is injectable for tests."""
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key → (window end, failures)

    def wait_seconds(self, key: str, limit: int) -> int:
        """Seconds until `key` may try again (0: it may now)."""
        with self._lock:
            found = self._windows.get(key)
            now = self._clock()
            if found is None or found[0] <= now:
                return 0
            ends, failures = found
            return math.ceil(ends - now) if failures >= limit else 0

    def failed(self, key: str) -> None:
        """Count one failure for `key` (a new window starts with the first)."""
        with self._lock:
            now = self._clock()
            if len(self._windows) > 100_000:  # bound memory under a spray of keys
                self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            ends, failures = self._windows.get(key, (0.0, 0))
            if ends <= now:
                ends, failures = now + self.limits.window_seconds, 0
            self._windows[key] = (ends, failures + 1)

    def forget(self, key: str) -> None:
        """Clear `key`'s failures."""
        with self._lock:
            self._windows.pop(key, None)


# INCR, and start the window (EXPIRE) on the first failure: atomic, so no key lives forever.
_FAIL = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisLoginThrottle:
    """Fixed windows per key in Redis, shared by every server process."""

    def __init__(self, client: redis.Redis, limits: LoginLimits, prefix: str = "jarnama:") -> None:
        """Count in `client` under `prefix`login:…."""
        self.limits = limits
        self._client = client
        self._prefix = f"{prefix}login:"
        self._fail = client.register_script(_FAIL)

    def wait_seconds(self, key: str, limit: int) -> int:
        """Seconds until `key` may try again (0: it may now)."""
        name = self._prefix + key
        with self._client.pipeline(transaction=False) as pipe:
            pipe.get(name)
            pipe.ttl(name)
            count, ttl = pipe.execute()
        if count is None or int(count) < limit:
            return 0
        return max(1, int(ttl))

    def failed(self, key: str) -> None:
        """Count one failure for `key`."""
        self._fail(keys=[self._prefix + key], args=[self.limits.window_seconds])

    def forget(self, key: str) -> None:
        """Clear `key`'s failures."""
        self._client.delete(self._prefix + key)

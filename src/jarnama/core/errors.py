"""One error hierarchy, rendered by the API as `{"error", "detail", "field"}`."""

from __future__ import annotations


class JarnamaError(Exception):
    """Base of every error Jarnama raises on purpose."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, str | None]:
        """The JSON body the API answers with."""
        return {"error": self.code, "detail": self.message, "field": self.field}

    def headers(self) -> dict[str, str] | None:
        """Response headers the error calls for (none by default)."""
        return None


class InvalidInput(JarnamaError):
    """A value is well-formed JSON but not acceptable (names the field)."""

    status_code = 400
    code = "invalid_input"


class Unauthenticated(JarnamaError):
    """No or unknown credentials."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(JarnamaError):
    """Known caller, but its role or key scope does not allow this."""

    status_code = 403
    code = "forbidden"


class NotFound(JarnamaError):
    """The object does not exist, or belongs to another tenant (never leak which)."""

    status_code = 404
    code = "not_found"


class Conflict(JarnamaError):
    """The request clashes with existing state (duplicate key, wrong status)."""

    status_code = 409
    code = "conflict"


class PayloadTooLarge(JarnamaError):
    """The request body exceeds the configured limit."""

    status_code = 413
    code = "payload_too_large"


class TooManyRequests(JarnamaError):
    """The caller is past a rate limit; `retry_after` seconds until it may try again."""

    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str] | None:
        """When the caller may try again."""
        return {"Retry-After": str(self.retry_after)}


class ServiceUnavailable(JarnamaError):
    """A dependency (database, cache) is not reachable."""

    status_code = 503
    code = "unavailable"


class ConfigurationError(JarnamaError):
    """Settings are invalid; raised at start-up with every problem listed."""

    status_code = 500
    code = "configuration"

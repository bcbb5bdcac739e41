"""A pure-ASGI front door for `POST /api/v1/decisions`, in front of FastAPI and its stack.

The decision route is the one hot HTTP path. Through FastAPI a request also passes its native
telemetry check (~15 µs: it asks OpenTelemetry's global providers on every request),
Starlette's server-error, telemetry and body-limit middleware, the edge middleware's closures,
the exception middleware, FastAPI's exit stack and its router. This front door (installed as
the app's `front_door`, see `core.http.EdgeApp`) matches the method and path first and does
what those layers do for this one route, in place: the request id (given or new) in the log
context and the `x-request-id` header, the body size limit (declared and received), the same
access-log line and Prometheus series, errors rendered by the app's own exception handlers (so
the shapes and status codes are the same) and, for an error nothing handles, Starlette's own
`ServerErrorMiddleware` with the app's 500 handler. The answer is sent as two ASGI messages
without a `Response` object. Every other request goes through the normal stack unchanged, and
so does this one when the app has a root path or a body size limit of its own, or when FastAPI's
native telemetry is on (checked once a second: a provider configured at run time is traced from
the next second on).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jarnama.core.errors import PayloadTooLarge
from jarnama.core.http import HttpMetrics, error_response, limit_body, log, valid_request_id
from jarnama.core.logging import request_id_var
from jarnama.decisioning.api import answer_decision, flush_ghosts
from jarnama.decisioning.tokens import random_bytes

if TYPE_CHECKING:
    from fastapi import FastAPI

PATH = "/api/v1/decisions"
TELEMETRY_RECHECK_SECONDS = 1.0
_JSON_HEADERS = (b"content-type", b"application/json")


class DecisionFastPath:
    """Pure ASGI front door: answers `POST /api/v1/decisions` itself, passes the rest on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        owner: FastAPI,
        max_body_bytes: int,
        metrics: HttpMetrics,
    ) -> None:
        """Answer for `owner` (the FastAPI app); `app` runs every other request."""
        self.app = app
        self.owner = owner
        self.max_body_bytes = max_body_bytes
        self.requests = metrics.requests
        self.latency = metrics.latency.labels("POST", PATH)
        self._counters: dict[int, Any] = {}
        self._guarded: ASGIApp | None = None
        self._telemetry_until = 0.0
        self._telemetry_on = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request: the decision route here, anything else downstream."""
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "POST"
            or scope.get("root_path")
            or self._framework_needed()
        ):
            await self.app(scope, receive, send)
            return
        scope["app"] = self.owner  # what Starlette sets: Request.app, the handlers' view
        guarded = self._guarded
        if guarded is None:
            guarded = self._guarded = self._guard()
        await guarded(scope, receive, send)

    def _framework_needed(self) -> bool:
        """Whether FastAPI must see this request itself (root path, body limit, telemetry)."""
        owner = self.owner
        if owner.root_path or getattr(owner, "max_body_size", None) is not None:
            return True
        telemetry = getattr(owner, "_native_telemetry", None)
        if telemetry is None:
            return False
        now = time.monotonic()
        if now >= self._telemetry_until:
            self._telemetry_on = bool(telemetry.enabled())
            self._telemetry_until = now + TELEMETRY_RECHECK_SECONDS
        return self._telemetry_on

    def _guard(self) -> ASGIApp:
        """The decision handler inside Starlette's server-error middleware, as in the stack."""
        handler = None
        for key, value in self.owner.exception_handlers.items():
            if key in (500, Exception):  # as FastAPI's `build_middleware_stack` picks it
                handler = value
        return ServerErrorMiddleware(self._decide, handler=handler, debug=self.owner.debug)

    async def _decide(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        request_id = declared = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                request_id = value.decode("latin-1")
            elif name == b"content-length":
                declared = value
        if request_id is None or not valid_request_id(request_id):
            request_id = random_bytes.take(16).hex()  # as uuid4().hex, without a syscall
        token = request_id_var.set(request_id)
        id_header = (b"x-request-id", request_id.encode())
        status = 500
        try:
            limit = self.max_body_bytes
            if declared is not None and declared.isdigit() and int(declared) > limit:
                status = 413
                too_large = error_response(PayloadTooLarge(f"request body exceeds {limit} bytes"))
                too_large.raw_headers.append(id_header)
                await too_large(scope, receive, send)
                return
            limited_receive = limit_body(receive, limit)
            request = Request(scope, limited_receive)
            try:
                answer, runtime = await answer_decision(request)
            except Exception as exc:
                # The app's own handler for this error (what Starlette's exception middleware
                # would pick); anything unhandled goes on to the server error middleware.
                handler = _handler_for(self.owner.exception_handlers, exc)
                if handler is None:
                    raise
                response = await handler(request, exc)

                async def send_with_id(message: Message) -> None:
                    nonlocal status
                    if message["type"] == "http.response.start":
                        status = message["status"]
                        message["headers"] = [*message.get("headers", []), id_header]
                    await send(message)

                await response(scope, limited_receive, send_with_id)
                return
            # What `Response(answer, media_type="application/json")` sends, and the request id.
            length = (b"content-length", b"%d" % len(answer))
            status = 200
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [length, _JSON_HEADERS, id_header],
                }
            )
            await send({"type": "http.response.body", "body": answer})
            if runtime.ghosts.pending:  # ghost ads go to the event intake after the answer
                await flush_ghosts(request, runtime)
        finally:
            self._observe(status, started)
            request_id_var.reset(token)

    def _observe(self, status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        counter = self._counters.get(status)
        if counter is None:
            counter = self._counters[status] = self.requests.labels("POST", PATH, str(status))
        counter.inc()
        self.latency.observe(elapsed)
        log.info(
            "%s %s %s",
            "POST",
            PATH,
            status,
            extra={"status": status, "ms": round(elapsed * 1000, 3), "route": PATH},
        )


def _handler_for(handlers: dict[Any, Any], exc: Exception) -> Any:
    """The registered handler of the closest class of `exc` (never the catch-all one)."""
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        handler = handlers.get(cls)
        if handler is not None:
            return handler
    return None

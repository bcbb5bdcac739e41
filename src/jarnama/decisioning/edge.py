"""A pure-ASGI fast path for `POST /api/v1/decisions`, in front of the generic HTTP stack.

The decision route is the one hot HTTP path. Through the whole stack a request also passes
the edge middleware's closures, Starlette's exception middleware, FastAPI's exit stack and
its router (matching the probe and tracking routes first): ~0.1 ms of a ~2 ms decision in
a profile of the uvicorn worker. This wrapper matches the method and path first and does
what those layers do for this one route, in place: the request id (given or new) in the
log context and the `x-request-id` header, the body size limit (declared and received), the
same access-log line and Prometheus series, and errors rendered by the app's own exception
handlers (so the shapes and status codes are the same). Authentication, parsing and the
answer are the lean route's own (`api.post_decision_lean`). Every other request, and this
path under a root path, goes through the normal stack unchanged.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jarnama.core.errors import PayloadTooLarge
from jarnama.core.http import HttpMetrics, error_response, log, valid_request_id
from jarnama.core.logging import request_id_var
from jarnama.decisioning.tokens import random_bytes

PATH = "/api/v1/decisions"


class DecisionFastPath:
    """Pure ASGI middleware: answers `POST /api/v1/decisions` itself, passes the rest on."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, metrics: HttpMetrics) -> None:
        """Wrap `app` (the rest of the middleware stack and the router)."""
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.requests = metrics.requests
        self.latency = metrics.latency.labels("POST", PATH)
        self._counters: dict[int, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request: the decision route here, anything else downstream."""
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "POST"
            or scope.get("root_path")
        ):
            await self.app(scope, receive, send)
            return
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
                response: Response = error_response(
                    PayloadTooLarge(f"request body exceeds {limit} bytes")
                )
                response.raw_headers.append(id_header)
                await response(scope, receive, send)
                return
            received = 0

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise PayloadTooLarge(f"request body exceeds {limit} bytes")
                return message

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message["headers"] = [*message.get("headers", []), id_header]
                await send(message)

            request = Request(scope, limited_receive)
            try:
                response = await _post_decision(request)
            except Exception as exc:
                # The app's own handler for this error (what Starlette's exception middleware
                # would pick); anything unhandled goes on to the server error middleware.
                handler = _handler_for(scope["app"].exception_handlers, exc)
                if handler is None:
                    raise
                response = await handler(request, exc)
            await response(scope, limited_receive, send_with_id)
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


async def _post_decision(request: Request) -> Response:
    from jarnama.decisioning.api import post_decision_lean  # the api imports this module's app

    return await post_decision_lean(request)


def _handler_for(handlers: dict[Any, Any], exc: Exception) -> Any:
    """The registered handler of the closest class of `exc` (never the catch-all one)."""
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        handler = handlers.get(cls)
        if handler is not None:
            return handler
    return None

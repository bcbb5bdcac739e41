"""The HTTP edge: request ids, access logs, metrics, body size limit and error rendering."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry, Counter, Histogram
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jarnama.core.errors import (
    Conflict,
    InvalidInput,
    JarnamaError,
    PayloadTooLarge,
)
from jarnama.core.logging import request_id_var

log = logging.getLogger("jarnama.http")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class JsonResponse(JSONResponse):
    """A JSON response rendered with orjson (exact, fast, UTF-8 without escapes)."""

    def render(self, content: Any) -> bytes:
        """Serialise the body."""
        return orjson.dumps(content)


class HttpMetrics:
    """Prometheus series of one app instance (its own registry, so tests can build many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "jarnama_http_requests_total",
            "HTTP requests by route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "jarnama_http_request_duration_seconds",
            "HTTP request latency by route.",
            ["method", "route"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
            registry=self.registry,
        )


class EdgeApp(FastAPI):
    """FastAPI whose requests may pass a pure-ASGI front door before FastAPI sees them.

    `front_door` (None: none) receives every ASGI call, lifespan included, and hands what it
    does not answer itself to `framework`, the app as FastAPI runs it (root path, native
    telemetry, middleware stack, router). The decision route uses it: its front door skips
    FastAPI's per-request telemetry check (~15 µs alone) and Starlette's middleware layers
    (`decisioning.edge`).
    """

    front_door: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call: through the front door when there is one."""
        front = self.front_door
        if front is None:
            await super().__call__(scope, receive, send)
        else:
            await front(scope, receive, send)

    async def framework(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call as FastAPI does (what the front door passes on)."""
        await super().__call__(scope, receive, send)


def limit_body(receive: Receive, limit: int) -> Receive:
    """`receive` that raises `PayloadTooLarge` once the body received passes `limit` bytes."""
    received = 0

    async def limited_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        return message

    return limited_receive


def valid_request_id(given: str) -> bool:
    """Whether a client's `X-Request-ID` is safe to log and echo (else a new one is made)."""
    return _REQUEST_ID_RE.match(given) is not None


def error_response(error: JarnamaError, headers: dict[str, str] | None = None) -> JsonResponse:
    """Render a `JarnamaError` as `{"error", "detail", "field"}`, with the headers it calls for."""
    return JsonResponse(
        error.to_dict(), status_code=error.status_code, headers=headers or error.headers()
    )


class EdgeMiddleware:
    """Pure ASGI middleware: request id, body size limit, access log line and metrics."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, metrics: HttpMetrics) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        limit = self.max_body_bytes

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_too_large(send, request_id, limit)
            self._observe(scope, 413, started)
            request_id_var.reset(token)
            return

        limited_receive = limit_body(receive, limit)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        finally:
            self._observe(scope, status, started)
            request_id_var.reset(token)

    def _observe(self, scope: Scope, status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope.get("method", "")
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.latency.labels(method, route).observe(elapsed)
        log.info(
            "%s %s %s",
            method,
            scope.get("path", ""),
            status,
            extra={"status": status, "ms": round(elapsed * 1000, 3), "route": route},
        )


async def _send_too_large(send: Send, request_id: str, limit: int) -> None:
    response = error_response(
        PayloadTooLarge(f"request body exceeds {limit} bytes"), {"x-request-id": request_id}
    )
    await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def _field_of(location: Any) -> str | None:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str = Field(description="A stable machine-readable code, e.g. not_found.")
    detail: str = Field(description="What went wrong, for people.")
    field: str | None = Field(description="The input field at fault, when there is one.")


_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Describe error responses as they are sent: `ErrorBody`, not FastAPI's default 422 shape.

    Every 4xx/5xx response without a body schema of its own (and every 422) gets the
    `ErrorBody` JSON schema, and an operation with parameters documents the 400 it answers
    for a bad one.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema()
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            if operation.get("parameters") and "400" not in responses:
                responses["400"] = {"description": "A parameter is not acceptable (names it)."}
            for status, response in responses.items():
                if status[:1] in ("4", "5") and _undocumented_error(response):
                    response["content"] = {"application/json": {"schema": dict(_ERROR_REF)}}
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    return schema


def _undocumented_error(response: dict[str, Any]) -> bool:
    """True when a response has no body schema of its own, or FastAPI's default 422 one."""
    content = response.get("content")
    if not content:
        return True
    schema = content.get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).endswith("/HTTPValidationError")


def _install_error_documentation(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    """Render every error the same way; 422 only for bodies that fail schema validation."""
    _install_error_documentation(app)

    @app.exception_handler(JarnamaError)
    async def _jarnama(_: Request, exc: JarnamaError) -> JsonResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JsonResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = first.get("loc", ())
        detail = "; ".join(
            f"{_field_of(err.get('loc', ())) or 'request'}: {err.get('msg')}" for err in errors
        )
        in_body = bool(where) and where[0] == "body"
        return JsonResponse(
            {"error": "validation_error", "detail": detail, "field": _field_of(where)},
            status_code=422 if in_body else 400,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JsonResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated"}.get(
            exc.status_code, "http_error"
        )
        return JsonResponse(
            {"error": code, "detail": str(exc.detail), "field": None},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JsonResponse:
        log.warning("integrity error", extra={"error": str(exc.orig)})
        return error_response(Conflict("this clashes with an existing object"))

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(_: Request, exc: Exception) -> JsonResponse:
        # SQLite refuses integers beyond 64 bits with OverflowError, PostgreSQL with a DataError
        # ("integer out of range"): either way the client sent a number no column can hold.
        log.info("value out of range", extra={"error": str(exc)})
        return error_response(InvalidInput("a number in the request is out of range"))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JsonResponse:
        log.exception("unhandled error")
        return JsonResponse(
            {"error": "internal", "detail": "internal server error", "field": None},
            status_code=500,
        )

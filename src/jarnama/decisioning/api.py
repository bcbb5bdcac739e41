"""HTTP edge of decisioning: `POST /api/v1/decisions` and the tracking pixel and click links.

Who may ask for decisions: the retailer's app, site and screens, i.e. a network-level API key
(role network_admin) with the `auctions` scope. An advertiser's key is refused with 403: a
decision shows every advertiser's winning ads and prices, which no single tenant may see.

The tracking links (`/t/i/{token}`, `/t/c/{token}`) sit outside /api/v1 and take no
credential: the signed token is the credential. A bad or expired token answers 400 and is
counted, never billed. The click link redirects only to the landing URL inside the signed
token (http or https), so it can never be used as an open redirect; a token without one
(sponsored products: the retailer's own page) answers 204. Each event is written durably to the
event intake before it is billed; invalid traffic (bot user agent, repeated click, a click with
no genuine token) is kept and counted there, and never billed (`tracking/links.py`).

The decision route is the hot path, so its edge avoids FastAPI's thread pool: the endpoint
and its dependencies are `async` (the auction is CPU work without I/O, and a thread hop per
dependency cost more than the HTTP parsing), the caller comes from the process's principal
cache (the database only on a miss, in a worker thread), and the answer is rendered once by
msgspec (`service.decide_json`, the same JSON as the response model's) instead of being
validated again as a response model. Figures in
docs/performance.md ("Decision service over HTTP").
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from jarnama.core.errors import Forbidden, ServiceUnavailable
from jarnama.decisioning.runtime import DecisionRuntime
from jarnama.decisioning.schemas import (
    AnyRequestBody,
    DecisionRequestBody,
    DecisionResponse,
    decode_request,
)
from jarnama.decisioning.service import EventKind, EventStatus, decide_json
from jarnama.deps import SessionDep, bearer_token
from jarnama.measurement.ghosts import flush_to_intake
from jarnama.tenancy import credentials
from jarnama.tenancy.auth import PrincipalCache, authenticate
from jarnama.tenancy.models import Scope
from jarnama.tenancy.principal import Principal
from jarnama.tracking.api import IntakeDep
from jarnama.tracking.links import track_link

router = APIRouter(tags=["decisions"])
tracking_router = APIRouter(tags=["tracking"])

# The smallest transparent GIF (43 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = {"Cache-Control": "no-store, max-age=0"}
TOKEN = Annotated[str, Path(min_length=1, max_length=4096)]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed, tampered or expired resolved bid id."},
    503: {"description": "The decision runtime or the state store is unavailable."},
}


async def get_runtime(request: Request) -> DecisionRuntime:
    """The process's decision runtime (created in the app lifespan)."""
    runtime: DecisionRuntime | None = getattr(request.app.state, "decision_runtime", None)
    if runtime is None:
        raise ServiceUnavailable("the decision runtime is not running")
    return runtime


RuntimeDep = Annotated[DecisionRuntime, Depends(get_runtime)]


def _authenticate_in_session(request: Request, token: str) -> Principal:
    """Resolve a credential the cache does not hold, in its own unit of work (the edge's rule)."""
    cache: PrincipalCache = request.app.state.principal_cache
    session = request.app.state.sessionmaker()
    try:
        principal = authenticate(session, token, cache)
        session.commit()  # `last_used_at` of the key
        return principal
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


async def decision_caller(request: Request) -> Principal:
    """The caller of a decision: from the principal cache on the event loop, else the database."""
    token = bearer_token(request)
    cache: PrincipalCache = request.app.state.principal_cache
    token_hash = credentials.digest(token)
    principal = cache.get(token_hash)
    if principal is None:
        # One look-up at a time per process: the requests that missed together wait for it and
        # read the cache, instead of all writing the key's `last_used_at` at once (on SQLite a
        # second writer that read first fails at once with "database is locked").
        async with _auth_lock(request):
            principal = cache.get(token_hash)
            if principal is None:
                principal = await run_in_threadpool(_authenticate_in_session, request, token)
    request.state.principal = principal
    return principal


def _auth_lock(request: Request) -> asyncio.Lock:
    state = request.app.state
    lock: asyncio.Lock | None = getattr(state, "decision_auth_lock", None)
    if lock is None:
        lock = state.decision_auth_lock = asyncio.Lock()
    return lock


DecisionCallerDep = Annotated[Principal, Depends(decision_caller)]
JSON = "application/json"
GHOST_LINGER_SECONDS = 0.005


@router.post(
    "/decisions",
    summary="Choose the sponsored products and banners for one page view.",
    response_model=DecisionResponse,
    responses={
        400: {"description": "A field names an unknown placement, store or too many candidates."},
        403: {"description": "Not a network-level key with the auctions scope."},
        503: {"description": "The decision runtime is unavailable."},
    },
)
async def post_decision(
    body: DecisionRequestBody, principal: DecisionCallerDep, runtime: RuntimeDep, request: Request
) -> Response:
    """Run the auctions of every placement in the request and return the winners per slot."""
    return _answer(request, principal, runtime, body)


def _answer(
    request: Request, principal: Principal, runtime: DecisionRuntime, body: AnyRequestBody
) -> Response:
    ensure_decider(principal)
    response = Response(decide_json(runtime, body), media_type=JSON)
    if runtime.ghosts.pending:  # ghost ads go to the event intake after the answer is sent
        response.background = BackgroundTask(flush_ghosts, request, runtime)
    return response


def ensure_decider(principal: Principal) -> None:
    """Raise 403 unless the caller is a network-level key with the auctions scope."""
    principal.ensure_scope(Scope.AUCTIONS)
    if not principal.is_network_admin:
        raise Forbidden("decisions are requested by the network's own key, not an advertiser's")


async def flush_ghosts(request: Request, runtime: DecisionRuntime) -> None:
    """Write the pending ghost-ads records to the intake, one write at a time per process.

    A write is a thread hop and an fsync (~0.7 ms of CPU a decision when every decision wrote
    its own); the decisions answered while one write is on disk wait for it and share the
    next one (group commit, after a 5 ms linger), so one write covers several decisions. A
    decision's records are written before its background task ends, as before.
    """
    state = request.app.state
    running: asyncio.Future[None] | None = getattr(state, "ghost_flush", None)
    if running is not None:
        with contextlib.suppress(Exception):  # its own task reports a failed write
            await asyncio.shield(running)
        if not runtime.ghosts.pending or getattr(state, "ghost_flush", None) is not None:
            return  # written, or the next write (started after ours were buffered) has them
    flush = state.ghost_flush = asyncio.ensure_future(_write_ghosts(request, runtime))
    try:
        await flush
    finally:
        if getattr(state, "ghost_flush", None) is flush:
            state.ghost_flush = None


async def _write_ghosts(request: Request, runtime: DecisionRuntime) -> None:
    # Lingering a few ms lets the next decisions of a lone connection join the write (a
    # decision takes ~2-3 ms): fewer thread hops and fsyncs; the answers are already sent.
    await asyncio.sleep(GHOST_LINGER_SECONDS)
    await asyncio.to_thread(flush_to_intake, request, runtime.ghosts)


async def post_decision_lean(request: Request) -> Response:
    """`POST /decisions` without FastAPI's dependency solving and body handling.

    The same caller, runtime and answer as `post_decision` (which stays in the router for
    the OpenAPI document and is matched by nothing, since this route comes first). The app's
    front door (`edge.DecisionFastPath`) answers before this route; this one serves the
    requests the front door passes on (e.g. under a root path).
    """
    answer, runtime = await answer_decision(request)
    response = Response(answer, media_type=JSON)
    if runtime.ghosts.pending:  # ghost ads go to the event intake after the answer is sent
        response.background = BackgroundTask(flush_ghosts, request, runtime)
    return response


async def answer_decision(request: Request) -> tuple[bytes, DecisionRuntime]:
    """The JSON answer of a decision request, and the runtime that made it.

    The caller first (401/403 before the body is read), then the body, decoded and validated
    from the raw bytes in one pass (msgspec, else pydantic's `model_validate_json`:
    `schemas.decode_request`) instead of `json.loads` and then a validation of the dict; a
    malformed body answers the same 422 as every route.
    """
    principal = await decision_caller(request)
    runtime = await get_runtime(request)
    body = parse_body(await request.body())
    ensure_decider(principal)
    return decide_json(runtime, body), runtime


def parse_body(raw: bytes) -> AnyRequestBody:
    """The decision body, or the 422 of a malformed one (`RequestValidationError`)."""
    try:
        return decode_request(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in errors]
        ) from None


# First in the router, so it answers `POST /api/v1/decisions` (~0.1 ms less per decision).
router.add_route("/decisions", post_decision_lean, methods=["POST"], include_in_schema=False)
router.routes.insert(0, router.routes.pop())


@tracking_router.get(
    "/t/i/{token}",
    summary="Impression pixel: record (and bill, for CPM) an ad's impression.",
    response_class=Response,
    responses={200: {"content": {"image/gif": {}}, "description": "A 1×1 GIF."}, **ERRORS},
)
def impression_pixel(
    token: TOKEN, request: Request, session: SessionDep, runtime: RuntimeDep, intake: IntakeDep
) -> Response:
    """Record an impression of a winning ad and answer a transparent 1×1 GIF."""
    agent = request.headers.get("user-agent")
    tracked = track_link(runtime, session, intake, token, EventKind.IMPRESSION, agent)
    outcome = tracked.outcome
    if outcome is not None and outcome.status is EventStatus.UNAVAILABLE:
        raise ServiceUnavailable("the state store is unavailable; retry the event")
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@tracking_router.get(
    "/t/c/{token}",
    summary="Click link: record (and bill, for CPC) a click, then go to the landing page.",
    response_class=Response,
    status_code=302,
    responses={
        204: {"description": "Recorded; the token carries no landing URL."},
        302: {"description": "Recorded; redirect to the signed landing URL."},
        **ERRORS,
    },
)
def click_link(
    token: TOKEN, request: Request, session: SessionDep, runtime: RuntimeDep, intake: IntakeDep
) -> Response:
    """Record a click of a winning ad and redirect to the landing URL signed in its token."""
    agent = request.headers.get("user-agent")
    tracked = track_link(runtime, session, intake, token, EventKind.CLICK, agent)
    landing = tracked.claims.landing_url
    if landing is None or not _safe_landing(landing):
        return Response(status_code=204, headers=NO_STORE)
    return RedirectResponse(landing, status_code=302, headers=NO_STORE)


def _safe_landing(url: str) -> bool:
    """Only absolute http(s) URLs with a host (a signed value, checked once more anyway)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "\\" not in url

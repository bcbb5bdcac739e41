"""`POST /v2/auctions` and `POST /v2/events` as Topsort's published v2 API has them.

Mounted at the root (not under /api/v1) so a storefront written against Topsort works by
changing its base URL. The caller is the retailer: a network-level API key (role
network_admin) with the `auctions` scope for auctions and the `events` scope for events, sent
as `Authorization: Bearer <key>`.

Status codes and bodies are Topsort's on these two routes only: 201 with `results` (one per
auction, in order; a failed auction is `error: true` with no winners), 204 for an accepted
event batch, 400 `{"errCode", "message"}` for a body the spec refuses (errCodes as the spec
names them), 401 `invalid_api_key` for a missing, unknown or revoked key and for a key that
may not call the route (the spec has no 403). Differences, on purpose:

- `demandSources` (external demand, e.g. Criteo) answers 400 `unauthorized_external_demand`:
  Jarnama runs no external demand in a listings auction (Topsort answers so for a
  marketplace not configured for it).
- `filter` (product attributes) is accepted and ignored: Jarnama holds no product attributes.
- More than 500 candidate products: the first 500 take part (the spec recommends ≤ 500).
- Events: every `resolvedBidId` is verified before anything is recorded; one that is not a
  genuine, unexpired Jarnama token refuses the batch with 400 `resolved_bid_id_not_found`.
  Sponsored impressions and clicks are recorded (the billable one charged once per resolved
  bid id) after they are durable in the event intake, invalid traffic (repeated clicks) kept
  there but not billed; purchases go to the intake for attribution (prices in tenge become
  tiyn, half up; `instore` is a store purchase); organic events and page views are validated
  and counted in `jarnama_topsort_events_total` only.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from prometheus_client import Counter
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from jarnama.catalog import repository as catalog_repository
from jarnama.config import Settings
from jarnama.core.errors import JarnamaError, Unauthenticated
from jarnama.core.http import JsonResponse
from jarnama.core.time import utcnow
from jarnama.decisioning.runtime import DecisionRuntime
from jarnama.decisioning.schemas import DecisionRequestBody
from jarnama.decisioning.service import EventKind, TokenRejected, decide, verify_token
from jarnama.deps import SessionDep, get_principal
from jarnama.tenancy.models import Scope
from jarnama.tenancy.principal import Principal
from jarnama.topsort import translate
from jarnama.topsort.schemas import (
    AuctionResult,
    AuctionsRequest,
    AuctionsResponse,
    EventsRequest,
    SponsoredListingsAuction,
    TopsortError,
)
from jarnama.topsort.translate import CategoryDirectory, Endpoint, PlacementRouting
from jarnama.tracking import events as ev
from jarnama.tracking import links
from jarnama.tracking.api import get_intake

log = logging.getLogger(__name__)


class TopsortFailure(Exception):
    """An error answered in Topsort's shape: a status and `{"errCode", "message"}`."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = TopsortError.model_validate({"errCode": code, "message": message})


def _render(status_code: int, body: TopsortError) -> JsonResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status_code == 401 else None
    return JsonResponse(
        body.model_dump(by_alias=True, exclude_none=True), status_code=status_code, headers=headers
    )


class TopsortRoute(APIRoute):
    """A route answering every error of its own in Topsort's shape, not Jarnama's."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler: validation, auth and service errors become Topsort errors."""
        handler = super().get_route_handler()
        endpoint: Endpoint = "events" if self.path.endswith("/events") else "auctions"

        async def topsort_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return _render(400, translate.topsort_error(exc.errors(), endpoint))
            except TopsortFailure as exc:
                return _render(exc.status_code, exc.body)
            except StarletteHTTPException as exc:  # e.g. a body that is not UTF-8 JSON
                code = "invalid_api_key" if exc.status_code == 401 else "bad_request"
                error = TopsortError.model_validate({"errCode": code, "message": str(exc.detail)})
                return _render(exc.status_code, error)
            except Unauthenticated as exc:
                return _render(401, TopsortError(err_code="invalid_api_key", message=exc.message))
            except JarnamaError as exc:
                code = "internal_server_error" if exc.status_code >= 500 else "bad_request"
                return _render(exc.status_code, TopsortError.model_validate(
                    {"errCode": code, "message": exc.message}
                ))  # fmt: skip
            except Exception:
                log.exception("unhandled error on %s", self.path)
                return _render(
                    500,
                    TopsortError(err_code="internal_server_error", message="internal error"),
                )

        return topsort_handler


router = APIRouter(tags=["topsort"], route_class=TopsortRoute)

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": TopsortError, "description": "The body is not acceptable (errCode says why)."},
    401: {"model": TopsortError, "description": "The API key is missing, invalid or not allowed."},
    503: {"model": TopsortError, "description": "The decision runtime is not running."},
    # Any other error is a TopsortError too (500 internal_server_error); declaring it also
    # keeps FastAPI from documenting a 422 these routes never send (they answer 400).
    "default": {"model": TopsortError, "description": "Any other error."},
}


def _caller(request: Request, session: SessionDep, scope: Scope) -> Principal:
    principal = get_principal(request, session)
    if not principal.is_network_admin or scope.value not in principal.scopes:
        raise TopsortFailure(
            401,
            "invalid_api_key",
            f"use the network's API key with the '{scope.value}' scope for this endpoint",
        )
    return principal


def auctions_caller(request: Request, session: SessionDep) -> Principal:
    """The retailer's key, allowed to run auctions."""
    return _caller(request, session, Scope.AUCTIONS)


def events_caller(request: Request, session: SessionDep) -> Principal:
    """The retailer's key, allowed to report events."""
    return _caller(request, session, Scope.EVENTS)


AuctionsCaller = Annotated[Principal, Depends(auctions_caller)]
EventsCaller = Annotated[Principal, Depends(events_caller)]


def _runtime(request: Request) -> DecisionRuntime:
    runtime: DecisionRuntime | None = getattr(request.app.state, "decision_runtime", None)
    if runtime is None:
        raise TopsortFailure(503, "internal_server_error", "the decision runtime is not running")
    return runtime


def routing_of(settings: Settings) -> PlacementRouting:
    """The placement routing configured under `JARNAMA_TOPSORT__…`."""
    config = settings.topsort
    return PlacementRouting(
        listings_default=config.listings_default,
        listings_search=config.listings_search,
        listings_category=config.listings_category,
        listings_product_page=config.listings_product_page,
        placement_ids=dict(config.placement_ids),
        banner_slots=dict(config.banner_slots),
    )


_LOCK = threading.Lock()


def _categories(request: Request, session: Session, runtime: DecisionRuntime) -> CategoryDirectory:
    """The category paths, read once per serving snapshot (a catalog edit makes a new one)."""
    version = runtime.network.version
    cached: tuple[int, CategoryDirectory] | None = getattr(
        request.app.state, "topsort_categories", None
    )
    if cached is not None and cached[0] == version:
        return cached[1]
    directory = CategoryDirectory(catalog_repository.category_ids_by_path(session))
    with _LOCK:
        request.app.state.topsort_categories = (version, directory)
    return directory


def _event_counter(request: Request) -> Counter:
    """`jarnama_topsort_events_total{kind}`, registered once in the app's registry."""
    state = request.app.state
    counter: Counter | None = getattr(state, "topsort_events", None)
    if counter is None:
        with _LOCK:
            counter = getattr(state, "topsort_events", None)
            if counter is None:
                counter = Counter(
                    "jarnama_topsort_events_total",
                    "Events reported through the Topsort-compatible /v2/events, by kind.",
                    ["kind"],
                    registry=state.metrics.registry,
                )
                state.topsort_events = counter
    return counter


@router.post(
    "/v2/auctions",
    status_code=201,
    summary="Run 1–5 sponsored listings or banner auctions (Topsort v2 compatible).",
    response_model_exclude_none=True,
    responses=_ERRORS,
)
def create_auctions(
    body: AuctionsRequest,
    request: Request,
    session: SessionDep,
    _: AuctionsCaller,
) -> AuctionsResponse:
    """Run each auction of the batch on the serving snapshot; one result per auction, in order."""
    runtime = _runtime(request)
    if any(isinstance(a, SponsoredListingsAuction) and a.demand_sources for a in body.auctions):
        raise TopsortFailure(
            400, "unauthorized_external_demand", "external demand is not enabled on this network"
        )
    settings: Settings = request.app.state.settings
    routing = routing_of(settings)
    needs_categories = any(a.category is not None for a in body.auctions)
    categories = (
        _categories(request, session, runtime) if needs_categories else CategoryDirectory({})
    )
    now = utcnow()
    results: list[AuctionResult] = []
    for auction in body.auctions:
        results.append(_run(runtime, auction, routing, categories, now))
    return AuctionsResponse(results=results)


def _run(
    runtime: DecisionRuntime,
    auction: translate.Auction,
    routing: PlacementRouting,
    categories: CategoryDirectory,
    now: dt.datetime,
) -> AuctionResult:
    planned = translate.plan_auction(auction, routing, categories)
    if not isinstance(planned, DecisionRequestBody):
        return planned  # answered without an auction (no category can match, unsupported)
    try:
        decision = decide(runtime, planned, now, strict=False)
    except JarnamaError as exc:
        log.info("topsort auction refused: %s", exc.message)
        return translate.empty_result(auction, error=True)
    return translate.auction_result(auction, decision.placements[0])


def _purchases(body: EventsRequest) -> list[ev.Purchase]:
    """The batch's purchases as intake events (400 `bad_request` for one the intake refuses)."""
    found: list[ev.Purchase] = []
    for purchase in body.purchases or ():
        lines = [
            links.OutsideLine(item.product_id, item.quantity, item.unit_price)
            for item in purchase.items
        ]
        try:
            found.append(
                links.outside_purchase(
                    "tsp",
                    purchase.id,
                    purchase.occurred_at,
                    lines,
                    in_store=purchase.channel == "instore",
                    user_id=purchase.opaque_user_id or None,
                )
            )
        except msgspec.ValidationError as exc:
            raise TopsortFailure(
                400, "bad_request", f"purchase {purchase.id}: {exc}; nothing was recorded"
            ) from None
    return found


@router.post(
    "/v2/events",
    status_code=204,
    summary="Report impressions, clicks, purchases and page views (Topsort v2 compatible).",
    response_class=Response,
    responses={204: {"description": "Every event was accepted."}, **_ERRORS},
)
def report_events(
    body: EventsRequest,
    request: Request,
    session: SessionDep,
    _: EventsCaller,
) -> Response:
    """Record sponsored impressions and clicks (charging billable ones once); count the rest."""
    runtime = _runtime(request)
    now = utcnow()
    sponsored = translate.interactions(body)
    for interaction in sponsored:
        try:
            verify_token(runtime, interaction.resolved_bid_id, now)
        except TokenRejected as exc:
            raise TopsortFailure(
                400,
                "resolved_bid_id_not_found",
                f"event {interaction.event_id}: {exc.message}; nothing in this batch was recorded",
            ) from None
    purchases = _purchases(body)
    intake = get_intake(request)
    links.track_interactions(
        runtime,
        session,
        intake,
        [(i.event_id, EventKind(i.kind), i.resolved_bid_id) for i in sponsored],
        now,
    )
    links.record_purchases(intake, purchases)
    counter = _event_counter(request)
    for kind, count in translate.tally(body).as_counts().items():
        if count:
            counter.labels(kind).inc(count)
    return Response(status_code=204)

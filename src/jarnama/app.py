"""The ASGI app factory: settings in, app out; engines and pools live in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from jarnama import __version__
from jarnama.config import Settings, load_settings
from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.errors import ServiceUnavailable
from jarnama.core.http import (
    EdgeApp,
    EdgeMiddleware,
    HttpMetrics,
    JsonResponse,
    install_error_handlers,
)
from jarnama.tenancy.auth import PrincipalCache
from jarnama.tenancy.throttle import (
    InProcessLoginThrottle,
    LoginLimits,
    LoginThrottle,
    RedisLoginThrottle,
)

DESCRIPTION = """Jarnama management and serving API.

Authenticate with `Authorization: Bearer <API key or session token>`. Errors are
`{"error": code, "detail": message, "field": name-or-null}`. Lists are cursor-paginated:
pass the `next_cursor` of one page as `cursor` to get the next.
"""


def _probe_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers.")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    @router.get(
        "/readyz",
        summary="Readiness: the database answers.",
        responses={503: {"description": "A dependency is unavailable."}},
    )
    def readyz(request: Request) -> dict[str, str]:
        """Readiness: the database answers a query."""
        factory: sessionmaker[Session] = request.app.state.sessionmaker
        try:
            with factory() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:
            raise ServiceUnavailable(f"database unavailable: {type(exc).__name__}") from exc
        return {"status": "ready"}

    @router.get("/metrics", summary="Prometheus metrics.", response_class=Response)
    def metrics(request: Request) -> Response:
        """Prometheus metrics in the text exposition format."""
        registry = request.app.state.metrics.registry
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router


def create_app(
    settings: Settings | None = None, *, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    """Build the Jarnama ASGI app (tests pass a session factory bound to their transaction)."""
    settings = settings or load_settings()
    engine = None
    if session_factory is None:
        engine = make_engine(
            settings.database.url,
            echo=settings.database.echo,
            pool_size=settings.database.pool_size,
        )
        session_factory = make_sessionmaker(engine)

    sessions: sessionmaker[Session] = session_factory

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from jarnama.creators.jobs import periodic_jobs
        from jarnama.decisioning.runtime import serving_runtime
        from jarnama.exchange.runtime import exchange_runtime
        from jarnama.measurement.jobs import report_worker

        # The background snapshot poll and the creator jobs run only on an engine the app
        # owns: tests pass a factory bound to their one connection, and call them by hand.
        async with (
            serving_runtime(
                app.state, settings, sessions, metrics.registry, background=engine is not None
            ),
            periodic_jobs(settings, sessions, background=engine is not None),
            report_worker(app.state, settings, sessions, background=engine is not None),
            exchange_runtime(app.state, settings, metrics.registry, background=engine is not None),
        ):
            if engine is not None:
                import gc

                # What start-up built (modules, the first snapshot) lives for the process: freezing
                # it keeps full collections from rescanning ~200k objects each time (an intake
                # batch of 1,000 events: p99 ~420 -> ~60 ms, benchmarks/intake_http.py).
                gc.freeze()
            yield
        intake = getattr(app.state, "event_intake", None)  # opened on first use
        if intake is not None:
            intake.close()
        if engine is not None:
            engine.dispose()

    app = EdgeApp(
        title="Jarnama",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=JsonResponse,
    )
    metrics = HttpMetrics()
    app.state.settings = settings
    app.state.sessionmaker = session_factory
    app.state.metrics = metrics
    app.state.principal_cache = PrincipalCache()
    app.state.login_throttle = login_throttle(settings)
    install_error_handlers(app)
    app.add_middleware(
        EdgeMiddleware, max_body_bytes=settings.limits.max_body_bytes, metrics=metrics
    )
    from jarnama.decisioning.edge import DecisionFastPath

    # In front of FastAPI: answers POST /api/v1/decisions before the generic stack.
    app.front_door = DecisionFastPath(
        app.framework, owner=app, max_body_bytes=settings.limits.max_body_bytes, metrics=metrics
    )

    app.include_router(_probe_router())
    from jarnama.decisioning.api import tracking_router

    app.include_router(tracking_router)  # /t/i/{token}, /t/c/{token}: outside /api/v1
    from jarnama.creators.api import link_router as creator_link_router

    app.include_router(creator_link_router)  # /c/{slug}: creators' short links, outside /api/v1
    for router in _domain_routers():
        app.include_router(router, prefix="/api/v1")
    from jarnama.topsort.api import router as topsort_router

    app.include_router(topsort_router)  # /v2/auctions, /v2/events: Topsort's own paths
    from jarnama.exchange.player_api import inbound_router as openrtb_router
    from jarnama.exchange.player_api import router as player_router

    app.include_router(player_router, prefix="/api/v1")  # player tokens: no management router
    app.include_router(openrtb_router)  # /openrtb2/auction: Prebid Server's own path
    return app


def login_throttle(settings: Settings) -> LoginThrottle:
    """Failed-login counts: in Redis when it is configured, else in this process."""
    auth = settings.auth
    limits = LoginLimits(
        auth.login_max_failures, auth.login_ip_max_failures, auth.login_window_seconds
    )
    if settings.redis_url:
        client = redis.Redis.from_url(settings.redis_url, socket_timeout=2)
        return RedisLoginThrottle(client, limits, prefix=settings.decisioning.redis_prefix)
    return InProcessLoginThrottle(limits)


def _domain_routers() -> list[APIRouter]:
    """Every domain's management API, mounted under /api/v1."""
    from jarnama.campaigns.api import router as campaigns_router
    from jarnama.catalog.api import router as catalog_router
    from jarnama.creators.api import router as creators_router
    from jarnama.decisioning.api import router as decisioning_router
    from jarnama.exchange.api import router as exchange_router
    from jarnama.exchange.api_ops import router as exchange_ops_router
    from jarnama.measurement.api import router as reports_router
    from jarnama.measurement.rules_api import router as measurement_router
    from jarnama.money.api import router as money_router
    from jarnama.tenancy.api import router as tenancy_router
    from jarnama.tracking.api import router as tracking_events_router
    from jarnama.transcreation.api import router as transcreation_router

    # Decisions are the hot path: first in the list, so routing matches them before ~75 others.
    return [
        decisioning_router,
        tenancy_router,
        money_router,
        campaigns_router,
        catalog_router,
        exchange_router,
        exchange_ops_router,
        tracking_events_router,
        reports_router,
        measurement_router,
        creators_router,
        transcreation_router,
    ]

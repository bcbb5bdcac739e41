"""HTTP edge of the player API (`/api/v1/exchange/player/…`) and `POST /openrtb2/auction`.

Both are serving paths: the caller is a media owner's API key with the `auctions` scope (or,
for the player API, one screen's player token), resolved from the process's principal cache.
The endpoints are `async`: the auction awaits the bidders on the event loop, and the database
work (snapshot check, lease writes) runs in a worker thread in a unit of work of its own that
commits before anything is answered or any notice is sent — a billing notice never goes out
for a rolled-back play. Notices are queued to the background sender and never delay an answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from jarnama.core.db import transaction
from jarnama.core.errors import (
    InvalidInput,
    JarnamaError,
    PayloadTooLarge,
    ServiceUnavailable,
    Unauthenticated,
)
from jarnama.core.money import Currency
from jarnama.core.time import business_day, utcnow
from jarnama.deps import bearer_token
from jarnama.exchange import inbound, player
from jarnama.exchange.core import ExchangeAuction, new_auction_id
from jarnama.exchange.openrtb import Slot, dumps, floor_in
from jarnama.exchange.player_schemas import (
    AdOut,
    AdRequest,
    LeaseOut,
    ProofOfPlay,
    ProofOut,
    ReleaseOut,
)
from jarnama.exchange.runtime import ExchangeRuntime
from jarnama.exchange.snapshot import ScreenSnapshot
from jarnama.tenancy import credentials
from jarnama.tenancy.auth import PrincipalCache, authenticate

router = APIRouter(prefix="/exchange/player", tags=["exchange player"])
inbound_router = APIRouter(tags=["exchange player"])

JSON = "application/json"
T = TypeVar("T")
LeaseId = Annotated[str, Path(min_length=32, max_length=40, pattern=r"^[0-9a-f]+$")]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or unknown credential."},
    403: {"description": "The key lacks the auctions scope, or is a creator's."},
    404: {"description": "No such screen or lease, or another tenant's."},
}


async def get_exchange_runtime(request: Request) -> ExchangeRuntime:
    """The process's exchange runtime (created in the app lifespan)."""
    runtime: ExchangeRuntime | None = getattr(request.app.state, "exchange_runtime", None)
    if runtime is None:
        raise ServiceUnavailable("the exchange runtime is not running")
    return runtime


ExchangeRuntimeDep = Annotated[ExchangeRuntime, Depends(get_exchange_runtime)]


def _in_unit_of_work(request: Request, work: Callable[[Session], T]) -> T:
    """Run `work` in a session of its own that commits on success (in a worker thread)."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with transaction(factory) as session:
        return work(session)


async def unit_of_work(request: Request, work: Callable[[Session], T]) -> T:
    """`work` in its own committed unit of work, off the event loop."""
    return await run_in_threadpool(_in_unit_of_work, request, work)


def _resolve(request: Request, token: str) -> player.PlayerCaller:
    """A credential the cache does not hold, resolved in its own unit of work."""
    if player.is_player_token(token):

        def by_token(session: Session) -> player.PlayerCaller:
            found = player.caller_of_player_token(session, token)
            if found is None:
                raise Unauthenticated("the player token is unknown, revoked or its screen is gone")
            return found

        return _in_unit_of_work(request, by_token)
    cache: PrincipalCache = request.app.state.principal_cache
    principal = _in_unit_of_work(request, lambda session: authenticate(session, token, cache))
    return player.caller_of_principal(principal)


async def player_caller(request: Request) -> player.PlayerCaller:
    """The caller of a player or inbound request: an API key (cached) or a player token."""
    token = bearer_token(request)
    if not player.is_player_token(token):
        cache: PrincipalCache = request.app.state.principal_cache
        cached = cache.get(credentials.digest(token))
        if cached is not None:
            request.state.principal = cached
            return player.caller_of_principal(cached)
    return await run_in_threadpool(_resolve, request, token)


PlayerCallerDep = Annotated[player.PlayerCaller, Depends(player_caller)]


async def _auction(
    runtime: ExchangeRuntime,
    screen: ScreenSnapshot,
    plays_at: dt.datetime,
    now: dt.datetime,
    *,
    source: str,
    imp_id: str = "1",
    tmax_ms: int | None = None,
    test: bool = False,
) -> ExchangeAuction:
    slot = Slot(screen=screen, plays_at=plays_at, auction_id=new_auction_id(), imp_id=imp_id)
    auction = await runtime.exchange.auction(
        slot,
        runtime.rates,
        tmax_ms=tmax_ms,
        now=now,
        approval=runtime.approval_for(screen),
        test=test,
    )
    runtime.metrics.observe(source, auction)
    return auction


# --- the player API ------------------------------------------------------------------------


@router.post(
    "/ads",
    summary="Ask for the ad of one screen slot (up to N minutes ahead) and lease the slot.",
    response_model=AdOut,
    responses={
        204: {"description": "No ad: no bid cleared and no direct or house campaign runs."},
        400: {"description": "plays_at is past, too far ahead or outside the screen's hours."},
        **ERRORS,
    },
)
async def ask_for_ad(
    body: AdRequest, request: Request, caller: PlayerCallerDep, runtime: ExchangeRuntimeDep
) -> Response:
    """Run the auction for the slot and answer the creative, tracking URLs and the lease."""
    now = utcnow()
    screen_id = body.screen_id if body.screen_id is not None else caller.screen_id
    if screen_id is None:
        raise InvalidInput("name the screen (a player token implies its own)", field="screen_id")
    settings = runtime.settings.exchange
    plays_at = body.plays_at or now

    def prepare(session: Session | None) -> ScreenSnapshot:
        if session is not None:
            runtime.refresh(session, recheck=runtime.inventory.screen(screen_id) is None)
        found = runtime.inventory.screen(screen_id)
        return player.check_slot(caller, found, plays_at, now, settings)

    # Between the snapshot's checks (every reload_seconds) the auction needs no database at all;
    # a screen the snapshot does not know is looked for at once (created by another process).
    if runtime.refresh_due() or runtime.inventory.screen(screen_id) is None:
        screen = await unit_of_work(request, prepare)
    else:
        screen = prepare(None)
    auction = await _auction(runtime, screen, plays_at, now, source="player", test=body.test)
    choice = None
    if auction.result.win is None:  # unsold: the screen's direct-sold or house campaign
        signals = runtime.ops.signals.current(screen, plays_at, now=now)
        choice = runtime.ops.dco.choose(screen.id, plays_at, signals)

    # Unfilled auctions count in the reports too (and queue unreviewed creatives): written in
    # the background, off this answer's path.
    runtime.ops.record(screen, auction)
    if auction.result.win is None and choice is None:
        return Response(status_code=204)

    def store(session: Session) -> AdOut | None:
        if auction.result.win is not None:
            lease = player.record_lease(
                session, screen, auction, plays_at, settings, source="player"
            )
        elif choice is not None:
            lease = player.record_house_lease(
                session, screen, choice, auction.request_id, plays_at, settings
            )
        else:
            return None
        return player.ad_out(lease, screen, runtime.settings.base_url)

    answer = await unit_of_work(request, store)
    if answer is None:
        return Response(status_code=204)
    runtime.metrics.plays.labels("leased").inc()
    return Response(answer.model_dump_json(), media_type=JSON)


@router.get(
    "/leases/{lease_id}",
    summary="Show one lease: its creative, status and billed play.",
    responses=ERRORS,
)
async def get_lease(
    lease_id: LeaseId, request: Request, caller: PlayerCallerDep, runtime: ExchangeRuntimeDep
) -> LeaseOut:
    """Show a lease of the caller's screens (404 for another tenant's)."""
    return await unit_of_work(request, lambda session: player.lease_out(session, caller, lease_id))


@router.post(
    "/leases/{lease_id}/proof",
    summary="Report the proof of play of a leased slot: the billable event (idempotent).",
    responses={
        409: {"description": "The lease was released."},
        410: {"description": "The lease expired: the play is not billed."},
        **ERRORS,
    },
)
async def prove_play(
    lease_id: LeaseId,
    body: ProofOfPlay,
    request: Request,
    caller: PlayerCallerDep,
    runtime: ExchangeRuntimeDep,
) -> ProofOut:
    """Record the play and its billing once; fire the winning bid's burl after the commit."""
    now = utcnow()
    settings = runtime.settings.exchange

    def prove(session: Session) -> tuple[ProofOut, str | None]:
        return player.prove_play(session, caller, lease_id, body, now, settings)

    try:
        out, burl = await unit_of_work(request, prove)
    except IntegrityError:
        # Two proofs of one lease at once on SQLite (no row lock): the other one billed it.
        # Asked again, the lease answers that first proof.
        out, burl = await unit_of_work(request, prove)
    if burl:
        runtime.notices.send(burl, kind="burl", bidder="")
    if not out.replayed:
        runtime.metrics.plays.labels("billed" if out.billed else "unbilled").inc()
    return out


@router.post(
    "/leases/{lease_id}/release",
    summary="Release a leased slot that will not play: no billing, a loss notice to the winner.",
    responses={409: {"description": "The lease already has a proof of play."}, **ERRORS},
)
async def release_lease(
    lease_id: LeaseId, request: Request, caller: PlayerCallerDep, runtime: ExchangeRuntimeDep
) -> ReleaseOut:
    """Cancel the lease; the winner's lurl gets loss code 2 (opportunity expired)."""
    now = utcnow()
    out, lurl = await unit_of_work(
        request, lambda session: player.release_lease(session, caller, lease_id, now)
    )
    if lurl:
        runtime.notices.send(lurl, kind="lurl", bidder="")
    if not out.replayed:
        runtime.metrics.plays.labels("released").inc()
    return out


# --- OpenRTB 2.6 inbound -------------------------------------------------------------------


def _response_price(
    runtime: ExchangeRuntime,
    price: Decimal,
    kzt: Decimal,
    win_cur: Currency,
    to: Currency,
    day: dt.date,
) -> Decimal:
    """The clearing CPM in the request's currency (exact, or rounded down to 4 places)."""
    if to is win_cur:
        return price
    if to is Currency.KZT:
        return kzt
    per_unit = runtime.rates.rate(to, day).kzt_per_unit
    return (kzt / per_unit).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)


@inbound_router.post(
    "/openrtb2/auction",
    summary="OpenRTB 2.6 auction for DOOH supply (Prebid Server's endpoint).",
    response_class=Response,
    responses={
        200: {"description": "An OpenRTB 2.6 BidResponse.", "content": {JSON: {}}},
        204: {"description": "No bid."},
        400: {"description": "The BidRequest is invalid; `field` names the problem."},
        413: {"description": "The BidRequest is larger than exchange.max_request_bytes."},
        **ERRORS,
    },
    openapi_extra={"requestBody": {"content": {JSON: {"schema": {"type": "object"}}}}},
)
async def openrtb_auction(
    request: Request, caller: PlayerCallerDep, runtime: ExchangeRuntimeDep
) -> Response:
    """Run the exchange's auction for each impression and answer an OpenRTB BidResponse."""
    limit = runtime.settings.exchange.max_request_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"a BidRequest is at most {limit} bytes", field="body")
    body = await request.body()
    if len(body) > limit:
        raise PayloadTooLarge(f"a BidRequest is at most {limit} bytes", field="body")
    parsed = inbound.parse_request(body)
    now = utcnow()
    day = business_day(now)
    settings = runtime.settings.exchange
    ahead = dt.timedelta(minutes=settings.player_max_ahead_minutes)

    def unknown() -> bool:
        return any(imp.screen_code not in runtime.by_code for imp in parsed.imps)

    def prepare(
        session: Session | None,
    ) -> list[tuple[inbound.InboundImp, ScreenSnapshot, dt.datetime]]:
        if session is not None:
            runtime.refresh(session, recheck=unknown())
        slots = []
        for imp in parsed.imps:
            candidates = [
                screen
                for screen in runtime.by_code.get(imp.screen_code, ())
                if caller.may_use(screen.account_id, screen.id)
            ]
            floor = None
            if imp.floor is not None and candidates:
                try:
                    floor = floor_in(
                        imp.floor,
                        imp.floor_currency,
                        candidates[0].floor_currency,
                        runtime.rates,
                        day,
                    )
                except JarnamaError as exc:
                    raise InvalidInput(exc.message, field=f"imp.{imp.index}.bidfloorcur") from exc
            screen = inbound.screen_for(imp, candidates, floor, parsed)
            plays_at = imp.plays_at or now
            if not now - player.CLOCK_SKEW <= plays_at <= now + ahead:
                raise InvalidInput(
                    f"the play time must be between now and {settings.player_max_ahead_minutes}"
                    " minutes ahead",
                    field=f"imp.{imp.index}.dt",
                )
            slots.append((imp, screen, plays_at))
        return slots

    # As for the player API: no database between the snapshot's checks, unless a screen code is
    # unknown (created by another process a moment ago).
    if runtime.refresh_due() or unknown():
        slots = await unit_of_work(request, prepare)
    else:
        slots = prepare(None)
    if parsed.currency is not Currency.KZT:
        try:
            runtime.rates.rate(parsed.currency, day)
        except JarnamaError as exc:
            raise InvalidInput(f"no {parsed.currency} rate to price in", field="cur") from exc
    tmax = min(parsed.tmax_ms, 10_000) if parsed.tmax_ms is not None else None
    auctions = await asyncio.gather(
        *(
            _auction(
                runtime,
                screen,
                plays_at,
                now,
                source="openrtb",
                imp_id=imp.imp_id,
                tmax_ms=tmax,
                test=parsed.test,
            )
            for imp, screen, plays_at in slots
        )
    )
    won = [
        (imp, screen, plays_at, auction)
        for (imp, screen, plays_at), auction in zip(slots, auctions, strict=True)
        if auction.result.win is not None
    ]

    # Every imp's auction for the reports, won or not: written in the background (ops.py).
    for (_, screen, _), auction in zip(slots, auctions, strict=True):
        runtime.ops.record(screen, auction)
    if not won:
        return Response(status_code=204)

    def store(session: Session) -> list[tuple[inbound.InboundImp, Any, Decimal, dict[str, Any]]]:
        rows = []
        for imp, screen, plays_at, auction in won:
            win = auction.result.win
            assert win is not None
            lease = player.record_lease(
                session, screen, auction, plays_at, settings, source="openrtb"
            )
            urls = player.tracking_urls(runtime.settings.base_url, lease.code)
            price = _response_price(
                runtime, win.price, win.price_kzt, win.currency, parsed.currency, day
            )
            ext = {
                "lease_id": lease.code,
                "expires_at": lease.expires_at.isoformat(),
                "proof_of_play_url": urls.proof_of_play_url,
                "release_url": urls.release_url,
            }
            rows.append((imp, win, price, ext))
        return rows

    wins = await unit_of_work(request, store)
    runtime.metrics.plays.labels("leased").inc(len(wins))
    return Response(dumps(inbound.bid_response(parsed, wins)), media_type=JSON)

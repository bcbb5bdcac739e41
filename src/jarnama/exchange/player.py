"""The player side of the exchange: DOOH players ask for ads, prove plays, release slots.

A player (authenticated by its media owner's API key with the `auctions` scope, or by a
per-screen player token `jp_<prefix>_<secret>`) asks for the ad of a slot up to
`exchange.player_max_ahead_minutes` ahead. The exchange runs the auction across the bidders,
stores the win as a *lease* and answers the creative, the tracking URLs and the lease's
expiry (the slot's end plus `exchange.lease_grace_seconds`).

- Proof of play is the billable event: once per lease (a repeated proof answers the first),
  it records one `PlayBilling` row (cost = clearing CPM / 1000 × the screen's audience
  multiplier, exact; the exchange keeps `revenue_share` of the tenge amount) and fires the
  winning bid's `burl` after the commit. A play shown less than `min_percent_billable` percent
  is recorded and not billed. A proof after the lease's expiry is refused (410).
- Release: the slot was not played; no billing, and the winner's `lurl` gets loss code 2
  ("impression opportunity expired").
- A slot no bid clears is filled by the screen's direct-sold or house campaign when one runs
  (`jarnama.exchange.dco`): its lease is proven and released the same way and never billed
  here (those campaigns are paid by contract).

Leases and billed plays are serving-path writes, like tracked events: they are not written to
the audit log (the lease table itself is the record). Issuing a player token is audited.
Another tenant's lease answers 404, as does a lease of another screen for a player token.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal, localcontext

from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict, Forbidden, InvalidInput, JarnamaError, NotFound
from jarnama.core.time import as_utc, business_day
from jarnama.exchange import player_repository as repo
from jarnama.exchange import repository
from jarnama.exchange import service as inventory
from jarnama.exchange.auction import Loss
from jarnama.exchange.core import ExchangeAuction
from jarnama.exchange.creative import creative_of
from jarnama.exchange.dco import Choice
from jarnama.exchange.macros import substitute
from jarnama.exchange.player_models import Lease, LeaseStatus, PlayBilling, PlayerToken
from jarnama.exchange.player_schemas import (
    AdOut,
    BillingOut,
    CreativeOut,
    LeaseOut,
    PlayerTokenCreate,
    PlayerTokenOut,
    ProofOfPlay,
    ProofOut,
    ReleaseOut,
    TrackingOut,
)
from jarnama.exchange.settings import ExchangeSettings
from jarnama.exchange.snapshot import ScreenSnapshot
from jarnama.tenancy import audit, credentials
from jarnama.tenancy.models import Role, Scope
from jarnama.tenancy.principal import Principal

PLAYER_MARK = "jp"
PROGRAMMATIC = frozenset({"player", "openrtb"})  # lease sources won in the exchange's auction
THOUSAND = Decimal(1000)
# Clocks of players drift; a proof may say it played this much "in the future".
CLOCK_SKEW = dt.timedelta(seconds=60)
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


class LeaseExpired(JarnamaError):
    """A proof of play came after its lease expired: the play is not billed."""

    status_code = 410
    code = "lease_expired"


@dataclass(frozen=True, slots=True)
class PlayerCaller:
    """Who drives a player: a media owner's key (its accounts) or one screen's player token."""

    actor: str
    account_ids: frozenset[int] | None  # None: a network-level key, every account
    screen_id: int | None = None  # set for a player token: only this screen

    def may_use(self, account_id: int, screen_id: int) -> bool:
        """True when this caller may drive (and see the leases of) this screen."""
        if self.screen_id is not None and self.screen_id != screen_id:
            return False
        return self.account_ids is None or account_id in self.account_ids


# --- credentials ---------------------------------------------------------------------------


def is_player_token(token: str) -> bool:
    """True when the bearer text is shaped like a player token (`jp_<prefix>_<secret>`)."""
    return token.startswith(PLAYER_MARK + "_")


def caller_of_principal(principal: Principal) -> PlayerCaller:
    """A media owner's (or the network's) API key as a player caller: needs `auctions`."""
    principal.ensure_scope(Scope.AUCTIONS)
    if principal.role is Role.CREATOR:
        raise Forbidden("creator accounts have no access to the exchange")
    return PlayerCaller(principal.actor, principal.visible_account_ids())


def caller_of_player_token(session: Session, token: str) -> PlayerCaller | None:
    """The caller a player token stands for (None: unknown, revoked or its screen is gone)."""
    _mark, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    if not prefix or len(secret) < 16:
        return None
    stored = repo.token_by_prefix(session, prefix)
    if stored is None or stored.revoked_at is not None:
        return None
    if not credentials.matches(token, stored.secret_hash):
        return None
    if not repo.screen_is_active(session, stored.screen_id):
        return None
    return PlayerCaller(f"player:{stored.prefix}", frozenset({stored.account_id}), stored.screen_id)


def issue_player_token(
    session: Session, principal: Principal, screen_id: int, body: PlayerTokenCreate
) -> PlayerTokenOut:
    """Issue a token a screen's player authenticates with (shown once; only its hash is kept)."""
    screen = inventory.get_screen(session, principal, screen_id)
    principal.ensure_can_write()
    prefix = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    token = f"{PLAYER_MARK}_{prefix}_{secrets.token_urlsafe(30)}"
    stored = PlayerToken(
        account_id=screen.account_id,
        screen_id=screen.id,
        prefix=prefix,
        secret_hash=credentials.digest(token),
        name=body.name.strip(),
    )
    session.add(stored)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "exchange_player_token",
        stored.id,
        account_id=screen.account_id,
        after={"screen_id": screen.id, "prefix": prefix, "name": stored.name},
    )
    return PlayerTokenOut(
        id=stored.id,
        screen_id=screen.id,
        account_id=screen.account_id,
        prefix=prefix,
        token=token,
        name=stored.name,
        created_at=stored.created_at,
    )


# --- asking for an ad ----------------------------------------------------------------------


def check_slot(
    caller: PlayerCaller,
    screen: ScreenSnapshot | None,
    plays_at: dt.datetime,
    now: dt.datetime,
    settings: ExchangeSettings,
) -> ScreenSnapshot:
    """The screen of an ad request, if the caller may drive it and the slot can be sold."""
    if screen is None or not caller.may_use(screen.account_id, screen.id):
        raise NotFound("screen not found (or not on sale)", field="screen_id")
    plays_at = as_utc(plays_at)
    ahead = dt.timedelta(minutes=settings.player_max_ahead_minutes)
    if plays_at < now - CLOCK_SKEW:
        raise InvalidInput("plays_at is in the past", field="plays_at")
    if plays_at > now + ahead:
        raise InvalidInput(
            f"plays_at is more than {settings.player_max_ahead_minutes} minutes ahead",
            field="plays_at",
        )
    if not screen.is_open(plays_at):
        raise InvalidInput(
            "the screen is closed at plays_at (its operating hours)", field="plays_at"
        )
    return screen


def new_lease_code() -> str:
    """A fresh, unguessable lease id."""
    return uuid.uuid4().hex


def record_lease(
    session: Session,
    screen: ScreenSnapshot,
    auction: ExchangeAuction,
    plays_at: dt.datetime,
    settings: ExchangeSettings,
    *,
    source: str,
) -> Lease:
    """Store the won slot as a lease (flushes; the edge commits)."""
    win = auction.result.win
    assert win is not None, "only a won auction makes a lease"
    creative = creative_of(win.adm, win.nurl, win.bid.dur, screen.slot_seconds)
    plays_at = as_utc(plays_at)
    expires = plays_at + dt.timedelta(seconds=screen.slot_seconds + settings.lease_grace_seconds)
    lease = Lease(
        code=new_lease_code(),
        account_id=screen.account_id,
        screen_id=screen.id,
        source=source,
        status=LeaseStatus.LEASED,
        auction_id=auction.request_id,
        plays_at=plays_at,
        expires_at=expires,
        bidder=win.bid.bidder,
        seat=win.bid.seat,
        bid_id=win.bid.bid_id,
        crid=win.bid.crid,
        deal_code=win.deal.code if win.deal is not None else None,
        adomain=list(win.bid.adomain),
        currency=win.currency.value,
        price=plain(win.price),
        price_kzt=plain(win.price_kzt),
        multiplier=plain(screen.multiplier),
        creative_url=creative.url,
        mime=creative.mime,
        duration_seconds=creative.duration_seconds,
        adm=creative.markup,
        burl=win.burl,
        lurl=win.bid.lurl,
        macros=dict(win.macros),
    )
    session.add(lease)
    session.flush()
    return lease


def record_house_lease(
    session: Session,
    screen: ScreenSnapshot,
    choice: Choice,
    auction_id: str,
    plays_at: dt.datetime,
    settings: ExchangeSettings,
) -> Lease:
    """Store an unsold slot filled by a direct-sold or house campaign (never billed here)."""
    plays_at = as_utc(plays_at)
    expires = plays_at + dt.timedelta(seconds=screen.slot_seconds + settings.lease_grace_seconds)
    variant = choice.variant
    lease = Lease(
        code=new_lease_code(),
        account_id=screen.account_id,
        screen_id=screen.id,
        source=choice.kind.value,
        status=LeaseStatus.LEASED,
        auction_id=auction_id,
        plays_at=plays_at,
        expires_at=expires,
        bidder=f"{choice.kind.value}:{choice.campaign_id}",
        seat="",
        bid_id=f"variant:{variant.id}",
        crid=str(variant.id),
        deal_code=None,
        adomain=[],
        currency="KZT",
        price=Decimal(0),
        price_kzt=Decimal(0),
        multiplier=plain(screen.multiplier),
        creative_url=variant.creative_url,
        mime=variant.mime,
        duration_seconds=min(variant.duration_seconds, screen.slot_seconds),
        adm=None,
        burl=None,
        lurl=None,
        macros={},
    )
    session.add(lease)
    session.flush()
    return lease


def _creative(lease: Lease, screen_w: int, screen_h: int) -> CreativeOut:
    return CreativeOut(
        url=lease.creative_url,
        mime=lease.mime,
        duration_seconds=lease.duration_seconds,
        width=screen_w,
        height=screen_h,
        markup=lease.adm,
    )


def tracking_urls(base_url: str, code: str) -> TrackingOut:
    """The proof-of-play and release URLs of a lease."""
    root = f"{base_url.rstrip('/')}/api/v1/exchange/player/leases/{code}"
    return TrackingOut(proof_of_play_url=f"{root}/proof", release_url=f"{root}/release")


def ad_out(lease: Lease, screen: ScreenSnapshot, base_url: str) -> AdOut:
    """The player's answer for a filled slot."""
    return AdOut(
        lease_id=lease.code,
        screen_id=lease.screen_id,
        plays_at=lease.plays_at,
        expires_at=lease.expires_at,
        creative=_creative(lease, screen.width_px, screen.height_px),
        tracking=tracking_urls(base_url, lease.code),
        bidder=lease.bidder,
        deal_id=lease.deal_code,
    )


# --- the lease afterwards ------------------------------------------------------------------


def _lease(session: Session, caller: PlayerCaller, code: str, *, lock: bool = False) -> Lease:
    lease = repo.lease_by_code(session, code, for_update=lock)
    if lease is None or not caller.may_use(lease.account_id, lease.screen_id):
        raise NotFound("lease not found")
    return lease


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros or an exponent (12.5000 → 12.5, 1E+2 → 100)."""
    reduced = value.normalize()
    return reduced.quantize(Decimal(1)) if reduced == reduced.to_integral_value() else reduced


def play_cost(cpm: Decimal, multiplier: Decimal) -> Decimal:
    """CPM / 1000 × multiplier, exact (60 digits of precision: no rounding ever happens)."""
    with localcontext() as context:
        context.prec = 60
        return plain(cpm / THOUSAND * multiplier)


def billing_row(lease: Lease, played_at: dt.datetime, revenue_share: Decimal) -> PlayBilling:
    """The billed play of a lease: the buyer's cost and the owner's and exchange's tenge."""
    cost_kzt = play_cost(lease.price_kzt, lease.multiplier)
    with localcontext() as context:
        context.prec = 60
        exchange = plain(cost_kzt * revenue_share)
        owner = plain(cost_kzt - exchange)
    return PlayBilling(
        lease_id=lease.id,
        account_id=lease.account_id,
        screen_id=lease.screen_id,
        bidder=lease.bidder,
        deal_code=lease.deal_code,
        played_at=played_at,
        day=business_day(played_at),
        currency=lease.currency,
        cpm=lease.price,
        multiplier=lease.multiplier,
        cost=play_cost(lease.price, lease.multiplier),
        cost_kzt=cost_kzt,
        exchange_kzt=exchange,
        owner_kzt=owner,
        revenue_share=plain(revenue_share),
    )


def _billing_out(row: PlayBilling | None) -> BillingOut | None:
    if row is None:
        return None
    return BillingOut(
        currency=row.currency,
        cpm=row.cpm,
        multiplier=row.multiplier,
        cost=row.cost,
        cost_kzt=row.cost_kzt,
        owner_kzt=row.owner_kzt,
        exchange_kzt=row.exchange_kzt,
        revenue_share=row.revenue_share,
    )


def prove_play(
    session: Session,
    caller: PlayerCaller,
    code: str,
    body: ProofOfPlay,
    now: dt.datetime,
    settings: ExchangeSettings,
) -> tuple[ProofOut, str | None]:
    """Record a proof of play (once per lease) and the billed play; answers the burl to fire."""
    lease = _lease(session, caller, code, lock=True)
    if lease.status is LeaseStatus.RELEASED:
        raise Conflict("the lease was released: its slot did not play", field="lease_id")
    if lease.status is LeaseStatus.PLAYED:
        row = repo.billing_of(session, lease.id)
        return ProofOut(
            lease_id=lease.code,
            status=lease.status,
            billed=row is not None,
            replayed=True,
            billing=_billing_out(row),
        ), None
    if now > as_utc(lease.expires_at):
        raise LeaseExpired(
            f"the lease expired at {as_utc(lease.expires_at).isoformat()}; the play is not billed",
            field="lease_id",
        )
    played_at = as_utc(body.played_at)
    if played_at > now + CLOCK_SKEW:
        raise InvalidInput("played_at is in the future", field="played_at")
    if played_at < as_utc(lease.created_at) - CLOCK_SKEW or played_at > as_utc(lease.expires_at):
        raise InvalidInput("played_at is outside the lease", field="played_at")
    lease.status = LeaseStatus.PLAYED
    lease.played_at = played_at
    lease.played_seconds = body.duration_seconds
    lease.percent_shown = body.percent_shown
    lease.ended_at = now
    row = None
    # Direct-sold and house plays are proven too, but billed by their contracts, not here.
    programmatic = lease.source in PROGRAMMATIC
    if programmatic and body.percent_shown >= settings.min_percent_billable:
        row = billing_row(lease, played_at, settings.revenue_share)
        session.add(row)
    session.flush()
    out = ProofOut(
        lease_id=lease.code,
        status=lease.status,
        billed=row is not None,
        replayed=False,
        billing=_billing_out(row),
    )
    return out, (lease.burl if row is not None else None)


def release_lease(
    session: Session, caller: PlayerCaller, code: str, now: dt.datetime
) -> tuple[ReleaseOut, str | None]:
    """Cancel a lease whose slot will not play; answers the lurl (loss code 2) to fire."""
    lease = _lease(session, caller, code, lock=True)
    if lease.status is LeaseStatus.PLAYED:
        raise Conflict("the lease has a proof of play; it cannot be released", field="lease_id")
    if lease.status is LeaseStatus.RELEASED:
        return ReleaseOut(lease_id=lease.code, status=lease.status, replayed=True), None
    lease.status = LeaseStatus.RELEASED
    lease.ended_at = now
    session.flush()
    values = {
        **{k: str(v) for k, v in lease.macros.items()},
        "AUCTION_LOSS": str(int(Loss.EXPIRED)),
    }
    values.pop("AUCTION_PRICE", None)  # a loser is not told the clearing price
    values.pop("AUCTION_MBR", None)
    lurl = substitute(lease.lurl, values)
    return ReleaseOut(lease_id=lease.code, status=lease.status, replayed=False), lurl


def lease_out(session: Session, caller: PlayerCaller, code: str) -> LeaseOut:
    """A lease with its creative and billed play."""
    lease = _lease(session, caller, code)
    row = repo.billing_of(session, lease.id)
    screen = repository.screen_by_id(session, lease.screen_id)
    sizes = (screen.width_px, screen.height_px) if screen is not None else (0, 0)
    return LeaseOut(
        lease_id=lease.code,
        screen_id=lease.screen_id,
        source=lease.source,
        status=lease.status,
        plays_at=lease.plays_at,
        expires_at=lease.expires_at,
        bidder=lease.bidder,
        seat=lease.seat,
        deal_id=lease.deal_code,
        crid=lease.crid,
        adomain=list(lease.adomain),
        currency=lease.currency,
        cpm=lease.price,
        multiplier=lease.multiplier,
        creative=_creative(lease, *sizes),
        played_at=lease.played_at,
        played_seconds=lease.played_seconds,
        percent_shown=lease.percent_shown,
        ended_at=lease.ended_at,
        billed=row is not None,
        billing=_billing_out(row),
    )

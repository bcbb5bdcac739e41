"""Bodies of the player API: ask for an ad, prove a play, release a lease; player tokens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jarnama.exchange.player_models import LeaseStatus

ID_MAX = 2**63 - 1


class AdRequest(BaseModel):
    """A player asks for the ad of one slot of one screen, up to N minutes ahead."""

    model_config = ConfigDict(extra="forbid")

    screen_id: Annotated[int, Field(gt=0, le=ID_MAX)] | None = Field(
        default=None, description="The screen; a player token implies its own screen."
    )
    plays_at: AwareDatetime | None = Field(
        default=None, description="When the slot starts, with a UTC offset (left out: now)."
    )
    test: bool = Field(default=False, description="Mark the bid requests as test traffic.")


class CreativeOut(BaseModel):
    """What to play: a URL (or HTML markup when `url` is null), its type and length."""

    url: str | None
    mime: str
    duration_seconds: int
    width: int
    height: int
    markup: str | None = Field(description="The bid's markup (VAST or HTML), macros filled in.")


class TrackingOut(BaseModel):
    """Where to report the slot: proof of play when it played, release when it did not."""

    proof_of_play_url: str
    release_url: str


class AdOut(BaseModel):
    """A filled slot: the creative, the tracking URLs and the lease that holds the slot."""

    lease_id: str
    screen_id: int
    plays_at: dt.datetime
    expires_at: dt.datetime = Field(description="No proof of play is taken after this.")
    creative: CreativeOut
    tracking: TrackingOut
    bidder: str
    deal_id: str | None


class ProofOfPlay(BaseModel):
    """The slot played: when, for how long, how much of it was shown."""

    model_config = ConfigDict(extra="forbid")

    played_at: AwareDatetime
    duration_seconds: Annotated[Decimal, Field(gt=0, le=3600, decimal_places=3)]
    percent_shown: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]


class BillingOut(BaseModel):
    """A billed play, exact: cost = cpm / 1000 × multiplier; the tenge split owner/exchange."""

    currency: str
    cpm: Decimal
    multiplier: Decimal
    cost: Decimal
    cost_kzt: Decimal
    owner_kzt: Decimal
    exchange_kzt: Decimal
    revenue_share: Decimal


class LeaseOut(BaseModel):
    """A lease as the media owner sees it."""

    lease_id: str
    screen_id: int
    source: str
    status: LeaseStatus
    plays_at: dt.datetime
    expires_at: dt.datetime
    bidder: str
    seat: str
    deal_id: str | None
    crid: str | None
    adomain: list[str]
    currency: str
    cpm: Decimal
    multiplier: Decimal
    creative: CreativeOut
    played_at: dt.datetime | None
    played_seconds: Decimal | None
    percent_shown: Decimal | None
    ended_at: dt.datetime | None
    billed: bool
    billing: BillingOut | None


class ProofOut(BaseModel):
    """The outcome of a proof of play (a repeated proof answers the first, `replayed` true)."""

    lease_id: str
    status: LeaseStatus
    billed: bool
    replayed: bool
    billing: BillingOut | None


class ReleaseOut(BaseModel):
    """A released lease (a repeated release answers the same)."""

    lease_id: str
    status: LeaseStatus
    replayed: bool


class PlayerTokenCreate(BaseModel):
    """A new player token for one screen."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)] = "player"


class PlayerTokenOut(BaseModel):
    """An issued player token: the full token is shown this once."""

    id: int
    screen_id: int
    account_id: int
    prefix: str
    token: str
    name: str
    created_at: dt.datetime

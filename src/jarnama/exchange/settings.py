"""Configuration of the exchange (`JARNAMA_EXCHANGE__*`): bidders, time budget, money, notices."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from jarnama.exchange.ops_settings import OpsSettings


class ExchangeSettings(BaseModel):
    """The DOOH exchange: where bidder files live, how tmax is split, clearing and revenue share.

    A bidder gets `min(its timeout, tmax - elapsed - network_buffer_ms - response_buffer_ms)`
    (Prebid Server's tmax adjustments); below `min_bidder_ms` it is not called at all.
    """

    # A folder of one YAML file per bidder; unset: the packaged examples (all disabled).
    bidders_dir: str | None = None
    tmax_ms: int = Field(default=300, ge=50, le=10_000)
    # Loopback and LAN DSPs answer in ~5 ms of network; an ocean away it is ~80 ms each way.
    network_buffer_ms: int = Field(default=20, ge=0, le=2_000)
    # Validating bids, clearing and writing the response takes well under 5 ms here.
    response_buffer_ms: int = Field(default=10, ge=0, le=2_000)
    min_bidder_ms: int = Field(default=20, ge=1, le=2_000)
    pricing: Literal["first_price", "second_price"] = "second_price"
    # Sellers (media-owner account ids) that chose the other clearing rule.
    seller_pricing: dict[int, Literal["first_price", "second_price"]] = Field(default_factory=dict)
    # The exchange's share of what a play earns; the media owner gets the rest.
    revenue_share: Decimal = Field(default=Decimal("0.15"), ge=0, le=1, decimal_places=4)
    schain_asi: str = Field(default="jarnama.kz", min_length=3, max_length=253)
    max_connections: int = Field(default=200, ge=1, le=10_000)
    # Calls one bidder may have unanswered at once (late ones included); beyond it the bidder
    # is skipped, so a slow DSP cannot take the whole connection pool.
    bidder_max_in_flight: int = Field(default=64, ge=1, le=10_000)
    notice_attempts: int = Field(default=3, ge=1, le=10)
    notice_backoff_ms: int = Field(default=200, ge=1, le=60_000)
    notice_timeout_ms: int = Field(default=2_000, ge=10, le=60_000)
    # Inbound OpenRTB requests larger than this answer 413 (a DOOH request is ~2 KB).
    max_request_bytes: int = Field(default=64 * 1024, ge=1024, le=10 * 1024 * 1024)
    notice_workers: int = Field(default=4, ge=1, le=64)
    # Player API: how far ahead a player may ask for a slot, and how long after the slot ends
    # its lease still takes a proof of play (players buffer proofs while offline).
    player_max_ahead_minutes: int = Field(default=30, ge=1, le=24 * 60)
    lease_grace_seconds: int = Field(default=900, ge=0, le=7 * 86_400)
    # A play shown less than this (percent of its duration) is recorded but not billed.
    min_percent_billable: Decimal = Field(default=Decimal(100), ge=0, le=100, decimal_places=2)
    # Creative approval gate and weather/traffic signals (JARNAMA_EXCHANGE__OPS__*).
    ops: OpsSettings = Field(default_factory=OpsSettings)

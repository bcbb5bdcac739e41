"""Configuration of the exchange operations (`JARNAMA_EXCHANGE__OPS__*`): approvals and signals."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field


class SignalSettings(BaseModel):
    """Where weather comes from and how long weather and traffic readings stay usable."""

    # An Open-Meteo `/v1/forecast` endpoint (https://api.open-meteo.com/v1/forecast, or a
    # self-hosted one); unset: no weather is fetched and rules on weather never match.
    open_meteo_url: str | None = Field(default=None, min_length=8, max_length=500)
    # Open-Meteo's models update hourly; a quarter of an hour keeps calls to ~100 a day a place.
    weather_ttl_seconds: int = Field(default=900, ge=10, le=86_400)
    weather_timeout_ms: int = Field(default=2_000, ge=50, le=60_000)
    # Weather is looked up once per cell of this many degrees (0.1° ≈ 11 km at Almaty).
    grid_degrees: Decimal = Field(default=Decimal("0.1"), gt=0, le=5)
    # A traffic index older than this is unknown (rules on traffic then do not match).
    traffic_ttl_seconds: int = Field(default=900, ge=10, le=86_400)
    # How often a server process re-reads the pushed traffic indexes from the database.
    traffic_reload_seconds: int = Field(default=30, ge=1, le=3_600)


class OpsSettings(BaseModel):
    """The owner's creative approval gate and the context signals."""

    # True (the default, issue 5): a DSP creative wins on a screen only once the screen's owner
    # approved it (unseen creatives are queued, loss 201). False lets every creative win: for a
    # private test network, never for third-party DSPs on owners' screens.
    require_creative_approval: bool = True
    # How often a server process re-checks approvals and DCO campaigns changed by another
    # process (one fingerprint query each); changes made through this process apply at once.
    reload_seconds: float = Field(default=1.0, ge=0, le=3_600)
    # Auction records (reports, approval queue) wait in a bounded queue and are written in
    # batches in the background; past `record_queue` waiting records new ones are dropped
    # (counted in jarnama_exchange_records_dropped_total).
    record_queue: int = Field(default=20_000, ge=1, le=1_000_000)
    record_batch: int = Field(default=500, ge=1, le=10_000)
    record_interval_seconds: float = Field(default=0.25, gt=0, le=60)
    signals: SignalSettings = Field(default_factory=SignalSettings)

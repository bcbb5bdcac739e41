"""One typed configuration for the whole platform, read from `JARNAMA_*` variables and `.env`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from jarnama.core.errors import ConfigurationError
from jarnama.exchange.settings import ExchangeSettings
from jarnama.measurement.settings import MeasurementSettings
from jarnama.tracking.settings import EventSettings
from jarnama.transcreation.settings import TranscreationSettings


class DatabaseSettings(BaseModel):
    """Where the relational store lives (SQLite by default, PostgreSQL in production)."""

    url: str = "sqlite:///./jarnama.db"
    echo: bool = False
    pool_size: int = Field(default=10, ge=1, le=200)

    @field_validator("url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        """Accept only the backends Jarnama is tested on."""
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not (value.startswith("sqlite") or value.startswith("postgresql+psycopg://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value


class AuthSettings(BaseModel):
    """Secrets and lifetimes for API keys and console sessions."""

    secret_key: SecretStr = SecretStr("change-me-in-production")
    session_ttl_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Console logins: failures allowed per e-mail and per client address within one window.
    login_max_failures: int = Field(default=5, ge=1)
    login_ip_max_failures: int = Field(default=30, ge=1)
    login_window_seconds: int = Field(default=900, ge=1, le=86_400)


class LimitSettings(BaseModel):
    """Protective limits on the HTTP edge."""

    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    page_size_default: int = Field(default=50, ge=1, le=1000)
    page_size_max: int = Field(default=500, ge=1, le=10_000)


class RateSetting(BaseModel):
    """One dated exchange rate: tenge for `quantity` units of `currency` on `on`."""

    currency: Literal["USD", "EUR", "RUB"]
    on: dt.date
    kzt: Decimal = Field(gt=0, max_digits=18, decimal_places=6)
    quantity: int = Field(default=1, ge=1)


class MoneySettings(BaseModel):
    """Exchange rates known without an import (an NBK XML import adds more)."""

    rates: list[RateSetting] = Field(default_factory=list)
    max_rate_age_days: int = Field(default=7, ge=0, le=366)


class CreatorSettings(BaseModel):
    """The CPA creator exchange: PII encryption, payouts, fraud review, tax table, disputes."""

    # Fernet keys are derived (HKDF-SHA256) from these secrets; the first encrypts, every one
    # decrypts, so a key is rotated by putting the new one first. Unset: derived from
    # auth.secret_key, which is fine for development only.
    encryption_key: SecretStr | None = None
    previous_encryption_keys: list[SecretStr] = Field(default_factory=list)
    # 5,000 ₸: below it a bank transfer costs more attention than it is worth.
    min_payout_tiyn: int = Field(default=500_000, ge=0)
    review_score: int = Field(default=60, ge=1, le=1000)
    dispute_days: int = Field(default=14, ge=1, le=365)
    # How often a server runs the hold-end and dispute-deadline jobs (0: never; use the CLI).
    # Holds and deadlines are days long, so five minutes late is invisible to creators.
    jobs_seconds: float = Field(default=300.0, ge=0, le=86_400)
    # A TOML file replacing the packaged dated tax table (adding a year needs no release).
    tax_table_path: str | None = None
    coupon_domains: list[str] = Field(
        default_factory=lambda: ["promokod", "kupon", "coupon", "skidk", "promocode", "halyava"]
    )


class TrackingSettings(BaseModel):
    """Keys that sign resolved bid ids (tracking tokens) and how long a token stays valid.

    `key` signs new tokens under `key_id`; `previous_keys` (key id → secret) still verify, so a
    key is rotated by moving it there. Unset: a key derived from auth.secret_key (id "d1").
    """

    key_id: str = Field(default="k1", min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    key: SecretStr | None = None
    previous_keys: dict[str, SecretStr] = Field(default_factory=dict)
    # A click may come days after the impression; the state store remembers bid ids 8 days,
    # so a token must expire before that for idempotency to hold without the ledger.
    token_ttl_hours: int = Field(default=7 * 24, ge=1, le=7 * 24)


class DecisioningSettings(BaseModel):
    """The online auction: pricing rule, snapshot refresh and pacing intervals."""

    pricing: Literal["second_price", "first_price"] = "second_price"
    # How often the serving fingerprint is polled (a campaign change is live within 5 s).
    poll_seconds: float = Field(default=1.0, gt=0, le=5)
    # A full rebuild at least this often, catching catalog edits the fingerprint misses.
    rebuild_seconds: float = Field(default=300.0, ge=5)
    pacing_seconds: float = Field(default=60.0, ge=1)
    redis_prefix: str = Field(default="jarnama:", max_length=64)


class TopsortSettings(BaseModel):
    """Which placement a Topsort-compatible `/v2/auctions` auction runs on (see jarnama.topsort).

    Listings: `placement_ids[placementId]` if mapped, else `listings_product_page` for a PDP
    page, `listings_search` with a `searchQuery`, `listings_category` with a `category`, else
    `listings_default`. Banners: `banner_slots[slotId]`, else the placement whose code is the
    `slotId`.
    """

    listings_default: str = Field(default="search-results", min_length=1, max_length=64)
    listings_search: str = Field(default="search-results", min_length=1, max_length=64)
    listings_category: str = Field(default="category-page", min_length=1, max_length=64)
    listings_product_page: str = Field(default="product-page", min_length=1, max_length=64)
    placement_ids: dict[int, str] = Field(default_factory=dict)
    banner_slots: dict[str, str] = Field(default_factory=dict)


class Settings(BaseSettings):
    """The effective configuration of one Jarnama install."""

    model_config = SettingsConfigDict(
        env_prefix="JARNAMA_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    network_name: str = "Jarnama network"
    redis_url: str | None = None
    demo_admin_key: SecretStr | None = None
    demo_advertiser_key: SecretStr | None = None
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    money: MoneySettings = Field(default_factory=MoneySettings)
    transcreation: TranscreationSettings = Field(default_factory=TranscreationSettings)
    topsort: TopsortSettings = Field(default_factory=TopsortSettings)
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)
    decisioning: DecisioningSettings = Field(default_factory=DecisioningSettings)
    creators: CreatorSettings = Field(default_factory=CreatorSettings)
    exchange: ExchangeSettings = Field(default_factory=ExchangeSettings)
    events: EventSettings = Field(default_factory=EventSettings)
    measurement: MeasurementSettings = Field(default_factory=MeasurementSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The default sources; malformed JSON is left to validation (reported with the rest)."""
        for source in (env_settings, dotenv_settings):
            _keep_undecodable_json(source)
        return init_settings, env_settings, dotenv_settings, file_secret_settings

    @property
    def base_url(self) -> str:
        """The URL clients use to reach this install."""
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"


def _keep_undecodable_json(source: PydanticBaseSettingsSource) -> None:
    """Pass a section's value that is not valid JSON on as text instead of raising at once.

    pydantic-settings stops at the first such value with a bare `SettingsError`; as text it
    fails validation like any other bad value, so every problem is reported together.
    """
    decode = source.decode_complex_value

    def lenient(field_name: str, field: Any, value: Any) -> Any:
        try:
            return decode(field_name, field, value)
        except ValueError:
            return value

    source.decode_complex_value = lenient  # type: ignore[method-assign]


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, reporting every invalid value at once as one `ConfigurationError`."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = "JARNAMA_" + "__".join(str(part) for part in error["loc"]).upper()
            problems.append(f"{where}: {error['msg']}")
        raise ConfigurationError("invalid configuration:\n  " + "\n  ".join(problems)) from exc
    except SettingsError as exc:
        raise ConfigurationError(f"invalid configuration: {exc}") from exc


def masked(settings: Settings) -> dict[str, Any]:
    """The configuration as plain data with every secret replaced by asterisks."""
    data: dict[str, Any] = settings.model_dump(mode="json")

    def walk(model: BaseModel, out: dict[str, Any]) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, SecretStr):
                out[name] = "********" if value.get_secret_value() else ""
            elif isinstance(value, BaseModel):
                walk(value, out[name])
        if isinstance(model, DatabaseSettings):
            out["url"] = _mask_url(model.url)

    walk(settings, data)
    if settings.redis_url:
        data["redis_url"] = _mask_url(settings.redis_url)
    return data


_QUERY_PASSWORD_RE = re.compile(r"([?&](?:password|pass|pwd)=)[^&]*", re.IGNORECASE)


def _mask_url(url: str) -> str:
    """A URL with the password of its user-info part replaced by asterisks."""
    url = _QUERY_PASSWORD_RE.sub(r"\1********", url)
    scheme, sep, rest = url.partition("://")
    # The last "@" ends the user-info even when an unencoded password holds "/" or "@".
    creds, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in creds:
        return url
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:********@{host}"

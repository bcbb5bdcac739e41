"""Context signals for dynamic creative and for DSPs: weather at a screen, a city's traffic.

Providers sit behind small Protocols: `WeatherProvider` (the Open-Meteo forecast JSON format
at a configurable URL, via httpx) and the city traffic index pushed to the API (stored with its
timestamp, stale after a TTL). `SignalHub` caches both; its `current()` never does I/O, so the
request builder and the DCO choice read it on the hot path, and `refresh()` fetches what is
missing or stale in the background (the first auction of a new place goes without weather
rather than waiting for it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any, Protocol

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput
from jarnama.core.time import as_utc, utcnow
from jarnama.exchange.ops_models import TrafficReading
from jarnama.exchange.ops_settings import SignalSettings
from jarnama.exchange.snapshot import ScreenSnapshot
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

log = logging.getLogger(__name__)

HOURLY_FIELDS = "temperature_2m,precipitation,rain,showers,snowfall,weather_code"
# WMO weather codes (Open-Meteo's `weather_code`): drizzle, rain, showers, thunderstorms; snow.
RAIN_CODES = frozenset({51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 80, 81, 82, 95, 96, 99})
SNOW_CODES = frozenset({71, 73, 75, 77, 85, 86})
TRAFFIC_MAX = 10


class Precipitation(enum.StrEnum):
    """What falls from the sky."""

    NONE = "none"
    RAIN = "rain"
    SNOW = "snow"


@dataclass(frozen=True, slots=True)
class WeatherReading:
    """The weather of one hour at one place."""

    at: dt.datetime
    temperature_c: Decimal | None
    precipitation_mm: Decimal
    precipitation: Precipitation


@dataclass(frozen=True)
class Forecast:
    """The current conditions and an hourly forecast (UTC hours), as a provider answered."""

    current: WeatherReading | None
    hourly: tuple[WeatherReading, ...] = ()

    def at(self, instant: dt.datetime) -> WeatherReading | None:
        """The reading for an instant: its hour of the forecast, else the current conditions."""
        instant = as_utc(instant)
        hour = instant.replace(minute=0, second=0, microsecond=0)
        for reading in self.hourly:
            if reading.at == hour:
                return reading
        return self.current


@dataclass(frozen=True, slots=True)
class Signals:
    """What is known about a screen's surroundings for one play (None: unknown)."""

    temperature_c: Decimal | None = None
    precipitation: Precipitation | None = None
    precipitation_mm: Decimal | None = None
    traffic_level: int | None = None

    def keywords(self) -> list[str]:
        """OpenRTB keywords (`dooh.keywords`) for the known signals, e.g. "weather=rain"."""
        words = []
        if self.temperature_c is not None:
            words.append(f"temperature_c={self.temperature_c.quantize(Decimal(1))}")
        if self.precipitation is not None:
            words.append(f"weather={self.precipitation.value}")
        if self.traffic_level is not None:
            words.append(f"traffic={self.traffic_level}")
        return words

    def ext(self) -> dict[str, Any]:
        """The same signals as `imp.ext.context` fields (only the known ones)."""
        out: dict[str, Any] = {}
        if self.temperature_c is not None:
            out["temperature_c"] = self.temperature_c
        if self.precipitation is not None:
            out["precipitation"] = self.precipitation.value
        if self.precipitation_mm is not None:
            out["precipitation_mm"] = self.precipitation_mm
        if self.traffic_level is not None:
            out["traffic_level"] = self.traffic_level
        return out


# --- Open-Meteo ----------------------------------------------------------------------------


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _kind(amounts: Mapping[str, Decimal | None], code: Decimal | None) -> Precipitation:
    if (amounts.get("snowfall") or 0) > 0 or (code is not None and int(code) in SNOW_CODES):
        return Precipitation.SNOW
    wet = any((amounts.get(key) or 0) > 0 for key in ("rain", "showers", "precipitation"))
    if wet or (code is not None and int(code) in RAIN_CODES):
        return Precipitation.RAIN
    return Precipitation.NONE


def _reading(at: dt.datetime, values: Mapping[str, object]) -> WeatherReading:
    amounts = {key: _decimal(values.get(key)) for key in ("precipitation", "rain", "showers")}
    amounts["snowfall"] = _decimal(values.get("snowfall"))
    return WeatherReading(
        at=at,
        temperature_c=_decimal(values.get("temperature_2m")),
        precipitation_mm=amounts["precipitation"] or Decimal(0),
        precipitation=_kind(amounts, _decimal(values.get("weather_code"))),
    )


def _local_time(text: object, offset: dt.timedelta) -> dt.datetime:
    if not isinstance(text, str):
        raise InvalidInput("time is not an ISO 8601 text", field="time")
    naive = dt.datetime.fromisoformat(text)
    return (naive - offset).replace(tzinfo=dt.UTC) if naive.tzinfo is None else as_utc(naive)


def parse_open_meteo(document: Mapping[str, Any]) -> Forecast:
    """An Open-Meteo `/v1/forecast` answer (`current` and/or `hourly`) as a `Forecast`.

    Times are local to the requested `timezone`; `utc_offset_seconds` turns them into UTC.
    Raises InvalidInput naming the field when the document is not of that shape.
    """
    offset = dt.timedelta(seconds=int(document.get("utc_offset_seconds") or 0))
    current = None
    raw_current = document.get("current")
    if isinstance(raw_current, dict) and "time" in raw_current:
        current = _reading(_local_time(raw_current["time"], offset), raw_current)
    hourly: list[WeatherReading] = []
    raw_hourly = document.get("hourly")
    if raw_hourly is not None:
        if not isinstance(raw_hourly, dict) or not isinstance(raw_hourly.get("time"), list):
            raise InvalidInput("hourly.time must be a list", field="hourly.time")
        times = raw_hourly["time"]
        columns = {key: value for key, value in raw_hourly.items() if isinstance(value, list)}
        for name, values in columns.items():
            if len(values) != len(times):
                raise InvalidInput(f"hourly.{name} has {len(values)} values, not {len(times)}")
        for index, text in enumerate(times):
            row = {name: values[index] for name, values in columns.items()}
            hourly.append(_reading(_local_time(text, offset), row))
    if current is None and not hourly:
        raise InvalidInput("neither current nor hourly weather", field="current")
    return Forecast(current=current, hourly=tuple(hourly))


class WeatherProvider(Protocol):
    """Where the weather of a place comes from."""

    async def forecast(self, lat: Decimal, lon: Decimal) -> Forecast:
        """Current conditions and the next hours at a place."""
        ...


class OpenMeteoProvider:
    """The Open-Meteo forecast API (or any server answering its JSON format) at `url`."""

    def __init__(self, client: httpx.AsyncClient, settings: SignalSettings) -> None:
        if settings.open_meteo_url is None:
            raise InvalidInput("no open_meteo_url is configured", field="open_meteo_url")
        self.client = client
        self.url = settings.open_meteo_url
        self.timeout = settings.weather_timeout_ms / 1000

    async def forecast(self, lat: Decimal, lon: Decimal) -> Forecast:
        """GET the forecast for a place (UTC times, two days) and parse it."""
        params = {
            "latitude": str(lat),
            "longitude": str(lon),
            "current": HOURLY_FIELDS,
            "hourly": HOURLY_FIELDS,
            "timezone": "GMT",
            "forecast_days": "2",
        }
        response = await self.client.get(self.url, params=params, timeout=self.timeout)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise InvalidInput("the forecast is not a JSON object")
        return parse_open_meteo(document)


# --- traffic (pushed) -----------------------------------------------------------------------


def city_key(city: str) -> str:
    """A city as readings are stored and looked up: trimmed, lower-case."""
    return " ".join(city.split()).lower()


def record_traffic(
    session: Session,
    principal: Principal,
    city: str,
    level: int,
    *,
    observed_at: dt.datetime | None = None,
    source: str = "api",
) -> TrafficReading:
    """Store one city's traffic index (0-10); network admins and network keys only."""
    principal.ensure_can_write()
    principal.ensure_network_admin()
    key = city_key(city)
    if not key:
        raise InvalidInput("city is empty", field="city")
    if not 0 <= level <= TRAFFIC_MAX:
        raise InvalidInput(f"level is 0 to {TRAFFIC_MAX}", field="level")
    now = utcnow()
    at = as_utc(observed_at) if observed_at is not None else now
    if at > now + dt.timedelta(minutes=5):
        raise InvalidInput("observed_at is in the future", field="observed_at")
    reading = TrafficReading(
        city=key, level=level, observed_at=at, received_at=now, source=source[:100]
    )
    session.add(reading)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "exchange_traffic_reading",
        reading.id,
        account_id=None,
        after=audit.snapshot(reading),
    )
    return reading


def latest_traffic(session: Session, cities: Iterable[str] | None = None) -> list[TrafficReading]:
    """The newest reading of every city (or of the given ones), by city name."""
    newest = select(TrafficReading.city, func.max(TrafficReading.observed_at).label("at")).group_by(
        TrafficReading.city
    )
    if cities is not None:
        newest = newest.where(TrafficReading.city.in_([city_key(c) for c in cities]))
    sub = newest.subquery()
    stmt = (
        select(TrafficReading)
        .join(sub, (TrafficReading.city == sub.c.city) & (TrafficReading.observed_at == sub.c.at))
        .order_by(TrafficReading.city, TrafficReading.id.desc())
    )
    seen: dict[str, TrafficReading] = {}
    for reading in session.scalars(stmt):
        seen.setdefault(reading.city, reading)
    return list(seen.values())


def is_stale(observed_at: dt.datetime, ttl_seconds: int, now: dt.datetime) -> bool:
    """True when a reading is older than the TTL."""
    return as_utc(now) - as_utc(observed_at) > dt.timedelta(seconds=ttl_seconds)


# --- the cache ------------------------------------------------------------------------------

GridKey = tuple[Decimal, Decimal]


@dataclass
class _Cached:
    forecast: Forecast | None
    fetched: float


@dataclass
class SignalHub:
    """Cached weather per grid cell and traffic per city; `current()` does no I/O."""

    weather: WeatherProvider | None
    settings: SignalSettings = field(default_factory=SignalSettings)
    clock: Callable[[], float] = time.monotonic
    _weather: dict[GridKey, _Cached] = field(default_factory=dict)
    _wanted: set[GridKey] = field(default_factory=set)
    _traffic: dict[str, tuple[int, dt.datetime]] = field(default_factory=dict)

    def grid(self, lat: Decimal, lon: Decimal) -> GridKey:
        """The cell a place's weather is looked up for (its south-west corner)."""
        step = self.settings.grid_degrees
        return (
            (lat / step).to_integral_value(ROUND_FLOOR) * step,
            (lon / step).to_integral_value(ROUND_FLOOR) * step,
        )

    def current(
        self, screen: ScreenSnapshot, at: dt.datetime, *, now: dt.datetime | None = None
    ) -> Signals:
        """The signals for a play at `at` on a screen, from the cache (unknown ones are None)."""
        key = self.grid(screen.lat, screen.lon)
        cached = self._weather.get(key)
        if cached is None or self.clock() - cached.fetched > self.settings.weather_ttl_seconds:
            self._wanted.add(key)
        reading = cached.forecast.at(at) if cached is not None and cached.forecast else None
        level = None
        traffic = self._traffic.get(city_key(screen.city))
        if traffic is not None and not is_stale(
            traffic[1], self.settings.traffic_ttl_seconds, now or utcnow()
        ):
            level = traffic[0]
        if reading is None:
            return Signals(traffic_level=level)
        return Signals(
            temperature_c=reading.temperature_c,
            precipitation=reading.precipitation,
            precipitation_mm=reading.precipitation_mm,
            traffic_level=level,
        )

    def want(self, screens: Iterable[ScreenSnapshot]) -> None:
        """Ask for the weather of these screens at the next refresh (e.g. all at start-up)."""
        self._wanted.update(self.grid(s.lat, s.lon) for s in screens)

    async def refresh_weather(self) -> int:
        """Fetch the weather of every wanted cell concurrently; returns how many succeeded.

        A failed fetch keeps the previous forecast (if any) and is retried after the TTL.
        """
        if self.weather is None or not self._wanted:
            return 0
        keys, self._wanted = sorted(self._wanted), set()
        provider = self.weather
        results = await asyncio.gather(
            *(provider.forecast(lat, lon) for lat, lon in keys), return_exceptions=True
        )
        done = 0
        now = self.clock()
        for key, result in zip(keys, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("weather for %s failed: %s", key, result)
                previous = self._weather.get(key)
                self._weather[key] = _Cached(previous.forecast if previous else None, now)
                continue
            self._weather[key] = _Cached(result, now)
            done += 1
        return done

    def load_traffic(self, session: Session) -> None:
        """Take the newest traffic index of every city from the database."""
        self._traffic = {r.city: (r.level, r.observed_at) for r in latest_traffic(session)}

    def set_traffic(self, city: str, level: int, observed_at: dt.datetime) -> None:
        """Put one reading into the cache (the push API does this in its own process)."""
        self._traffic[city_key(city)] = (level, as_utc(observed_at))


def signal_keywords(signals: Signals | None) -> Sequence[str]:
    """The keywords of optional signals (none when unknown)."""
    return () if signals is None else signals.keywords()

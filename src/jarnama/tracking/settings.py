"""Settings of event intake: the durable log backend and the invalid-traffic rules."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# Substrings (case-insensitive) of user agents that are crawlers, monitors or headless browsers.
DEFAULT_BOT_USER_AGENTS = [
    "bot",
    "crawler",
    "spider",
    "slurp",
    "headlesschrome",
    "phantomjs",
    "python-requests",
    "curl/",
    "wget/",
    "facebookexternalhit",
    "yandex.com/bots",
    "pingdom",
    "uptimerobot",
]


class EventSettings(BaseModel):
    """Where acknowledged events are made durable and which traffic is invalid."""

    backend: Literal["disk", "kafka"] = "disk"
    # Append-only segments; an event is acknowledged after the fsync of its batch.
    log_dir: str = "./var/events"
    segment_bytes: int = Field(default=64 * 1024 * 1024, ge=4096)
    # Event ids remembered by the intake for duplicate detection (the loader checks the store
    # too, over +-8 days, so duplicates within at least 7 days are counted once).
    dedupe_days: int = Field(default=8, ge=7, le=90)
    # Memory bound of the intake's id index (~100 bytes each: 2M ids ~ 200 MB).
    dedupe_max_ids: int = Field(default=2_000_000, ge=1000)
    kafka_bootstrap_servers: str = ""
    kafka_topic: str = Field(default="jarnama.events", min_length=1, max_length=249)
    # Extra librdkafka properties (e.g. security.protocol, sasl.*); acks and idempotence are fixed.
    kafka_config: dict[str, str] = Field(default_factory=dict)
    kafka_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # Consumer group of the loader (`jarnama events load`): it holds the committed offsets.
    kafka_loader_group: str = Field(default="jarnama-loader", min_length=1, max_length=255)
    bot_user_agents: list[str] = Field(default_factory=lambda: list(DEFAULT_BOT_USER_AGENTS))
    # A second click on the same ad by the same user within this many seconds is invalid.
    click_repeat_seconds: int = Field(default=30, ge=0, le=3600)
    # Purchase lines accepted in one batch request.
    max_batch_lines: int = Field(default=10_000, ge=1, le=100_000)

"""Bidders are data: one YAML file per bidder, validated into a `BidderSpec`.

```yaml
code: alpha                       # file name without .yaml must match
name: Alpha DSP
endpoint: https://bid.alpha.example/openrtb2/dooh
openrtb_version: "2.6"            # "2.5" bidders get 2.6 fields moved to ext
channels: [dooh]
media_types: [banner, video]
currency: USD
timeout_ms: 250
qps: 500                          # requests per second this bidder accepts
gzip: true                        # gzip the request body
enabled: true
```
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from jarnama.core.errors import ConfigurationError
from jarnama.core.money import Currency


class Channel(enum.StrEnum):
    """Where an impression is shown (Prebid Server's bidder capabilities)."""

    DOOH = "dooh"
    SITE = "site"
    APP = "app"


class MediaType(enum.StrEnum):
    """What a bidder can buy."""

    BANNER = "banner"
    VIDEO = "video"
    NATIVE = "native"
    AUDIO = "audio"


class BidderSpec(BaseModel):
    """One bidder as its YAML file describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    endpoint: HttpUrl
    openrtb_version: Literal["2.5", "2.6"] = "2.6"
    channels: frozenset[Channel] = Field(min_length=1)
    media_types: frozenset[MediaType] = Field(min_length=1)
    currency: Currency = Currency.USD
    timeout_ms: Annotated[int, Field(ge=10, le=10_000)] = 250
    qps: Annotated[int, Field(ge=1, le=1_000_000)] = 100
    gzip: bool = False
    enabled: bool = True

    def buys_dooh(self) -> bool:
        """True when the bidder takes DOOH supply."""
        return Channel.DOOH in self.channels


def packaged_bidders_dir() -> Path:
    """The folder of bidder files shipped with Jarnama (examples, disabled)."""
    return Path(str(resources.files("jarnama.exchange").joinpath("data/bidders")))


def load_bidders(folder: Path) -> Mapping[str, BidderSpec]:
    """Every `*.yaml` in `folder` by code; all problems are reported together at start-up."""
    specs: dict[str, BidderSpec] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            spec = BidderSpec.model_validate(raw)
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: not YAML ({exc})")
            continue
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"]) or "(file)"
                problems.append(f"{path.name}: {where}: {error['msg']}")
            continue
        if spec.code != path.stem:
            problems.append(f"{path.name}: code {spec.code!r} must equal the file name")
            continue
        specs[spec.code] = spec
    if problems:
        raise ConfigurationError("invalid bidder files:\n  " + "\n  ".join(problems))
    return specs

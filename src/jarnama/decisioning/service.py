"""The decision service: the native API's `decide` and the billable-event `charge_event`.

Both are the entry points other front doors (Topsort `/v2/auctions`, `/v2/events`) call.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from jarnama.core.errors import JarnamaError
from jarnama.decisioning.schemas import DecisionRequestBody, DecisionResponse

if TYPE_CHECKING:
    from jarnama.decisioning.runtime import DecisionRuntime


class EventKind(enum.StrEnum):
    """A tracked event of a winning ad."""

    IMPRESSION = "impression"
    CLICK = "click"


class EventStatus(enum.StrEnum):
    """What an event did to the advertiser's spend."""

    CHARGED = "charged"
    DUPLICATE = "duplicate"
    NOT_BILLABLE = "not_billable"
    BUDGET_EXHAUSTED = "budget_exhausted"
    UNAVAILABLE = "unavailable"


class TokenRejected(JarnamaError):
    """A resolved bid id that is malformed, tampered with, signed by an unknown key or expired."""

    status_code = 400
    code = "invalid_resolved_bid_id"


@dataclass(frozen=True, slots=True)
class EventOutcome:
    """The result of one tracked event (charged amount in milli-tiyn; 0 unless charged)."""

    status: EventStatus
    bid_id: str
    campaign_id: int
    amount_mtiyn: int
    landing_url: str | None


def decide(
    runtime: DecisionRuntime,
    request: DecisionRequestBody,
    now: dt.datetime | None = None,
    *,
    strict: bool = True,
) -> DecisionResponse:
    """Run one page view's auctions on the runtime's current snapshot (no SQL).

    strict=True raises `InvalidInput` naming the field for a bad placement; strict=False
    answers that placement with `error` set and no winners (for the Topsort translator).
    """
    raise NotImplementedError


def charge_event(
    runtime: DecisionRuntime,
    session: Session,
    token: str,
    kind: EventKind,
    now: dt.datetime | None = None,
) -> EventOutcome:
    """Verify a resolved bid id and record its event: charge the billable one once, count
    frequency on impressions. Raises `TokenRejected` (counted, never billed) for a bad token.
    """
    raise NotImplementedError

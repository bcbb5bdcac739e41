"""Ghost ads in the decision path: which users a campaign holds out, and the experiment's log.

`HoldoutPolicy.holds_out(campaign, user)` is what the auction asks for each ad it is about to
place (at most a few per placement, not per candidate): one SHA-256 of "campaign:user" (~1 µs)
compared with the campaign's share in parts per million — the same split as
`incrementality.in_holdout`. The shares are a dict swapped whole on reload, so a decision
reads one consistent version without a lock.

`GhostLog` buffers both arms of the experiment as the decision defines them (Johnson, Lewis &
Nubbemeyer 2017): a ghost for each ad a held-out user would have been shown, and a `Served`
record for each ad of a holdout campaign placed for a treated user. Both are logged at the
same moment by the same rule, so the lift compares like with like; whether the page later
rendered the ad (an impression) plays no part in who is in which group. Appends are O(1);
the log is handed to the event intake after the answer is sent (the decision route's
background task) or at the runtime's next tick, so the decision never waits for an fsync.
Both go through the same durable intake and loader as impressions, into the store's `ghosts`
and `served` tables. A crash loses at most the records still buffered (bounded by
`max_pending`); they carry no money.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.measurement.tables import CampaignHoldout
from jarnama.tracking import events as ev

if TYPE_CHECKING:
    from fastapi import Request

    from jarnama.decisioning.messages import PlacementDecision, Winner

log = logging.getLogger(__name__)

PPM = 1_000_000
_RANGE = 2**64


def share_ppm(share: Decimal) -> int:
    """A share in (0..1) as whole parts per million (0.05 -> 50,000)."""
    return int((share * PPM).to_integral_value())


def bucket_below(campaign_id: int, user_id: str, ppm: int) -> bool:
    """Whether the user's hash for this campaign falls in the lowest `ppm` parts per million."""
    digest = hashlib.sha256(f"{campaign_id}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") * PPM < ppm * _RANGE


class HoldoutPolicy:
    """Each campaign's holdout share: its own when set, else the network default."""

    def __init__(self, default_share: Decimal, shares: Mapping[int, int] | None = None) -> None:
        """A policy holding out `default_share` of users unless a campaign sets its own (ppm)."""
        self.default_ppm = share_ppm(default_share)
        self._ppm: Mapping[int, int] = dict(shares or {})

    def holds_out(self, campaign_id: int, user_id: str) -> bool:
        """Whether the campaign holds this user out (show nothing, log a ghost)."""
        ppm = self._ppm.get(campaign_id, self.default_ppm)
        return ppm > 0 and bucket_below(campaign_id, user_id, ppm)

    def measures(self, campaign_id: int) -> bool:
        """Whether the campaign holds anyone out (so its served ads are logged for the lift)."""
        return self._ppm.get(campaign_id, self.default_ppm) > 0

    def share_of(self, campaign_id: int) -> Decimal:
        """The campaign's holdout share."""
        return Decimal(self._ppm.get(campaign_id, self.default_ppm)) / PPM

    def reload(self, session: Session) -> None:
        """Read the campaigns' own shares (one small query; swapped in whole)."""
        rows = session.execute(select(CampaignHoldout.campaign_id, CampaignHoldout.share_ppm))
        self._ppm = {campaign_id: ppm for campaign_id, ppm in rows}


Writer = Callable[[Sequence[ev.Event]], object]


def _ad_ref(winner: Winner, user_id: str) -> ev.AdRef:
    listing = winner.product_id is not None and winner.creative_id is None
    return ev.AdRef(
        bid_id=winner.resolved_bid_id,
        campaign_id=winner.campaign_id,
        ad_group_id=winner.ad_group_id,
        account_id=winner.advertiser_id,
        placement_id=winner.placement_id,
        product_id=winner.product_id,
        creative_id=winner.creative_id,
        price_tiyn=winner.price_tiyn,
        billing="cpc" if listing else "cpm",
        user_id=user_id,
    )


def ghost_event(winner: Winner, user_id: str, at: dt.datetime) -> ev.Ghost:
    """The ghost of an ad a held-out user would have been shown (its would-be price too)."""
    return ev.Ghost(id=f"g.{winner.resolved_bid_id}", at=at, ad=_ad_ref(winner, user_id))


def served_event(winner: Winner, user_id: str, at: dt.datetime) -> ev.Served:
    """The decision-time record of a holdout campaign's ad placed for a treated user."""
    return ev.Served(id=f"s.{winner.resolved_bid_id}", at=at, ad=_ad_ref(winner, user_id))


class GhostLog:
    """Ghosts and served records waiting for the intake (bounded; the oldest dropped, counted)."""

    def __init__(self, max_pending: int = 100_000) -> None:
        """An empty log."""
        self._pending: deque[ev.Ghost | ev.Served] = deque(maxlen=max_pending)
        self._lock = threading.Lock()
        self.writer: Writer | None = None
        self.written = 0
        self.dropped = 0

    @property
    def pending(self) -> int:
        """How many records wait to be written."""
        return len(self._pending)

    def record(self, winners: Iterable[Winner], user_id: str, at: dt.datetime) -> None:
        """Buffer the ghosts of one decision."""
        for winner in winners:
            self._append(ghost_event(winner, user_id, at))

    def record_decision(
        self,
        placed: PlacementDecision,
        user_id: str | None,
        at: dt.datetime,
        policy: HoldoutPolicy,
    ) -> None:
        """Buffer one placement's two arms: ghosts, and placed ads of campaigns with a holdout."""
        if not user_id:
            return  # anonymous requests are never held out, so they belong to neither arm
        for winner in placed.ghosts:
            self._append(ghost_event(winner, user_id, at))
        for winner in placed.winners:
            if policy.measures(winner.campaign_id):
                self._append(served_event(winner, user_id, at))

    def _append(self, record: ev.Ghost | ev.Served) -> None:
        pending = self._pending
        if len(pending) == pending.maxlen:
            self.dropped += 1
        pending.append(record)

    def flush(self, writer: Writer | None = None) -> int:
        """Write the buffered records through `writer` (or the remembered one); how many."""
        write = writer or self.writer
        if write is None or not self._pending:
            return 0
        batch: list[ev.Event] = []
        with self._lock:  # popleft, so a ghost appended meanwhile is never lost
            pending = self._pending
            while pending:
                batch.append(pending.popleft())
        try:
            write(batch)
        except Exception:
            log.exception(
                "writing %d ghost-ads records failed; kept for the next flush", len(batch)
            )
            with self._lock:
                self._pending.extendleft(reversed(batch))  # type: ignore[arg-type]
            return 0
        self.written += len(batch)
        return len(batch)


def flush_to_intake(request: Request, ghosts: GhostLog) -> None:
    """Background task of the decision route: write pending records to the process's intake."""
    from jarnama.tracking.api import get_intake

    if ghosts.writer is None:
        ghosts.writer = get_intake(request).submit
    ghosts.flush()

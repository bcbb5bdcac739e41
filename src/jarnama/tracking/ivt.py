"""Invalid traffic (IVT): events kept and counted, but never billed or reported.

Three general rules (the MRC's "general invalid traffic"): a known bot user agent, a click
with no served decision behind it, and a repeat click on the same ad by the same user (or on
the same resolved bid) within N seconds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import msgspec

from jarnama.tracking.events import Click, Event, Impression

BOT = "bot_user_agent"
NO_DECISION = "no_served_decision"
REPEAT_CLICK = "repeated_click"
REASONS = (BOT, NO_DECISION, REPEAT_CLICK)


class InvalidTrafficFilter:
    """Marks invalid events with a reason (`event.ivt`); thread-safe."""

    def __init__(
        self, bot_user_agents: Sequence[str], click_repeat_seconds: int, max_keys: int = 1_000_000
    ) -> None:
        """A filter with these bot UA substrings and repeat-click interval."""
        self._bots = tuple(ua.lower() for ua in bot_user_agents if ua)
        self._repeat_ms = click_repeat_seconds * 1000
        self._max_keys = max_keys
        self._last_click: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def is_bot(self, user_agent: str | None) -> bool:
        """Whether a user agent names a known crawler or headless client."""
        if not user_agent:
            return False
        lowered = user_agent.lower()
        return any(bot in lowered for bot in self._bots)

    def classify(self, event: Event) -> Event:
        """The event, with `ivt` set to the first rule it breaks (unchanged when valid)."""
        if isinstance(event, Impression):
            if self.is_bot(event.user_agent):
                return msgspec.structs.replace(event, ivt=BOT)
            return event
        if not isinstance(event, Click):
            return event
        if self.is_bot(event.user_agent):
            reason: str | None = BOT
        elif event.ad is None:
            reason = NO_DECISION
        else:
            reason = self._repeat(event)
        return event if reason is None else msgspec.structs.replace(event, ivt=reason)

    def _repeat(self, click: Click) -> str | None:
        assert click.ad is not None
        ad = click.ad
        target = ad.product_id or ad.creative_id or ad.ad_group_id
        keys = [f"b:{ad.bid_id}"]
        if ad.user_id:
            keys.append(f"u:{ad.user_id}:{ad.campaign_id}:{target}")
        at_ms = int(click.at.timestamp() * 1000)
        repeated = False
        with self._lock:
            for key in keys:
                last = self._last_click.get(key)
                if last is not None and 0 <= at_ms - last < self._repeat_ms:
                    repeated = True
                self._last_click[key] = at_ms
                self._last_click.move_to_end(key)
            while len(self._last_click) > self._max_keys:
                self._last_click.popitem(last=False)
        return REPEAT_CLICK if repeated else None

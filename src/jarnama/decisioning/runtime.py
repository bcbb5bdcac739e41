"""The online decision runtime held in `app.state.decision_runtime`."""

from __future__ import annotations


class DecisionRuntime:
    """Current snapshot, state store, ranker, pricing and pacing of one server process."""

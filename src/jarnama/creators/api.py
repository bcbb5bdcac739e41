"""HTTP API of the creator exchange, under /api/v1/creators (and the short link /c/{slug}).

Advertisers manage their offers and see only their conversions; creators see active offers
and only their own profile, codes, links, conversions, statements and taxes; network admins
see everything and hold the money desk (escrow deposits, payout batches, jobs). Postbacks
authenticate with the offer's token or an HMAC signature instead of an API key.

The routes live in `creators/routes/`, one module per area; this module mounts them.
"""

from __future__ import annotations

from fastapi import APIRouter

from jarnama.creators.routes import conversions, feeds, money, offers, profiles, reports
from jarnama.creators.routes.conversions import link_router

__all__ = ["link_router", "router"]

router = APIRouter(prefix="/creators", tags=["creators"])
for area in (offers, feeds, profiles, conversions, money, reports):
    router.include_router(area.router)

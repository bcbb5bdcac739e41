"""Topsort v2 compatibility: `POST /v2/auctions` and `POST /v2/events` on Jarnama's auction.

A storefront written against Topsort's published v2 API works by changing its base URL:
`schemas` mirrors the spec's objects, `translate` maps them onto the native decision API and
back (pure), `api` serves the two routes at the root with Topsort's status codes and error
bodies.
"""

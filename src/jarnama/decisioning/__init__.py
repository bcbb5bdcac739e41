"""Decisioning: the retail media auction's hot path (no ORM, no SQL).

Flow of one decision:

1. `snapshot.compile_snapshot` turns plain specs (products, campaigns, ad groups,
   creatives, placements — later compiled from the database) into an immutable
   `DecisionSnapshot` with indexes by keyword term, product, category and placement.
   A change is a new snapshot, swapped in whole.
2. `auction.decide(snapshot, request, deps)` runs each placement of a page view: it takes
   the retailer's candidates (or retrieves them through `text.terms` and the indexes),
   filters (schedule, Almaty daypart, budget, pacing coin, frequency cap, targeting,
   stock, reserve), ranks by quality (`ranking.Ranker`, smoothed CTR by default) * bid *
   placement multiplier, keeps one ad per product and advertiser, and prices winners by
   GSP or first price (`pricing`). Rejections are counted, never raised.
3. Billable events (click for CPC, impression for CPM) `charge` the `state` store once per
   resolved bid id; a charge that reaches a budget stops the campaign in every process.
4. `pacing.PacingController` updates each campaign's pass-through rate once a minute
   from its spend against the day's traffic-shaped target.
"""

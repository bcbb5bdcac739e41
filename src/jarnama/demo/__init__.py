"""The demo network: a grocery retailer with its catalog, stores, suppliers and placements."""

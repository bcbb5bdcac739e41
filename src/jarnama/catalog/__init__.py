"""The retailer's catalog: products, categories, brands, stores, placements and minimum bids."""

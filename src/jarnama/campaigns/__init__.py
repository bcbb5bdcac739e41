"""Campaigns: the self-serve side of retail media (campaigns, ad groups, creatives, segments)."""

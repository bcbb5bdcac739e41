"""The programmatic DOOH exchange: screens as OpenRTB 2.6 supply, bidders as data, auctions."""

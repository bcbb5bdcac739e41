"""Currencies and dated exchange rates (configured, or imported from NBK daily XML)."""

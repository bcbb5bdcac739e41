"""The CPA creator exchange: offers, creators, codes and links, conversions, ledger, tax."""

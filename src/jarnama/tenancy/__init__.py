"""Tenancy and access: the network, its accounts, users, API keys, sessions and the audit log."""

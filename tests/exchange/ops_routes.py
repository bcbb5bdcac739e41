"""Every /api/v1/exchange route of the operations router (approvals, DCO, signals, reports).

Counted into the exchange matrix's EXCHANGE_ROUTES; tests/exchange/test_ops_tenancy.py proves
their tenant isolation, roles and scopes.
"""

from __future__ import annotations

P = "/api/v1/exchange"

OPS_ROUTE_KEYS = {
    ("GET", f"{P}/creatives"),
    ("GET", f"{P}/creatives/{{creative_id}}"),
    ("POST", f"{P}/creatives/{{creative_id}}/review"),
    ("POST", f"{P}/dco/campaigns"),
    ("GET", f"{P}/dco/campaigns"),
    ("GET", f"{P}/dco/campaigns/{{campaign_id}}"),
    ("PATCH", f"{P}/dco/campaigns/{{campaign_id}}"),
    ("POST", f"{P}/dco/campaigns/{{campaign_id}}/preview"),
    ("POST", f"{P}/signals/traffic"),
    ("GET", f"{P}/signals/traffic"),
    ("GET", f"{P}/reports"),
    ("GET", f"{P}/reports/csv"),
}

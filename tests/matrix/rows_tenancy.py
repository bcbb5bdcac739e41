"""Matrix rows of the tenancy domain (users, accounts, API keys, audit log) and of money."""

from __future__ import annotations

from tests.matrix.case import (
    ADMINS,
    EVERYONE,
    KEY_ISSUERS,
    NETWORK,
    Case,
    Kind,
    account_filter,
    owned,
)
from tests.tenancy.helpers import PASSWORD

NBK_XML = (
    b"<?xml version='1.0' encoding='utf-8'?><rates><date>15.01.2026</date>"
    b"<item><fullname>US DOLLAR</fullname><title>USD</title><description>506.12</description>"
    b"<quant>1</quant></item></rates>"
)

ROWS: list[Case] = [
    # Users: network admins manage all; account admins their own account; others read.
    Case(
        "POST",
        "/api/v1/users",
        Kind.WRITE,
        ADMINS,
        body=lambda w, t: {
            "email": f"new-{t.account_id}@matrix.kz",
            "password": PASSWORD,
            "role": t.member_role.value,
            "account_id": t.account_id,
        },
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/users",
        Kind.LIST,
        EVERYONE,
        query=account_filter,
        belongs_to=owned("account_id"),
    ),
    Case(
        "GET",
        "/api/v1/users/{user_id}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"user_id": t.user_id},
    ),
    Case(
        "PATCH",
        "/api/v1/users/{user_id}",
        Kind.WRITE,
        ADMINS,
        params=lambda w, t: {"user_id": t.user_id},
        body=lambda w, t: {"full_name": "Changed by the matrix", "active": False},
    ),
    # Accounts: network admins create and change; members read their own (and agency clients).
    Case(
        "POST",
        "/api/v1/accounts",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {"kind": "advertiser", "name": "Matrix Ltd"},
        foreign_status=403,
        success=201,
    ),
    Case("GET", "/api/v1/accounts", Kind.LIST, EVERYONE, belongs_to=owned("id")),
    Case(
        "GET",
        "/api/v1/accounts/{account_id}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"account_id": t.account_id},
    ),
    Case(
        "PATCH",
        "/api/v1/accounts/{account_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"account_id": t.account_id},
        body=lambda w, t: {"name": "Renamed by the matrix"},
    ),
    Case(
        "POST",
        "/api/v1/accounts/{agency_id}/clients",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"agency_id": w.agency_id},
        body=lambda w, t: {"client_id": w.spare_advertiser_id},
        foreign_status=403,
        success=201,
    ),
    Case(
        "DELETE",
        "/api/v1/accounts/{agency_id}/clients/{client_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"agency_id": w.agency_id, "client_id": w.home.account_id},
        foreign_status=403,
        success=204,
    ),
    # API keys: admins and creators issue keys for their accounts; analysts read.
    Case(
        "POST",
        "/api/v1/api-keys",
        Kind.WRITE,
        KEY_ISSUERS,
        body=lambda w, t: {
            "name": "matrix",
            "role": t.member_role.value,
            "account_id": t.account_id,
            "scopes": ["read"],
        },
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/api-keys",
        Kind.LIST,
        EVERYONE,
        query=account_filter,
        belongs_to=owned("account_id"),
    ),
    Case(
        "POST",
        "/api/v1/api-keys/{key_id}/revoke",
        Kind.WRITE,
        KEY_ISSUERS,
        params=lambda w, t: {"key_id": t.key_id},
    ),
    # The audit log: everyone reads the entries of the accounts it may act for.
    Case(
        "GET",
        "/api/v1/audit-log",
        Kind.LIST,
        EVERYONE,
        query=account_filter,
        belongs_to=owned("account_id"),
    ),
    # Exchange rates are network data, but importing them is a network-admin write.
    Case(
        "POST",
        "/api/v1/rates/import",
        Kind.WRITE,
        NETWORK,
        files=lambda w, t: {"file": ("rates.xml", NBK_XML, "application/xml")},
        foreign_status=403,
    ),
]
